// The metrics `infx compare` and `infx history` judge, with their
// direction: "tput_per_gpu" (total tok/s/GPU), "interactivity"
// (tok/s/user) — higher is better; "median_ttft_ms", "p99_ttft_ms",
// "median_tpot_ms", "p99_tpot_ms" — lower is better.
//
// Thread-safety: immutable data.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::living {

struct MetricInfo {
  std::string_view name;
  bool higher_is_better = true;
};
// The compared metrics, in report order.
const std::vector<MetricInfo>& ComparedMetrics();
// NotFound naming `name` and the known metrics when unknown.
Result<MetricInfo> FindMetric(std::string_view name);

}  // namespace infx::living
