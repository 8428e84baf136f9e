#include "perf/memory.h"

#include <algorithm>
#include <cmath>

#include "common/result.h"
#include "common/table.h"
#include "model/model_math.h"
#include "perf/cost_model.h"
#include "perf/serving.h"

namespace infx::perf {
namespace {

// NCCL/custom all-reduce buffers per GPU when TP > 1 (aiconfigurator's
// nccl_mem for 4-8 GPUs, ~0.4 GB).
constexpr double kCommBufferBytes = 0.4e9;

// Peak activation memory of the engine's profiling run: the scheduler's
// token budget through one layer (hidden states, QKV, gated MLP
// intermediates, BF16) plus FP32 logits for max_num_seqs rows.
double ActivationBytes(const CostModel& c, const SchedulerLimits& limits) {
  const model::ModelSpec& spec = c.deployment.model;
  double inter = static_cast<double>(spec.dense_intermediate_size) / c.tp;
  if (spec.moe) {
    const double moe_inter =
        static_cast<double>(spec.moe->expert_intermediate_size) *
        static_cast<double>(spec.moe->experts_per_token) / c.expert_shard;
    inter = std::max(inter, moe_inter);
  }
  const double tokens = static_cast<double>(limits.max_batched_tokens);
  const double hidden = static_cast<double>(spec.hidden_size);
  const double per_token = (4.0 * hidden + 3.0 * inter) * 2.0;
  const double logits = static_cast<double>(limits.max_num_seqs) *
                        static_cast<double>(spec.vocab_size) / c.tp * 4.0;
  return tokens * per_token + logits;
}

// SGLang's mem_fraction_static is the share of all HBM for static memory:
// weights plus the KV pool (model_runner's profile_max_num_token: memory
// free after loading, which the CUDA context and NCCL buffers already
// took, less total x (1 - fraction)). Activations live in the rest; when
// that rest is too small for them the pool shrinks by the shortfall (as
// lowering the fraction would).
double SglangKvBytes(const MemoryPlan& m) {
  const double reserve = m.hbm_bytes_per_gpu - m.usable_bytes_per_gpu;
  return m.usable_bytes_per_gpu - m.weight_bytes_per_gpu -
         m.overhead_bytes_per_gpu -
         std::max(0.0, m.activation_bytes_per_gpu - reserve);
}

std::string Gb(double bytes) { return FormatFixed(bytes / 1e9, 1) + " GB"; }

std::string NoFitReason(const MemoryPlan& m, const Calibration& cal, int gpus) {
  const double needs = m.weight_bytes_per_gpu + m.activation_bytes_per_gpu +
                       m.overhead_bytes_per_gpu;
  std::string r = "does not fit: needs " + Gb(needs) + " per GPU (" +
                  Gb(m.weight_bytes_per_gpu) + " weights + " +
                  Gb(m.activation_bytes_per_gpu) + " activations + " +
                  Gb(m.overhead_bytes_per_gpu) + " runtime) on " +
                  std::to_string(gpus) + " GPU" + (gpus > 1 ? "s" : "") +
                  " but ";
  if (cal.utilization_of_free_memory) {
    r += "each has " + Gb(m.hbm_bytes_per_gpu) + " HBM";
  } else {
    r += "the engine may use " + Gb(m.usable_bytes_per_gpu) + " of " +
         Gb(m.hbm_bytes_per_gpu) + " HBM (memory utilization " +
         FormatFixed(cal.memory_utilization, 2) + ")";
  }
  return r + ", leaving no room for the KV cache";
}

}  // namespace

MemoryPlan PlanMemory(const Deployment& deployment) {
  const CostModel c = BuildCostModel(deployment);
  const Calibration& cal = deployment.calibration;
  MemoryPlan m;
  m.hbm_bytes_per_gpu = deployment.hardware.hbm_capacity_bytes;
  m.usable_bytes_per_gpu = cal.utilization_of_free_memory
                               ? m.hbm_bytes_per_gpu
                               : m.hbm_bytes_per_gpu * cal.memory_utilization;
  m.weight_bytes_per_gpu = c.weight_bytes_per_gpu_max_stage;
  m.activation_bytes_per_gpu = ActivationBytes(c, SchedulerLimits{});
  m.overhead_bytes_per_gpu =
      cal.runtime_overhead_bytes + (c.tp * c.pp > 1 ? kCommBufferBytes : 0.0);
  double free = m.usable_bytes_per_gpu - m.weight_bytes_per_gpu -
                m.activation_bytes_per_gpu - m.overhead_bytes_per_gpu;
  if (cal.utilization_of_free_memory) {
    free *= cal.memory_utilization;
  } else if (deployment.engine == Engine::kSglang) {
    free = SglangKvBytes(m);
  }
  m.kv_bytes_per_gpu = std::max(0.0, free);
  m.kv_bytes_per_token_per_gpu =
      model::KvBytesPerToken(deployment.model, deployment.kv_precision) *
      c.kv_head_share * c.stage_layer_fraction;
  if (m.kv_bytes_per_token_per_gpu > 0) {
    m.kv_capacity_tokens = static_cast<int64_t>(
        std::floor(m.kv_bytes_per_gpu / m.kv_bytes_per_token_per_gpu) *
        c.kv_seq_split);
  }
  m.fits = free > 0 && m.kv_capacity_tokens > 0;
  if (!m.fits) m.reason = NoFitReason(m, cal, deployment.parallelism.gpus());
  return m;
}

int64_t MaxConcurrency(const MemoryPlan& plan, const Deployment& deployment,
                       int64_t isl, int64_t osl) {
  if (!plan.fits) return 0;
  const CostModel c = BuildCostModel(deployment);
  const double per_seq =
      model::KvBytesForSequence(deployment.model, deployment.kv_precision,
                                std::max<int64_t>(1, isl + osl)) *
      c.kv_head_share * c.stage_layer_fraction;
  if (per_seq <= 0) return 0;
  const double per_gpu = std::floor(plan.kv_bytes_per_gpu / per_seq);
  return static_cast<int64_t>(per_gpu * c.kv_seq_split);
}

}  // namespace infx::perf
