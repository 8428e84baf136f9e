// Run validity: whether a measured operating point can be trusted, judged
// after the run from its metrics as MLPerf LoadGen judges a run VALID or
// INVALID. A point is invalid, with one reason per broken rule, when
//   completed     fewer requests completed than min_completed;
//   duration      the measured span is shorter than min_duration_s;
//   error_rate    failed / (completed + failed) exceeds max_error_rate;
//   read_lag      the client read too late for per-token timing: the p99
//                 of the per-request read lag exceeds max_read_lag_itl_ratio
//                 x the median ITL, so later events were already waiting
//                 and shared a read (and a timestamp); a median ITL of 0
//                 counts; a p99 read lag under read_lag_floor_ms never
//                 does (it moves no timestamp by a millisecond);
//   truncation    the server cut more prompts than max_truncated_prompts
//                 (usage.prompt_tokens below the tokens sent);
//   schedule_lag  open loop only: the p99 lag between a request's due time
//                 and its send exceeds max_schedule_lag_ms.
// Defaults are documented in docs/metrics.md ("Run validity").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "metrics/metrics.h"

namespace infx::metrics {

struct ValidityOptions {
  int64_t min_completed = 1;
  double min_duration_s = 0;
  double max_error_rate = 0.01;
  double max_read_lag_itl_ratio = 1.0;
  double read_lag_floor_ms = 1.0;  // read lags up to this never invalidate
  int64_t max_truncated_prompts = 0;
  double max_schedule_lag_ms = 10;
};

struct Validity {
  bool valid = true;
  // "<rule>: <what was measured> <op> <threshold>", e.g.
  // "error_rate: 0.125 > 0.01"; empty when valid.
  std::vector<std::string> reasons;
};

// InvalidArgument naming the option when a threshold is negative or NaN.
Status CheckValidityOptions(const ValidityOptions& options);

// `open_loop`: requests were sent at scheduled times (a finite rate).
Validity JudgeValidity(const BenchMetrics& m, bool open_loop,
                       const ValidityOptions& options);

// {"min_completed": ..., ...}: the thresholds, for result JSON.
nlohmann::json ValidityOptionsJson(const ValidityOptions& options);

}  // namespace infx::metrics
