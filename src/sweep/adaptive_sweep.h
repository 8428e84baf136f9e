// `infx sweep --plan` with `--search adaptive` (the default) and `--sla`:
// the matrix's (config, workload) pairs as search curves whose predictor is
// the planner (sweep/predict.h), driven round by round through RunPoints
// with every measured point fed back (search/frontier_search.h,
// search/sla.h). A resumed run feeds its stored points first.
//
// Thread-safety: BuildSearchCurves and ObservationOf are pure; the Run*
// functions use the store and the target on the calling thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "search/frontier_search.h"
#include "search/sla.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/plan_sweep.h"
#include "sweep/runner.h"

namespace infx::sweep {

struct SearchCurves {
  std::vector<search::CurveInput> curves;
  std::vector<std::pair<int, int>> keys;  // (config, workload) per curve
};

// One curve per (config, workload) of the matrix, scenario "<model>
// <isl>/<osl>", levels = the config's concurrencies, predictions from the
// planner (median TTFT / TPOT / E2E latency as "median_ttft_ms",
// "median_tpot_ms", "median_e2el_ms").
SearchCurves BuildSearchCurves(const Matrix& matrix);

// Every number stored for a point: the PointMetrics fields by name plus the
// numeric top-level fields of metrics_json.
std::map<std::string, double> MetricsOf(const store::PointRecord& point);

// The repetitions of one point as one observation (means); nullopt when
// none completed a request or any is invalid (the frontier leaves those
// out too).
std::optional<search::Observation> ObservationOf(
    const std::vector<const store::PointRecord*>& repetitions);

// The adaptive frontier search in one run of `store`.
Result<SweepSummary> RunAdaptiveSweep(const SweepOptions& options,
                                      const PlanSweepOptions& plan,
                                      store::ResultsStore& store);

// The SLA search (plan.sla) in one run of `store`.
Result<SweepSummary> RunSlaSweep(const SweepOptions& options,
                                 const PlanSweepOptions& plan,
                                 store::ResultsStore& store);

// summary.search for the adaptive search and its notes.
nlohmann::json FrontierSearchJson(const search::FrontierSearch& search,
                                  const SearchCurves& curves,
                                  const Matrix& matrix, int grid_points);

}  // namespace infx::sweep
