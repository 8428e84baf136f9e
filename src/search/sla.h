// SLA-targeted search (as vLLM's serve_sla): per config, the highest
// concurrency whose measured point meets every constraint of an SLA such as
// "p99_ttft_ms<=2000,median_tpot_ms<=50" (any stored metric, `<=` or `>=`).
//
// Per curve: the first probe is the highest grid level whose predicted
// metrics meet the SLA (the lowest when none does). While the bracket
// [highest passing, lowest failing] is open on one side, the next probe is
// the highest level inside it estimated to pass: each constraint's metric
// extrapolated in log-log space through the two nearest measurements
// (secant), or the prediction scaled by the residual of the one
// measurement, or the prediction alone (the lowest level when nothing is
// estimated to pass). Once closed, the next probe is the grid level inside
// it nearest the interpolated crossing (the worst log margin interpolated
// linearly in log concurrency). The search of a curve ends when no grid level
// is left inside the bracket, when the load saturates (search/saturation.h) or
// when its point budget is spent. The boundary is the highest passing
// measured level, and the interpolated crossing is reported beside it.
//
// Thread-safety: not synchronized; one caller.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "search/frontier_search.h"

namespace infx::search {

struct SlaConstraint {
  std::string metric;   // "p99_ttft_ms"
  bool at_most = true;  // `<=` (true) or `>=` (false)
  double bound = 0;
};

// "p99_ttft_ms<=2000,median_tpot_ms<=50"; InvalidArgument names the bad
// term.
Result<std::vector<SlaConstraint>> ParseSla(std::string_view text);
std::string FormatSla(const std::vector<SlaConstraint>& sla);

// Worst log margin of `metrics` against the SLA: <= 0 meets every
// constraint. A metric missing from `metrics` is a violation (margin
// +infinity), named in *missing when given.
double SlaMargin(const std::map<std::string, double>& metrics,
                 const std::vector<SlaConstraint>& sla,
                 std::string* missing = nullptr);

// A predicted value for an SLA metric from the planner's medians: the
// prediction's metric of the same name, else the one of the same kind
// (ttft, tpot, itl, e2el) whatever the statistic.
std::optional<double> PredictedMetric(const Observation& prediction,
                                      const std::string& metric);

struct SlaCurveResult {
  std::optional<int> best_concurrency;  // highest passing measured level
  std::optional<double> interpolated;   // crossing estimate (concurrency)
  // Highest grid level at or below the crossing estimate (below the lowest
  // failing level), else best_concurrency: the grid's boundary as the
  // bracket and interpolation estimate it.
  std::optional<int> boundary_level;
  std::optional<Observation> best;  // the point at best_concurrency
  bool saturated = false;
  std::string note;  // how it ended
  int points = 0;
};

class SlaSearch {
 public:
  SlaSearch(std::vector<CurveInput> curves, std::vector<SlaConstraint> sla,
            int budget_points, int max_points_per_curve = 0,
            SaturationOptions saturation = {});
  // Next (curve, concurrency) probes, at most one per curve; empty = done.
  std::vector<std::pair<int, int>> Next();
  void Observe(int curve, int concurrency, std::optional<Observation> obs);
  SlaCurveResult Result(int curve) const;
  int points_used() const { return used_; }
  // Curve with the highest throughput/GPU at its boundary, if any passes.
  std::optional<int> Best() const;

 private:
  struct Curve {
    CurveInput in;
    std::map<int, std::optional<Observation>> measured;
    bool done = false;
    bool saturated = false;
    std::string note;
  };
  std::optional<int> Probe(int curve) const;
  // Worst log margin estimated at `level`: per constraint, the secant
  // (log-log) through the curve's two measurements nearest it, else the
  // prediction scaled by the one measurement's residual, else the
  // prediction; nullopt when no constraint can be estimated.
  std::optional<double> EstimatedMargin(int curve, int level) const;
  double Margin(const std::optional<Observation>& o) const;
  std::vector<Curve> curves_;
  std::vector<SlaConstraint> sla_;
  int budget_ = 0;
  int per_curve_ = 0;
  int used_ = 0;
  SaturationOptions saturation_;
};

}  // namespace infx::search
