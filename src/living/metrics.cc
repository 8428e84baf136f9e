#include "living/metrics.h"

#include <fmt/format.h>

#include <string>

namespace infx::living {

const std::vector<MetricInfo>& ComparedMetrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {"tput_per_gpu", true},    {"interactivity", true},
      {"median_ttft_ms", false}, {"p99_ttft_ms", false},
      {"median_tpot_ms", false}, {"p99_tpot_ms", false},
  };
  return kMetrics;
}

Result<MetricInfo> FindMetric(std::string_view name) {
  std::string known;
  for (const auto& m : ComparedMetrics()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + std::string(m.name);
  }
  return Status::NotFound(
      fmt::format("unknown metric '{}' (known: {})", name, known));
}

}  // namespace infx::living
