// Plausibility bounds for sizes users type (docs/limits.md). A value beyond
// one is a typo (4294967312 for 4096, 1e11 for 1e3), not a workload: the
// flag or field is rejected by name instead of exhausting memory with an
// unnamed std::bad_alloc. Each bound is far above anything real.
//
// Thread-safety: constants only.
#pragma once

#include <cstdint>

namespace infx::limits {

// Tokens in one request (input, output, shared prefix) or one context
// length: the longest published context (Llama-4 Scout, 10M).
inline constexpr int64_t kMaxSequenceTokens = 10'000'000;
// Requests in one benchmark run (--num-prompts, warm-up requests).
inline constexpr int64_t kMaxNumPrompts = 10'000'000;
// Prompt tokens held at once for one benchmark (prompts x input length):
// 2^30 token ids are 4 GiB.
inline constexpr int64_t kMaxPromptTokensTotal = int64_t{1} << 30;
// Requests in flight (--max-concurrency, a matrix concurrency).
inline constexpr int64_t kMaxConcurrency = 1'000'000;
// GPUs in one deployment or plan budget (--gpus, --num-gpus, tp, pp, ep).
inline constexpr int64_t kMaxGpus = 1024;
// The sweep matrix (src/sweep/matrix.h) applies these bounds to its fields
// (concurrency, tp/pp/ep, isl/osl, prompts) and adds its own
// (repetitions <= 1000).

}  // namespace infx::limits
