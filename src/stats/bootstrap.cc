#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace infx::stats {
namespace {

// Uniform index in [0, n) by rejection (portable, unbiased).
size_t DrawIndex(std::mt19937_64& rng, size_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return static_cast<size_t>(x % n);
}

double MeanOfResample(std::mt19937_64& rng, const std::vector<double>& logs) {
  double sum = 0;
  for (size_t i = 0; i < logs.size(); ++i)
    sum += logs[DrawIndex(rng, logs.size())];
  return sum / static_cast<double>(logs.size());
}

// Linear interpolation between order statistics (numpy's default).
double Percentile(const std::vector<double>& sorted, double fraction) {
  const double pos = fraction * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] +
         (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

RatioInterval BootstrapGeometricMeanRatio(const std::vector<double>& a,
                                          const std::vector<double>& b,
                                          int resamples, double confidence,
                                          uint64_t seed) {
  RatioInterval r;
  if (a.empty() || b.empty() || resamples < 1) return r;
  std::vector<double> la, lb;
  for (double v : a) {
    if (!(v > 0) || !std::isfinite(v)) return r;
    la.push_back(std::log(v));
  }
  for (double v : b) {
    if (!(v > 0) || !std::isfinite(v)) return r;
    lb.push_back(std::log(v));
  }
  double sa = 0, sb = 0;
  for (double v : la) sa += v;
  for (double v : lb) sb += v;
  const double log_ratio =
      sb / static_cast<double>(lb.size()) - sa / static_cast<double>(la.size());
  std::mt19937_64 rng(seed);
  std::vector<double> draws(static_cast<size_t>(resamples));
  for (double& d : draws) {
    const double ma = MeanOfResample(rng, la);
    d = MeanOfResample(rng, lb) - ma;
  }
  std::sort(draws.begin(), draws.end());
  const double tail = (1.0 - confidence) / 2.0;
  r.ratio = std::exp(log_ratio);
  r.low = std::exp(Percentile(draws, tail));
  r.high = std::exp(Percentile(draws, 1.0 - tail));
  r.valid = true;
  return r;
}

}  // namespace infx::stats
