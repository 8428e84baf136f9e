// `infx sweep --plan`: measure fewer points than the full grid. First the
// performance model (the planner's perf::PredictServing) predicts every
// config of the matrix at every grid concurrency; configs whose predicted
// curve stays more than `predicted_margin` below the predicted frontier of
// their scenario (model x workload) are left out, and the rest get a
// coarse subset of their concurrencies (every other level plus the ends)
// within the budget. Then, round by round, the measured frontier is
// refined: configs whose measured points all sit more than `drop_margin`
// below the measured frontier are dropped, and concurrencies are added
// where adjacent frontier points are furthest apart (log interactivity and
// log throughput), until the budget is spent or the frontier is resolved.
//
// Thread-safety: pure functions, except RunPlannedSweep (store, target).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/runner.h"

namespace infx::sweep {

// How --plan chooses points: kGridCull is the planner cut plus gap
// refinement below; kAdaptive the expected-hypervolume-improvement search
// (sweep/adaptive_sweep.h, search/frontier_search.h); kSla the SLA
// bracketing search (search/sla.h), chosen by giving `sla`.
enum class SearchMode { kGridCull, kAdaptive, kSla };

struct PlanSweepOptions {
  SearchMode search = SearchMode::kGridCull;
  // 0 = default: half the full grid (grid-cull), a quarter (adaptive), a
  // third (SLA); at least 1.
  int budget_points = 0;
  double gain_threshold = 0.002;   // adaptive: of predicted full-grid HV
  int round_points = 4;            // adaptive: points measured per round
  std::string sla;                 // "p99_ttft_ms<=2000,median_tpot_ms<=50"
  double predicted_margin = 0.25;  // model uncertainty for the first cut
  double drop_margin = 0.30;       // measured: "well below the frontier"
  double initial_share = 0.6;      // of the budget spent before refining
  int max_rounds = 6;
  // Frontier gaps smaller than this (sum of |log| ratios) are resolved.
  double resolved_gap = 0.35;
};

struct InitialPlan {
  std::vector<Point> points;
  std::vector<std::string> notes;  // configs left out and why
};

// The first points to measure, from predictions. Configs that cannot be
// predicted (unknown model, disaggregated) are kept at the coarse levels.
InitialPlan PlanInitialPoints(const Matrix& matrix,
                              const PlanSweepOptions& options);

// One measured point as the refinement sees it.
struct MeasuredPoint {
  int config_index = 0;
  int workload_index = 0;
  int concurrency = 0;
  double interactivity = 0;  // tok/s/user
  double throughput = 0;     // total tok/s/GPU
};

// Points to add after `measured` (at most `max_points`); configs found
// well below the frontier are added to *dropped (and get no more points).
// `attempted` holds (config, workload, concurrency) already tried, which
// are never proposed again.
std::vector<Point> RefinePoints(
    const Matrix& matrix, const std::vector<MeasuredPoint>& measured,
    const std::set<std::tuple<int, int, int>>& attempted, int max_points,
    const PlanSweepOptions& options, std::set<int>* dropped,
    std::vector<std::string>* notes);

// Runs the initial plan, then refinement rounds, in one run of `store`.
Result<SweepSummary> RunPlannedSweep(const SweepOptions& options,
                                     const PlanSweepOptions& plan,
                                     store::ResultsStore& store);

}  // namespace infx::sweep
