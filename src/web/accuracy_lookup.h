// AccuracyLookup: frontier::StatusAt (a point's PASS / FAIL / config FAIL
// from its run's evals) answered from an index built once per run, for the
// API writers that judge every point of a large view. StatusAt scans every
// eval of the run twice per point; this scans them once, then a config's
// own few evals per point. Same answers (accuracy_lookup_test.cc).
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "frontier/accuracy.h"

namespace infx::web {

class AccuracyLookup {
 public:
  explicit AccuracyLookup(const frontier::RunAccuracy& accuracy);
  frontier::PointStatus StatusAt(const std::string& config_key,
                                 double concurrency) const;
  // frontier::StatusName of StatusAt: "pass", "fail", "config_fail", "".
  const char* NameAt(const std::string& config_key, double concurrency) const;

 private:
  struct Config {
    std::optional<bool> passes;  // RunAccuracy::ConfigPasses
    // (concurrency, pass) of the config's point evals, in eval_id order.
    std::vector<std::pair<int, bool>> at;
  };
  std::unordered_map<std::string, Config> configs_;
};

}  // namespace infx::web
