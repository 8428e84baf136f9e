// Samples: a stored run (living/run_data.h) reshaped for the statistics.
// Every series (one "same measurement" across runs, living/series_key.h)
// carries the
// per-repetition values of each compared metric, plus the frontier of the
// run's scenarios read at iso-interactivity levels, one value per
// repetition. Loading is the only I/O here; everything downstream
// (compare.h, history.h) is pure.
//
// Metrics as living/metrics.h names them. Frontier series are named
// "frontier/<scenario>@<X>tok/s/user" with metric "tput_per_gpu".
//
// Thread-safety: pure functions except LoadRunSamples, which uses the store
// it is given (one thread at a time, as ResultsStore requires).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "living/metrics.h"
#include "living/provenance.h"
#include "living/run_data.h"
#include "store/results_store.h"

namespace infx::living {

// One series of one run: metric name -> value of each repetition (in
// repetition order; NaN where a repetition measured nothing).
struct SeriesSamples {
  std::string series;
  std::string config_key;  // "" for frontier series
  bool canary = false;
  // Provenance of the run and the series' config (for frontier series, of
  // every config of the scenario), for the suspects of a change.
  Attributes attributes;
  std::map<std::string, std::vector<double>, std::less<>> metrics;
};

struct RunSamples {
  store::RunRecord run;
  std::map<std::string, SeriesSamples, std::less<>> series;  // by key
};

// Iso-interactivity levels the frontier rows are read at (tok/s/user).
inline const std::vector<double>& DefaultIsoLevels() {
  static const std::vector<double> kLevels = {20, 50, 100};
  return kLevels;
}

// Reads configs and points of `run_id` and builds its samples; frontier
// series at `iso_levels` (Pareto frontier of tput_per_gpu vs interactivity
// over all configs of one model/ISL/OSL scenario, per repetition,
// monotone PCHIP interpolation, frontier/frontier.h).
Result<RunSamples> LoadRunSamples(store::ResultsStore& store, int64_t run_id,
                                  const std::vector<double>& iso_levels);

// Pure part of LoadRunSamples, for tests and benchmarks.
RunSamples BuildRunSamples(const RunData& run,
                           const std::vector<double>& iso_levels);

}  // namespace infx::living
