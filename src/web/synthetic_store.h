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
};

// The hostile config key the fixture stores when hostile_names is set.
std::string HostileConfigKey(int index);

// Number of points FillSyntheticStore writes per run.
int64_t SyntheticPointsPerRun(const SyntheticOptions& o);

// Creates o.runs completed runs in `store`.
Status FillSyntheticStore(store::ResultsStore& store,
                          const SyntheticOptions& o);

}  // namespace infx::web
