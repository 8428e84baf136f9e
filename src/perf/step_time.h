// Step-time model: how long one engine iteration (a continuous-batching step
// that advances every running decode sequence by one token and processes
// some prefill chunks) takes for a given batch. The emulator sleeps exactly
// this long per step; the serving model integrates it over a workload.
//
// Each operator group costs max(FLOPs / (peak x MFU), bytes / (BW x MBU));
// communication and a fixed per-step overhead are added. No prediction beats
// the roofline.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>

#include "perf/cost_model.h"
#include "perf/deployment.h"

namespace infx::perf {

// A prefill chunk scheduled in this step: `new_tokens` prompt tokens of a
// sequence that already has `cached_tokens` tokens in the KV cache.
struct PrefillChunk {
  int64_t new_tokens = 0;
  int64_t cached_tokens = 0;
};

// The work of one step on one instance.
struct BatchShape {
  int64_t decode_seqs = 0;            // sequences generating one token each
  int64_t decode_context_tokens = 0;  // sum of their KV lengths (tokens)
  std::span<const PrefillChunk> prefill_chunks;
  // Query tokens per decode sequence: 1, or 1 + draft tokens when a
  // speculative/MTP step verifies drafts (the KV cache is read once).
  int64_t decode_tokens_per_seq = 1;
};

// Seconds, by component; total_s is what the step lasts.
struct StepTime {
  double total_s = 0;
  double compute_bound_s = 0;  // sum over operator groups of FLOP-time
  double memory_bound_s = 0;   // sum over operator groups of byte-time
  double communication_s = 0;
  double overhead_s = 0;
};

StepTime PredictStepTime(const Deployment& deployment, const BatchShape& batch);
// Same prediction from a precomputed CostModel (BuildCostModel): use this on
// hot paths (the emulator's step loop, the planner).
StepTime PredictStepTime(const CostModel& costs, const BatchShape& batch);

}  // namespace infx::perf
