// E2E-normalized interactivity, as InferenceX scores its AgentX scenario:
// 1 / P90 over requests of (E2EL_i / OSL_i), in tokens per second per user
// (E2EL in seconds, OSL the request's output tokens). Unlike TPOT-based
// interactivity it charges queueing and prefill (TTFT) to every output
// token, so long prompts with short answers score low. Completed,
// non-warm-up requests with at least one output token count; P90 is
// linearly interpolated (PercentileSorted, as the other metrics).
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <vector>

#include "metrics/request_record.h"

namespace infx::metrics {

// nullopt when no request counts.
std::optional<double> E2eNormalizedInteractivity(
    const std::vector<RequestRecord>& records);

}  // namespace infx::metrics
