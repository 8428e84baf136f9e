// Loading a comparison from a results store: picks the runs (defaults: the
// latest run against the previous run of the same matrix), gathers the
// series' history for the noise estimate (earlier runs of the baseline's
// matrix), compares, and adds the accuracy changes.
//
// Thread-safety: uses the given store from the calling thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "living/compare.h"
#include "store/results_store.h"

namespace infx::living {

struct CompareRequest {
  int64_t baseline_run = 0;  // 0 = previous run of the current's matrix
  int64_t current_run = 0;   // 0 = latest run
  std::vector<double> iso_levels = DefaultIsoLevels();
  size_t history_runs = 10;  // earlier runs pooled for the noise estimate
  CompareOptions options;
};

// Errors: NotFound "unknown run id N" for ids the store lacks,
// FailedPrecondition "store ... has no history" when it holds fewer than
// two runs and the baseline is defaulted, and CompareRuns' "share no
// series".
Result<Comparison> CompareStoredRuns(store::ResultsStore& store,
                                     const CompareRequest& request);

// Same matrix: same matrix name when either run has one, else the same
// matrix hash, else the same matrix text.
bool SameMatrix(const store::RunRecord& a, const store::RunRecord& b);

// The earlier runs whose samples are pooled as noise history when
// `current_run_id` is compared against `baseline`: of `newest_first` (the
// store's runs, as ListRuns), those before the baseline with its matrix,
// not the current run and not still running, newest first, at most
// `max_runs`. CompareStoredRuns and the dashboard's /api/compare both
// choose with this.
std::vector<int64_t> NoiseHistoryRuns(
    const std::vector<store::RunRecord>& newest_first,
    const store::RunRecord& baseline, int64_t current_run_id, size_t max_runs);

}  // namespace infx::living
