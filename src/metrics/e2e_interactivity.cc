#include "metrics/e2e_interactivity.h"

#include <algorithm>

#include "metrics/metrics.h"

namespace infx::metrics {

std::optional<double> E2eNormalizedInteractivity(
    const std::vector<RequestRecord>& records) {
  std::vector<double> s_per_token;
  for (const RequestRecord& r : records) {
    if (r.warmup || !r.ok()) continue;
    const int64_t osl = r.OutputTokens();
    const auto e2el_ms = E2elMs(r);
    if (osl < 1 || !e2el_ms) continue;
    s_per_token.push_back(*e2el_ms / 1e3 / static_cast<double>(osl));
  }
  if (s_per_token.empty()) return std::nullopt;
  std::sort(s_per_token.begin(), s_per_token.end());
  const double p90 = PercentileSorted(s_per_token, 90);
  if (!(p90 > 0)) return std::nullopt;
  return 1.0 / p90;
}

}  // namespace infx::metrics
