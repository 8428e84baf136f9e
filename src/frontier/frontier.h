// Pareto-frontier math over (x, y) serving points: which points are not
// dominated, a monotone (PCHIP, Fritsch-Carlson 1980) curve through them,
// throughput at iso-interactivity levels, comparison of two frontiers, and
// cost / power figures. Axes follow InferenceX: y is throughput per GPU
// (total, output or input tok/s/GPU); x is interactivity (median tok/s/user,
// higher is better), median E2E latency (ms) or median TTFT (ms) (lower is
// better). The frontier is the "roofline" InferenceX draws: upper-right for
// interactivity, upper-left for latencies.
//
// Thread-safety: pure functions and immutable values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::frontier {

enum class XMetric { kInteractivity, kE2el, kTtft };
// kTokensPerMw and kJoulesPerToken are power metrics (docs/telemetry.md,
// "Frontiers"): the point's measured GPU power when it is valid, else the
// catalog's all-in watts per GPU (modelled); lower J/token is better.
enum class YMetric { kTotal, kOutput, kInput, kTokensPerMw, kJoulesPerToken };

// "interactivity" | "e2el" | "ttft"; InvalidArgument names the bad value.
Result<XMetric> ParseXMetric(std::string_view text);
// "total" | "output" | "input" | "tokens_per_mw" | "joules_per_token".
Result<YMetric> ParseYMetric(std::string_view text);
std::string_view XMetricName(XMetric x);  // "interactivity", ...
std::string_view YMetricName(YMetric y);  // "total", ...
// Axis labels with units: "Interactivity (tok/s/user)", "Median E2E latency
// (ms)", "Total throughput per GPU (tok/s/GPU)".
std::string_view XMetricLabel(XMetric x);
std::string_view YMetricLabel(YMetric y);
// True for interactivity, false for the latencies.
bool HigherXIsBetter(XMetric x);
// False for joules_per_token only.
bool HigherYIsBetter(YMetric y);
// tokens_per_mw and joules_per_token.
bool IsPowerMetric(YMetric y);

// One measured (or predicted) point on a chart.
struct CurvePoint {
  double x = 0;
  double y = 0;
  std::string config_key;
  double concurrency = 0;  // load label: max concurrency (or request rate)
  int64_t point_id = 0;    // store id; 0 for predicted/hand-made points
  // Power y metrics: where y came from, "measured" (the point's valid GPU
  // power) or "catalog" (modelled from the catalog's all-in watts); ""
  // for throughput metrics.
  std::string y_source;
  // Measured points: total tok/s/GPU, and the measured all-in tok/s/MW when
  // every repetition had valid GPU power (whatever the y metric), so tables
  // show it beside the catalog's estimate.
  double tput_per_gpu_total = 0;
  std::optional<double> measured_tok_s_per_mw;
};

// Non-dominated points sorted by x ascending. A point is dominated when
// another has a y at least as good (>=, or <= when !higher_y_better) and an
// x at least as good, one of them strictly better.
// Exact duplicates keep one point (smallest config_key, then concurrency).
// Points with non-finite or negative coordinates are ignored. Empty in =>
// empty out; one point => that point.
std::vector<CurvePoint> ParetoFrontier(std::vector<CurvePoint> points,
                                       bool higher_x_better,
                                       bool higher_y_better = true);

// Monotone cubic Hermite interpolation (PCHIP, Fritsch-Carlson slopes) of
// y(x) through points with strictly increasing x. Between two knots the
// curve stays within their y range (never overshoots); outside
// [x_min, x_max] it is undefined (no extrapolation).
class MonotoneCurve {
 public:
  MonotoneCurve() = default;
  // Points must be sorted by x; points with an x equal to the previous one
  // are skipped (a Pareto frontier has none).
  static MonotoneCurve Fit(const std::vector<CurvePoint>& sorted_points);

  bool empty() const { return xs_.empty(); }
  double x_min() const { return xs_.empty() ? 0 : xs_.front(); }
  double x_max() const { return xs_.empty() ? 0 : xs_.back(); }
  // y at x, or nullopt when x is outside [x_min, x_max] or the curve is
  // empty.
  std::optional<double> At(double x) const;

 private:
  std::vector<double> xs_;
  std::vector<double> ys_;
  std::vector<double> slopes_;  // dy/dx at each knot
};

// Throughput on the frontier at one x level (e.g. 50 tok/s/user).
struct IsoValue {
  double x = 0;
  std::optional<double> y;  // nullopt: level outside the measured range
};
std::vector<IsoValue> IsoValues(const MonotoneCurve& curve,
                                const std::vector<double>& levels);

// A against B at matched x.
struct IsoRatio {
  double x = 0;
  std::optional<double> y_a;
  std::optional<double> y_b;
  std::optional<double> ratio;  // y_a / y_b when both exist and y_b > 0
};
struct FrontierComparison {
  std::vector<IsoRatio> at_levels;
  bool has_overlap = false;  // x ranges of A and B intersect
  double overlap_x_min = 0;
  double overlap_x_max = 0;
  // Integral over the overlap of (y_a - y_b) dx, in y-units * x-units
  // (positive: A above B). 0 without overlap.
  double area_between = 0;
  // Same integral divided by the overlap width: mean vertical gap in y-units.
  double mean_gap = 0;
  // Geometric mean of y_a / y_b sampled uniformly over the overlap.
  std::optional<double> geomean_ratio;
};
FrontierComparison CompareFrontiers(const MonotoneCurve& a,
                                    const MonotoneCurve& b,
                                    const std::vector<double>& levels);

// USD per million tokens for one GPU producing `tok_s_per_gpu` at
// `usd_per_gpu_hour`: price / (tok/s * 3600) * 1e6 (InferenceX "costh").
// nullopt when either input is <= 0 or not finite.
std::optional<double> CostPerMillionTokensUsd(double tok_s_per_gpu,
                                              double usd_per_gpu_hour);
// Tokens per second per megawatt of all-in power: tok/s/GPU * 1e6 / W.
// nullopt when either input is <= 0 or not finite.
std::optional<double> TokensPerSecondPerMw(double tok_s_per_gpu,
                                           double all_in_power_watts);
// All-in joules per token: W / (tok/s/GPU). nullopt as above.
std::optional<double> JoulesPerToken(double tok_s_per_gpu,
                                     double all_in_power_watts);

}  // namespace infx::frontier
