// Loading a series' history from a results store for `infx history`: picks
// the series (a series key, a config key with a single series, or a
// frontier iso-level), reads every run that measured it (oldest first) and
// analyzes it (history.h).
//
// Thread-safety: uses the given store from the calling thread only.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "living/history.h"
#include "store/results_store.h"

namespace infx::living {

struct HistoryRequest {
  // A series key, or a config key that has exactly one series; with `iso`,
  // an optional filter on the frontier scenario ("" = the only one).
  std::string config;
  std::string metric = "tput_per_gpu";
  std::optional<double> iso;  // tok/s/user: the frontier at this level
  HistoryOptions options;
};

// Errors name the bad input: NotFound for an unknown metric, a config or
// iso level no run measured, a store without runs; InvalidArgument when the
// selection matches several series (listing some).
Result<History> LoadHistory(store::ResultsStore& store,
                            const HistoryRequest& request);

}  // namespace infx::living
