#include "chart/axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace infx::chart {
namespace {

AxisRange FitLinear(const AxisSpec& spec, double data_min, double data_max) {
  AxisRange a;
  a.scale = Scale::kLinear;
  a.lo = std::min(0.0, data_min);
  a.hi = std::max(0.0, data_max);
  if (a.hi > 0) a.hi *= spec.headroom;
  if (!(a.hi > a.lo)) a.hi = a.lo + 1;
  const double step = NiceStep(a.hi - a.lo, spec.target_ticks);
  if (spec.end_on_tick) {
    a.lo = std::floor(a.lo / step) * step;
    a.hi = std::ceil(a.hi / step) * step;
  }
  const double eps = step * 1e-9;
  const double first = std::ceil(a.lo / step - 1e-9) * step;
  for (int i = 0;; ++i) {
    double v = first + i * step;
    if (v > a.hi + eps) break;
    if (std::abs(v) < eps) v = 0;
    a.ticks.push_back(v);
  }
  return a;
}

AxisRange FitLog(const AxisSpec& spec, double data_min, double data_max) {
  AxisRange a;
  a.scale = Scale::kLog;
  if (!(data_min > 0) || data_min > data_max) {
    data_min = 1;
    data_max = 10;
  }
  const int lo_exp = static_cast<int>(std::floor(std::log10(data_min)));
  int hi_exp = static_cast<int>(
      std::ceil(std::log10(data_max * std::max(1.0, spec.headroom))));
  if (hi_exp <= lo_exp) hi_exp = lo_exp + 1;
  a.lo = std::pow(10.0, lo_exp);
  a.hi = std::pow(10.0, hi_exp);
  // Few decades: 1-2-5 within each, else the powers of ten alone.
  const bool fine = hi_exp - lo_exp <= 2;
  for (int e = lo_exp; e <= hi_exp; ++e) {
    const double decade = std::pow(10.0, e);
    a.ticks.push_back(decade);
    if (!fine || e == hi_exp) continue;
    a.ticks.push_back(2 * decade);
    a.ticks.push_back(5 * decade);
  }
  return a;
}

}  // namespace

double NiceStep(double range, int target) {
  if (!(range > 0) || target <= 0) return 1;
  const double raw = range / target;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

AxisRange FitAxis(const AxisSpec& spec, double data_min, double data_max) {
  if (data_min > data_max) data_min = data_max = 0;
  return spec.scale == Scale::kLog ? FitLog(spec, data_min, data_max)
                                   : FitLinear(spec, data_min, data_max);
}

double ToPixel(const AxisRange& axis, double v, double pixel_lo,
               double pixel_hi) {
  const double t = axis.scale == Scale::kLog
                       ? (std::log10(v) - std::log10(axis.lo)) /
                             (std::log10(axis.hi) - std::log10(axis.lo))
                       : (v - axis.lo) / (axis.hi - axis.lo);
  return pixel_lo + t * (pixel_hi - pixel_lo);
}

bool Drawable(Scale scale, double v) {
  return std::isfinite(v) && (scale == Scale::kLinear || v > 0);
}

std::string TickLabel(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 10000) return fmt::format("{:g}k", v / 1000);
  if (std::abs(v) >= 10) return fmt::format("{:.0f}", v);
  return fmt::format("{:g}", v);
}

}  // namespace infx::chart
