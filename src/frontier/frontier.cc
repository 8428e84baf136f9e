#include "frontier/frontier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace infx::frontier {
namespace {

bool Finite(double v) { return std::isfinite(v); }

double Sign(double v) { return (v > 0) - (v < 0); }

// One-sided end slope that keeps the shape (as in SciPy's PchipInterpolator).
double EndSlope(double h0, double h1, double d0, double d1) {
  double m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Sign(m) != Sign(d0)) return 0;
  if (Sign(d0) != Sign(d1) && std::abs(m) > 3 * std::abs(d0)) return 3 * d0;
  return m;
}

}  // namespace

Result<XMetric> ParseXMetric(std::string_view text) {
  if (text == "interactivity") return XMetric::kInteractivity;
  if (text == "e2el") return XMetric::kE2el;
  if (text == "ttft") return XMetric::kTtft;
  return Status::InvalidArgument(fmt::format(
      "unknown x axis '{}' (expected interactivity, e2el or ttft)", text));
}

Result<YMetric> ParseYMetric(std::string_view text) {
  if (text == "total") return YMetric::kTotal;
  if (text == "output") return YMetric::kOutput;
  if (text == "input") return YMetric::kInput;
  if (text == "tokens_per_mw") return YMetric::kTokensPerMw;
  if (text == "joules_per_token") return YMetric::kJoulesPerToken;
  return Status::InvalidArgument(
      fmt::format("unknown y axis '{}' (expected total, output, input, "
                  "tokens_per_mw or joules_per_token)",
                  text));
}

std::string_view XMetricName(XMetric x) {
  switch (x) {
    case XMetric::kInteractivity:
      return "interactivity";
    case XMetric::kE2el:
      return "e2el";
    case XMetric::kTtft:
      return "ttft";
  }
  return "?";
}

std::string_view YMetricName(YMetric y) {
  switch (y) {
    case YMetric::kTotal:
      return "total";
    case YMetric::kOutput:
      return "output";
    case YMetric::kInput:
      return "input";
    case YMetric::kTokensPerMw:
      return "tokens_per_mw";
    case YMetric::kJoulesPerToken:
      return "joules_per_token";
  }
  return "?";
}

std::string_view XMetricLabel(XMetric x) {
  switch (x) {
    case XMetric::kInteractivity:
      return "Interactivity (tok/s/user)";
    case XMetric::kE2el:
      return "Median E2E latency (ms)";
    case XMetric::kTtft:
      return "Median TTFT (ms)";
  }
  return "?";
}

std::string_view YMetricLabel(YMetric y) {
  switch (y) {
    case YMetric::kTotal:
      return "Total throughput per GPU (tok/s/GPU)";
    case YMetric::kOutput:
      return "Output throughput per GPU (tok/s/GPU)";
    case YMetric::kInput:
      return "Input throughput per GPU (tok/s/GPU)";
    case YMetric::kTokensPerMw:
      return "Tokens per second per MW all-in (tok/s/MW)";
    case YMetric::kJoulesPerToken:
      return "All-in energy per token (J/token)";
  }
  return "?";
}

bool HigherXIsBetter(XMetric x) { return x == XMetric::kInteractivity; }

bool HigherYIsBetter(YMetric y) { return y != YMetric::kJoulesPerToken; }

bool IsPowerMetric(YMetric y) {
  return y == YMetric::kTokensPerMw || y == YMetric::kJoulesPerToken;
}

std::vector<CurvePoint> ParetoFrontier(std::vector<CurvePoint> points,
                                       bool higher_x_better,
                                       bool higher_y_better) {
  std::erase_if(points, [](const CurvePoint& p) {
    return !Finite(p.x) || !Finite(p.y) || p.x < 0 || p.y < 0;
  });
  auto goodness = [&](const CurvePoint& p) {
    return higher_x_better ? p.x : -p.x;
  };
  auto y_goodness = [&](const CurvePoint& p) {
    return higher_y_better ? p.y : -p.y;
  };
  // Best x first; among equal x, best y first; then a stable tie-break.
  std::sort(points.begin(), points.end(),
            [&](const CurvePoint& a, const CurvePoint& b) {
              const double ga = goodness(a), gb = goodness(b);
              if (ga != gb) return ga > gb;
              if (a.y != b.y) return y_goodness(a) > y_goodness(b);
              return std::tie(a.config_key, a.concurrency, a.point_id) <
                     std::tie(b.config_key, b.concurrency, b.point_id);
            });
  // Walking from the best x to the worst, a point survives only if it beats
  // the best y seen so far (everyone before it has an x at least as good).
  std::vector<CurvePoint> frontier;
  double best_y = -std::numeric_limits<double>::infinity();
  for (CurvePoint& p : points) {
    if (y_goodness(p) > best_y) {
      best_y = y_goodness(p);
      frontier.push_back(std::move(p));
    }
  }
  std::sort(frontier.begin(), frontier.end(),
            [](const CurvePoint& a, const CurvePoint& b) { return a.x < b.x; });
  return frontier;
}

MonotoneCurve MonotoneCurve::Fit(const std::vector<CurvePoint>& sorted_points) {
  MonotoneCurve c;
  for (const CurvePoint& p : sorted_points) {
    if (!Finite(p.x) || !Finite(p.y)) continue;
    if (!c.xs_.empty() && p.x <= c.xs_.back()) continue;
    c.xs_.push_back(p.x);
    c.ys_.push_back(p.y);
  }
  const size_t n = c.xs_.size();
  c.slopes_.assign(n, 0.0);
  if (n < 2) return c;
  std::vector<double> h(n - 1), d(n - 1);
  for (size_t k = 0; k + 1 < n; ++k) {
    h[k] = c.xs_[k + 1] - c.xs_[k];
    d[k] = (c.ys_[k + 1] - c.ys_[k]) / h[k];
  }
  if (n == 2) {
    c.slopes_[0] = c.slopes_[1] = d[0];
    return c;
  }
  for (size_t k = 1; k + 1 < n; ++k) {
    if (d[k - 1] * d[k] <= 0) continue;  // local extremum or flat: slope 0
    // Weighted harmonic mean (Fritsch-Butland form used by PCHIP).
    const double w1 = 2 * h[k] + h[k - 1];
    const double w2 = h[k] + 2 * h[k - 1];
    c.slopes_[k] = (w1 + w2) / (w1 / d[k - 1] + w2 / d[k]);
  }
  c.slopes_[0] = EndSlope(h[0], h[1], d[0], d[1]);
  c.slopes_[n - 1] = EndSlope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
  return c;
}

std::optional<double> MonotoneCurve::At(double x) const {
  if (xs_.empty() || !Finite(x) || x < xs_.front() || x > xs_.back()) {
    return std::nullopt;
  }
  if (xs_.size() == 1) return ys_[0];
  size_t k = static_cast<size_t>(std::upper_bound(xs_.begin(), xs_.end(), x) -
                                 xs_.begin());
  k = std::clamp<size_t>(k, 1, xs_.size() - 1) - 1;
  const double h = xs_[k + 1] - xs_[k];
  const double t = (x - xs_[k]) / h;
  const double t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1;
  const double h10 = t3 - 2 * t2 + t;
  const double h01 = -2 * t3 + 3 * t2;
  const double h11 = t3 - t2;
  const double y = h00 * ys_[k] + h10 * h * slopes_[k] + h01 * ys_[k + 1] +
                   h11 * h * slopes_[k + 1];
  // Guard against rounding just outside the knot range.
  return std::clamp(y, std::min(ys_[k], ys_[k + 1]),
                    std::max(ys_[k], ys_[k + 1]));
}

std::vector<IsoValue> IsoValues(const MonotoneCurve& curve,
                                const std::vector<double>& levels) {
  std::vector<IsoValue> out;
  out.reserve(levels.size());
  for (double level : levels) out.push_back({level, curve.At(level)});
  return out;
}

FrontierComparison CompareFrontiers(const MonotoneCurve& a,
                                    const MonotoneCurve& b,
                                    const std::vector<double>& levels) {
  FrontierComparison out;
  for (double level : levels) {
    IsoRatio r{level, a.At(level), b.At(level), std::nullopt};
    if (r.y_a && r.y_b && *r.y_b > 0) r.ratio = *r.y_a / *r.y_b;
    out.at_levels.push_back(r);
  }
  if (a.empty() || b.empty()) return out;
  const double lo = std::max(a.x_min(), b.x_min());
  const double hi = std::min(a.x_max(), b.x_max());
  if (lo > hi) return out;
  out.has_overlap = true;
  out.overlap_x_min = lo;
  out.overlap_x_max = hi;
  // Simpson's rule on the gap and a uniform sample of the log ratio.
  constexpr int kIntervals = 1000;
  const double step = (hi - lo) / kIntervals;
  double area = 0, log_sum = 0;
  int log_count = 0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double x = i == kIntervals ? hi : lo + i * step;
    const double ya = a.At(x).value_or(0), yb = b.At(x).value_or(0);
    const double weight = (i == 0 || i == kIntervals) ? 1 : (i % 2 ? 4 : 2);
    area += weight * (ya - yb);
    if (ya > 0 && yb > 0) {
      log_sum += std::log(ya / yb);
      ++log_count;
    }
  }
  out.area_between = area * step / 3;
  out.mean_gap = hi > lo ? out.area_between / (hi - lo)
                         : a.At(lo).value_or(0) - b.At(lo).value_or(0);
  if (log_count > 0) out.geomean_ratio = std::exp(log_sum / log_count);
  return out;
}

std::optional<double> CostPerMillionTokensUsd(double tok_s_per_gpu,
                                              double usd_per_gpu_hour) {
  if (!Finite(tok_s_per_gpu) || !Finite(usd_per_gpu_hour) ||
      tok_s_per_gpu <= 0 || usd_per_gpu_hour <= 0) {
    return std::nullopt;
  }
  return usd_per_gpu_hour / (tok_s_per_gpu * 3600.0) * 1e6;
}

std::optional<double> TokensPerSecondPerMw(double tok_s_per_gpu,
                                           double all_in_power_watts) {
  if (!Finite(tok_s_per_gpu) || !Finite(all_in_power_watts) ||
      tok_s_per_gpu <= 0 || all_in_power_watts <= 0) {
    return std::nullopt;
  }
  return tok_s_per_gpu * 1e6 / all_in_power_watts;
}

std::optional<double> JoulesPerToken(double tok_s_per_gpu,
                                     double all_in_power_watts) {
  if (!Finite(tok_s_per_gpu) || !Finite(all_in_power_watts) ||
      tok_s_per_gpu <= 0 || all_in_power_watts <= 0) {
    return std::nullopt;
  }
  return all_in_power_watts / tok_s_per_gpu;
}

}  // namespace infx::frontier
