#include "search/saturation.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace infx::search {

Slope LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> lx, ly;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] > 0 && y[i] > 0 && std::isfinite(x[i]) && std::isfinite(y[i])) {
      lx.push_back(std::log(x[i]));
      ly.push_back(std::log(y[i]));
    }
  }
  Slope s;
  s.n = static_cast<int>(lx.size());
  if (s.n < 2) return s;
  double mx = 0, my = 0;
  for (int i = 0; i < s.n; ++i) mx += lx[i], my += ly[i];
  mx /= s.n;
  my /= s.n;
  double sxx = 0, sxy = 0;
  for (int i = 0; i < s.n; ++i) {
    sxx += (lx[i] - mx) * (lx[i] - mx);
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  if (sxx <= 0) return s;
  s.slope = sxy / sxx;
  if (s.n > 2) {
    double sse = 0;
    for (int i = 0; i < s.n; ++i) {
      const double r = ly[i] - (my + s.slope * (lx[i] - mx));
      sse += r * r;
    }
    s.stderr_ = std::sqrt(sse / (s.n - 2) / sxx);
  }
  return s;
}

double StudentT(double confidence, int df) {
  // One-sided quantiles for df 1..10, then the normal limit beyond 30.
  static constexpr std::array<double, 4> kLevels = {0.9, 0.95, 0.975, 0.99};
  static constexpr double kTable[4][11] = {
      {3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372,
       1.282},
      {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
       1.645},
      {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
       1.960},
      {31.821, 6.965, 4.541, 3.747, 3.365, 3.143, 2.998, 2.896, 2.821, 2.764,
       2.326}};
  size_t row = 0;
  for (size_t i = 1; i < kLevels.size(); ++i) {
    if (std::abs(kLevels[i] - confidence) < std::abs(kLevels[row] - confidence))
      row = i;
  }
  df = std::max(1, df);
  return kTable[row][std::min(df, 11) - 1];
}

std::optional<Saturation> DetectSaturation(
    const std::vector<LoadPoint>& ascending, const SaturationOptions& o) {
  const int w = std::max(3, o.window);
  if (static_cast<int>(ascending.size()) < w) return std::nullopt;
  std::vector<double> load, tput, lat;
  for (size_t i = ascending.size() - w; i < ascending.size(); ++i) {
    load.push_back(ascending[i].load);
    tput.push_back(ascending[i].throughput);
    lat.push_back(ascending[i].latency_ms);
  }
  Saturation s;
  s.load = load.front();
  s.throughput = LogLogSlope(load, tput);
  s.latency = LogLogSlope(load, lat);
  if (s.throughput.n < 3 || s.latency.n < 3) return std::nullopt;
  const double tt = StudentT(o.confidence, s.throughput.n - 2);
  const double tl = StudentT(o.confidence, s.latency.n - 2);
  const bool flat =
      s.throughput.slope + tt * s.throughput.stderr_ < o.max_throughput_slope;
  const bool growing =
      s.latency.slope - tl * s.latency.stderr_ > o.min_latency_slope;
  if (!flat || !growing) return std::nullopt;
  return s;
}

}  // namespace infx::search
