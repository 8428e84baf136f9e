// Evals in a sweep: which measured points of each config get a GSM8K eval
// (the matrix's `eval.points`, sweep/matrix.h EvalPoints), running them
// through eval::RunGsm8kAtPoint and storing them beside their point.
//
// When they run: for every mode but kFrontier, right after a config's own
// points while its target is still up (RunPoints). A closing pass
// (RunPendingEvals) then runs whatever the run still lacks, bringing each
// config's target up again: the frontier points (known only once every
// config is measured), evals of configs whose points were all stored by an
// earlier, interrupted invocation, and evals of --plan sweeps (run after
// the last refinement round). An eval already stored for the same config,
// concurrency and task is never run again, so --resume neither repeats
// nor loses one.
//
// Thread-safety: as the sweep runner (one thread; `cancel` from anywhere).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/progress.h"
#include "sweep/runner.h"
#include "sweep/target.h"

namespace infx::sweep {

// One eval a run wants: a config at one of its measured concurrencies,
// stored beside `point_id`.
struct EvalTarget {
  int config_index = 0;
  int concurrency = 0;
  std::optional<int64_t> point_id;
};

// The concurrencies of one config to evaluate, from those it measured (any
// order, repeats allowed), ascending; for every mode but kFrontier (empty
// for it). Concurrencies below spec.min_concurrency are never chosen. The
// median is sorted[n / 2] of the distinct eligible concurrencies, as
// InferenceX's mark_eval_entries. kList keeps the listed concurrencies the
// config measured.
std::vector<int> SelectEvalConcurrencies(const EvalSpec& spec,
                                         std::vector<int> measured);

// The evals run `run_id` still lacks, config-major in matrix order and
// ascending concurrency: the chosen points among the stored ones (kFrontier:
// the points on the run's Pareto frontiers of interactivity vs total
// tok/s/GPU, one per config and concurrency), minus those with a stored eval
// of the same task at the same config and concurrency. `only_config` >= 0
// limits it to that config; `with_frontier` false leaves kFrontier out
// (its frontier is not final while configs are still being measured).
Result<std::vector<EvalTarget>> PendingEvals(const Matrix& matrix,
                                             store::ResultsStore& store,
                                             int64_t run_id, int only_config,
                                             bool with_frontier);

// Runs `targets` (of one config, which is up on `ep`) one after another and
// stores each; notes each result on `progress` (both filters, PASS / FAIL
// against the config's min score) and records it in `summary` (an eval that
// cannot run is a failure there; an interrupted one is not stored).
void RunEvals(const SweepOptions& options,
              const std::vector<EvalTarget>& targets, const TargetEndpoint& ep,
              store::ResultsStore& store, int64_t run_id, Progress& progress,
              SweepSummary& summary);

// The closing pass: PendingEvals over every config (kFrontier included);
// for each config with any, start its target, RunEvals, stop it.
void RunPendingEvals(const SweepOptions& options, ServingTarget& target,
                     store::ResultsStore& store, int64_t run_id,
                     Progress& progress, SweepSummary& summary);

}  // namespace infx::sweep
