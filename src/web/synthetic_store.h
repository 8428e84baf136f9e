// Synthetic results for the dashboard's tests and benchmarks: runs of
// configs with plausible serving curves (throughput rising and
// interactivity falling with concurrency), written through the ordinary
// store interface. Optionally with hostile names (markup, quotes, unicode)
// to prove the dashboard renders every stored string as text.
//
// Deterministic: every number comes from a seeded std::mt19937_64 (whose
// output is specified by the standard) mapped to [0, 1) by hand.
//
// Thread-safety: one call per store at a time (the store's rule).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::web {

struct SyntheticOptions {
  int runs = 1;
  int configs = 4;
  int workloads = 1;      // ISL/OSL pairs: 1024/1024, 1024/8192, 8192/1024
  int concurrencies = 8;  // levels 1, 2, 3, ... (points per curve)
  int repetitions = 1;
  uint64_t seed = 1;
  bool hostile_names = false;  // config keys and models full of markup
  bool with_evals = true;      // one eval per config (one of them FAILs)
  bool with_predictions = true;
  // The highest-concurrency point of config 0 in every workload of every
  // run is stored INVALID (store::PointMetrics::valid, reason
  // "error_rate: 0.3 > 0.01") with three times the throughput, so it would
  // top the frontier if it were believed.
  bool with_invalid = false;
  // Runs from this index on (0-based; 0 = never) measure every config 30%
  // slower, with a new engine version: a step for the living history's
  // change points, its suspect the engine_version.
  int regression_at_run = 0;
};

// The hostile config key the fixture stores when hostile_names is set.
std::string HostileConfigKey(int index);

// Number of points FillSyntheticStore writes per run.
int64_t SyntheticPointsPerRun(const SyntheticOptions& o);

// Creates o.runs completed runs in `store`.
Status FillSyntheticStore(store::ResultsStore& store,
                          const SyntheticOptions& o);

}  // namespace infx::web
