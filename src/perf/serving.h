// Serving model: what a deployment delivers at concurrency C for a workload
// (ISL/OSL with InferenceX's random range ratio): TTFT, TPOT, interactivity,
// E2E latency and throughput per GPU. It integrates perf::PredictStepTime
// over the steady state of a vLLM-style continuous-batching scheduler with
// chunked prefill (SchedulerLimits, shared with the emulator), so the
// emulator and the planner cannot disagree about a step. Also covers
// disaggregated prefill/decode (xPyD, rate-matched) and speculative
// decoding / MTP with a mean acceptance length.
//
// Metric definitions as in vLLM benchmarks/serve.py: TTFT from request to
// first token; TPOT = (E2E - TTFT) / (output tokens - 1); interactivity =
// 1000 / TPOT_ms (tok/s/user, InferenceX); throughput per GPU = tokens/s of
// the whole deployment / its GPU count.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "perf/cost_model.h"
#include "perf/deployment.h"
#include "perf/memory.h"

namespace infx::perf {

// The scheduler's per-step limits (vLLM V1 defaults); the emulator uses the
// same struct.
struct SchedulerLimits {
  int64_t max_num_seqs = 256;         // running sequences per instance
  int64_t max_batched_tokens = 8192;  // tokens per step (decode + prefill)
};

// A fixed-length workload: lengths drawn uniformly from
// [len x range_ratio, len] as InferenceX's --random-range-ratio (0.8).
// prefix_hit_rate: the expected fraction of prompt tokens served from the
// prefix cache (a trace's theoretical hit rate, docs/workloads.md); those
// tokens are not prefilled but still count as context (attention, KV),
// as the emulator's prefix cache treats them.
struct Workload {
  int64_t isl = 1024;
  int64_t osl = 1024;
  double range_ratio = 0.8;
  double prefix_hit_rate = 0;  // in [0, 1)
  double mean_isl() const;
  double mean_osl() const;
  // Prompt tokens prefilled per request: mean_isl x (1 - prefix_hit_rate).
  double mean_prefill_tokens() const;
};

// Speculative decoding / MTP: each decode step verifies num_draft_tokens
// drafts and emits mean_acceptance_length tokens per sequence on average
// (including the bonus token). Drafting costs draft_cost_fraction of a
// target decode step per draft token (an MTP layer ~ 1/num_layers + head).
struct Speculation {
  int num_draft_tokens = 0;  // 0: off
  double mean_acceptance_length = 1.0;
  double draft_cost_fraction = 0.05;
};

struct ServingPoint {
  int64_t concurrency = 0;  // requests in flight, whole deployment
  int64_t running_per_instance = 0;
  double ttft_ms = 0;
  double tpot_ms = 0;
  double interactivity_tok_s_user = 0;  // 1000 / tpot_ms
  double e2e_ms = 0;
  double requests_per_s = 0;
  double total_tok_s_per_gpu = 0;  // input + output tokens
  double input_tok_s_per_gpu = 0;
  double output_tok_s_per_gpu = 0;
  // More requests than the scheduler runs at once (max_num_seqs or the KV
  // cache): the rest queue, so TTFT grows while throughput stays flat.
  bool saturated = false;
};

// One aggregated deployment: `replicas` identical instances share
// `concurrency` evenly.
ServingPoint PredictServing(const CostModel& costs, const MemoryPlan& memory,
                            const Workload& workload, int64_t concurrency,
                            int replicas = 1, const Speculation& spec = {},
                            const SchedulerLimits& limits = {});
// Convenience: builds the cost model and memory plan.
ServingPoint PredictServing(const Deployment& deployment,
                            const Workload& workload, int64_t concurrency);

// Disaggregated prefill/decode: x prefill instances feed y decode instances;
// the request rate is the smaller of what each pool sustains at the load
// (rate matching); TTFT adds the KV transfer over the scale-out link.
struct DisaggSplit {
  int prefill_instances = 1;
  int decode_instances = 1;
};
ServingPoint PredictDisaggregated(const CostModel& prefill,
                                  const CostModel& decode,
                                  const MemoryPlan& decode_memory,
                                  const DisaggSplit& split,
                                  const Workload& workload, int64_t concurrency,
                                  const Speculation& spec = {},
                                  const SchedulerLimits& limits = {});

// The curve at several concurrency levels.
std::vector<ServingPoint> PredictCurve(const CostModel& costs,
                                       const MemoryPlan& memory,
                                       const Workload& workload,
                                       const std::vector<int64_t>& levels,
                                       int replicas = 1);

}  // namespace infx::perf
