#include "perf/serving.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/model_math.h"
#include "perf/step_time.h"

namespace infx::perf {
namespace {

// The steady state of one instance: decode sequences per step, requests
// admitted per step and prefill steps per request.
struct SteadyState {
  double running = 0;         // sequences the scheduler holds at once
  double decode_seqs = 0;     // D: sequences decoding in a step
  double req_per_step = 0;    // lambda
  double prefill_steps = 1;   // p: steps one prompt's prefill spans
  double mixed_fraction = 0;  // f: steps that carry prefill chunks
  bool prefill_saturated = false;
};

// Tokens each request keeps in the KV cache on average while running:
// its prompt plus half its output.
double MeanResidentTokens(const Workload& w) {
  return w.mean_isl() + 0.5 * w.mean_osl();
}

double RunningCap(const MemoryPlan& memory, const Workload& w,
                  const SchedulerLimits& limits) {
  double cap = static_cast<double>(limits.max_num_seqs);
  if (memory.kv_capacity_tokens > 0) {
    cap = std::min(cap, static_cast<double>(memory.kv_capacity_tokens) /
                            MeanResidentTokens(w));
  }
  return std::max(1.0, cap);
}

// Fixed point of: D = lambda x decode_steps, lambda = running / (p +
// decode_steps), p = ceil(isl / (budget - D x width)); when prompts arrive
// faster than the leftover budget admits them, lambda is the budget's.
SteadyState SolveSteadyState(double running, double isl, double decode_steps,
                             double width, const SchedulerLimits& limits) {
  const double budget_total = static_cast<double>(limits.max_batched_tokens);
  SteadyState s;
  s.running = running;
  s.decode_seqs = running * decode_steps / (decode_steps + 1.0);
  for (int i = 0; i < 30; ++i) {
    const double left = std::max(1.0, budget_total - s.decode_seqs * width);
    s.prefill_steps = std::ceil(isl / left);
    s.req_per_step = running / (decode_steps + s.prefill_steps);
    s.prefill_saturated = s.req_per_step * isl > left;
    if (s.prefill_saturated) {
      s.req_per_step = budget_total / (isl + decode_steps * width);
    }
    s.decode_seqs = std::min(running, s.req_per_step * decode_steps);
  }
  s.mixed_fraction = std::min(1.0, s.req_per_step * s.prefill_steps);
  return s;
}

struct StepPair {
  double decode_s = 0;  // a step with decode sequences only
  double mixed_s = 0;   // a step that also carries prefill chunks
  double mean_s = 0;
};

StepPair TimeSteps(const CostModel& costs, const SteadyState& s,
                   const Workload& w, const Speculation& spec) {
  const double isl = w.mean_isl();
  const double fresh = w.mean_prefill_tokens();  // prefilled, not cached
  const auto decode = static_cast<int64_t>(std::llround(s.decode_seqs));
  const double ctx = isl + 0.5 * w.mean_osl();
  BatchShape b;
  b.decode_seqs = decode;
  b.decode_context_tokens = static_cast<int64_t>(std::llround(ctx * decode));
  b.decode_tokens_per_seq = 1 + std::max(0, spec.num_draft_tokens);
  StepPair t;
  const double draft = spec.num_draft_tokens > 0
                           ? spec.num_draft_tokens * spec.draft_cost_fraction
                           : 0.0;
  const StepTime pure = PredictStepTime(costs, b);
  t.decode_s = pure.total_s * (1.0 + draft);
  // Prefill tokens in a mixed step, as chunks whose midpoint is half the
  // prefilled part of the prompt (the mean over a prompt's chunks), after
  // its cached prefix.
  const double f = std::max(1e-9, s.mixed_fraction);
  const double prefill_tokens = s.req_per_step * fresh / f;
  const double chunk = fresh / s.prefill_steps;
  const auto n_chunks =
      static_cast<int64_t>(std::max(1.0, std::round(prefill_tokens / chunk)));
  const auto each = static_cast<int64_t>(
      std::max(1.0, std::round(prefill_tokens / n_chunks)));
  const auto cached = static_cast<int64_t>(
      std::max(0.0, (isl - fresh) + 0.5 * fresh - 0.5 * each));
  std::vector<PrefillChunk> chunks(static_cast<size_t>(n_chunks),
                                   PrefillChunk{each, cached});
  b.prefill_chunks = chunks;
  t.mixed_s = PredictStepTime(costs, b).total_s + pure.total_s * draft;
  t.mean_s =
      s.mixed_fraction * t.mixed_s + (1.0 - s.mixed_fraction) * t.decode_s;
  return t;
}

void FillThroughput(double req_per_s_instance, const Workload& w,
                    double gpus_per_instance, ServingPoint& p) {
  p.requests_per_s = req_per_s_instance;
  const double per_gpu = req_per_s_instance / std::max(1.0, gpus_per_instance);
  p.input_tok_s_per_gpu = per_gpu * w.mean_isl();
  p.output_tok_s_per_gpu = per_gpu * w.mean_osl();
  p.total_tok_s_per_gpu = p.input_tok_s_per_gpu + p.output_tok_s_per_gpu;
}

double DecodeSteps(const Workload& w, const Speculation& spec) {
  const double a = spec.num_draft_tokens > 0
                       ? std::max(1.0, spec.mean_acceptance_length)
                       : 1.0;
  return std::max(0.0, w.mean_osl() - 1.0) / a;
}

}  // namespace

double Workload::mean_isl() const {
  return std::max(1.0, isl * (1.0 + std::clamp(range_ratio, 0.0, 1.0)) / 2);
}
double Workload::mean_prefill_tokens() const {
  return std::max(1.0,
                  mean_isl() * (1.0 - std::clamp(prefix_hit_rate, 0.0, 0.999)));
}
double Workload::mean_osl() const {
  return std::max(1.0, osl * (1.0 + std::clamp(range_ratio, 0.0, 1.0)) / 2);
}

ServingPoint PredictServing(const CostModel& costs, const MemoryPlan& memory,
                            const Workload& workload, int64_t concurrency,
                            int replicas, const Speculation& spec,
                            const SchedulerLimits& limits) {
  ServingPoint p;
  p.concurrency = concurrency;
  replicas = std::max(1, replicas);
  const double c_inst =
      std::max(1.0, static_cast<double>(concurrency) / replicas);
  const double cap = RunningCap(memory, workload, limits);
  const double running = std::min(c_inst, cap);
  p.saturated = c_inst > cap;
  p.running_per_instance = static_cast<int64_t>(std::llround(running));
  const double ds = DecodeSteps(workload, spec);
  const double width = 1.0 + std::max(0, spec.num_draft_tokens);
  const SteadyState s = SolveSteadyState(
      running, workload.mean_prefill_tokens(), ds, width, limits);
  const StepPair t = TimeSteps(costs, s, workload, spec);
  const double tokens_per_step =
      spec.num_draft_tokens > 0 ? std::max(1.0, spec.mean_acceptance_length)
                                : 1.0;
  p.tpot_ms = 1e3 * t.mean_s / tokens_per_step;
  // A new request just misses the step in flight (none at concurrency 1),
  // then its prompt spans p mixed steps; queueing (prefill-saturated or
  // capped) follows from Little's law over the closed loop.
  const double wait_s = t.mean_s * (1.0 - 1.0 / c_inst);
  const double direct_ttft_s = wait_s + s.prefill_steps * t.mixed_s;
  const double little_e2e_s = c_inst * t.mean_s / s.req_per_step;
  const double decode_s = ds * t.mean_s;
  const double ttft_s = std::max(direct_ttft_s, little_e2e_s - decode_s);
  p.ttft_ms = 1e3 * ttft_s;
  p.e2e_ms = 1e3 * (ttft_s + decode_s);
  p.interactivity_tok_s_user = p.tpot_ms > 0 ? 1e3 / p.tpot_ms : 0;
  FillThroughput(c_inst / (ttft_s + decode_s), workload, costs.tp * costs.pp,
                 p);
  p.requests_per_s *= replicas;
  return p;
}

ServingPoint PredictServing(const Deployment& deployment,
                            const Workload& workload, int64_t concurrency) {
  const CostModel costs = BuildCostModel(deployment);
  return PredictServing(costs, PlanMemory(deployment), workload, concurrency);
}

ServingPoint PredictDisaggregated(const CostModel& prefill,
                                  const CostModel& decode,
                                  const MemoryPlan& decode_memory,
                                  const DisaggSplit& split,
                                  const Workload& workload, int64_t concurrency,
                                  const Speculation& spec,
                                  const SchedulerLimits& limits) {
  ServingPoint p;
  p.concurrency = concurrency;
  const double x = std::max(1, split.prefill_instances);
  const double y = std::max(1, split.decode_instances);
  const double isl = workload.mean_isl();
  const double budget = static_cast<double>(limits.max_batched_tokens);
  // Prefill pool: one prompt alone (latency) and full token budgets (rate).
  const double p_steps = std::ceil(isl / budget);
  const PrefillChunk one{static_cast<int64_t>(std::min(isl, budget)), 0};
  BatchShape single;
  single.prefill_chunks = std::span<const PrefillChunk>(&one, 1);
  const double prefill_one_s =
      p_steps * PredictStepTime(prefill, single).total_s;
  const auto per_step = static_cast<int64_t>(std::max(1.0, budget / isl));
  std::vector<PrefillChunk> full(static_cast<size_t>(per_step), one);
  BatchShape packed;
  packed.prefill_chunks = full;
  const double prefill_rate = x * std::min(budget, isl * per_step) / isl /
                              PredictStepTime(prefill, packed).total_s;
  // KV transfer of one prompt over the scale-out link, shards in parallel.
  const double kv_bytes = model::KvBytesForSequence(
      decode.deployment.model, decode.deployment.kv_precision,
      static_cast<int64_t>(isl));
  const double link =
      decode.deployment.hardware.scale_out_bandwidth_bytes_per_s *
      decode.deployment.calibration.comm_efficiency;
  const double transfer_s =
      link > 0 ? kv_bytes / (link * std::max(1, prefill.tp)) : 0.0;
  // Decode pool.
  const double cap = RunningCap(decode_memory, workload, limits);
  const double c_dec =
      std::min(cap, std::max(1.0, static_cast<double>(concurrency) / y));
  p.saturated = static_cast<double>(concurrency) / y > cap;
  p.running_per_instance = static_cast<int64_t>(std::llround(c_dec));
  SteadyState s;
  s.decode_seqs = c_dec;
  s.req_per_step = 0;
  s.prefill_steps = 1;
  s.mixed_fraction = 0;
  const StepPair t = TimeSteps(decode, s, workload, spec);
  const double ds = DecodeSteps(workload, spec);
  const double a = spec.num_draft_tokens > 0
                       ? std::max(1.0, spec.mean_acceptance_length)
                       : 1.0;
  p.tpot_ms = 1e3 * t.decode_s / a;
  p.interactivity_tok_s_user = 1e3 / p.tpot_ms;
  const double decode_s = ds * t.decode_s;
  const double e2e_free = prefill_one_s + transfer_s + decode_s;
  const double decode_rate = decode_s > 0 ? y * c_dec / decode_s : 1e30;
  const double rate =
      std::min({concurrency / e2e_free, prefill_rate, decode_rate});
  const double e2e = concurrency / rate;
  p.ttft_ms = 1e3 * (e2e - decode_s);
  p.e2e_ms = 1e3 * e2e;
  const double gpus = x * prefill.tp * prefill.pp + y * decode.tp * decode.pp;
  FillThroughput(rate, workload, gpus, p);
  return p;
}

std::vector<ServingPoint> PredictCurve(const CostModel& costs,
                                       const MemoryPlan& memory,
                                       const Workload& workload,
                                       const std::vector<int64_t>& levels,
                                       int replicas) {
  std::vector<ServingPoint> out;
  out.reserve(levels.size());
  for (int64_t c : levels) {
    out.push_back(PredictServing(costs, memory, workload, c, replicas));
  }
  return out;
}

}  // namespace infx::perf
