#include "perf/step_time.h"

#include <algorithm>
#include <cmath>

#include "model/model_math.h"
#include "perf/moe.h"
#include "perf/topology.h"

namespace infx::perf {
namespace {

constexpr double kActivationBytes = 2.0;  // BF16 activations on the wire

// One operator group's roofline: FLOP-time and byte-time; the group lasts
// the larger of the two.
struct GroupTime {
  double flop_s = 0;
  double byte_s = 0;
  double total() const { return std::max(flop_s, byte_s); }
};

GroupTime Roofline(double flops, double peak, double mfu, double bytes,
                   double bandwidth, double mbu) {
  GroupTime g;
  if (peak > 0 && mfu > 0) g.flop_s = flops / (peak * mfu);
  if (bandwidth > 0 && mbu > 0) g.byte_s = bytes / (bandwidth * mbu);
  return g;
}

struct StepTokens {
  double decode_seqs = 0;
  double decode_tokens = 0;  // decode_seqs x tokens per seq
  double prefill_tokens = 0;
  double chunks = 0;
  double max_chunk = 0;  // largest chunk's new tokens
  double total() const { return decode_tokens + prefill_tokens; }
};

StepTokens CountTokens(const BatchShape& b) {
  StepTokens t;
  t.decode_seqs = static_cast<double>(std::max<int64_t>(0, b.decode_seqs));
  t.decode_tokens = t.decode_seqs * static_cast<double>(std::max<int64_t>(
                                        1, b.decode_tokens_per_seq));
  for (const PrefillChunk& c : b.prefill_chunks) {
    if (c.new_tokens <= 0) continue;
    const auto n = static_cast<double>(c.new_tokens);
    t.prefill_tokens += n;
    t.max_chunk = std::max(t.max_chunk, n);
    t.chunks += 1;
  }
  return t;
}

// Under DP-attention a sequence lives on one rank, so a prefill chunk is
// not split across ranks: of `total` prefill work in `chunks` chunks (the
// largest `largest`), the busiest rank gets at least the largest chunk and
// at least ceil(chunks / ranks) average chunks (equal chunks placed
// evenly). Every MoE layer ends in a collective that waits for it.
double BusiestRankPrefill(double total, double chunks, double largest,
                          int ranks) {
  if (chunks <= 0) return 0;
  const double per_rank = std::ceil(chunks / ranks);
  return std::max(largest, per_rank * total / chunks);
}

// Sequences (decode and chunks) whose host work the busiest scheduler does:
// under DP-attention each rank schedules its own sequences in parallel.
double ScheduledSeqs(const CostModel& c, const StepTokens& t) {
  if (!c.dp_attention) return t.decode_seqs + t.chunks;
  return t.decode_seqs / c.tp + std::ceil(t.chunks / c.tp);
}

// Attention projections, dense MLPs and shared experts. Under DP-attention
// each GPU projects only its share of the tokens, with full weights: the
// decode tokens spread evenly, the prefill chunks whole (the busiest rank
// sets the time).
GroupTime DenseGemms(const CostModel& c, const StepTokens& t) {
  const Calibration& cal = c.deployment.calibration;
  const double attn_tokens =
      c.dp_attention ? t.decode_tokens / c.tp +
                           BusiestRankPrefill(t.prefill_tokens, t.chunks,
                                              t.max_chunk, c.tp)
                     : t.total();
  const double flops = 2.0 * (attn_tokens * c.attention_params_per_gpu +
                              t.total() * c.dense_params_per_gpu);
  const double bytes = (c.attention_params_per_gpu + c.dense_params_per_gpu) *
                           c.linear_bytes_per_param +
                       c.replicated_params * 2.0;
  return Roofline(flops, c.gemm_peak_flops, c.dense_gemm_mfu, bytes,
                  c.hbm_bytes_per_s, cal.weight_mbu);
}

// Routed experts as grouped GEMMs (moe_gemm_mfu): a batch of T tokens
// touches E(1 - (1 - k/E)^T) distinct experts per layer in expectation
// (uniform routing); only those are read. Under EP the busiest rank sets
// the time: it holds more of the touched experts and more of the (token,
// expert) assignments than the mean rank (perf/moe.h).
GroupTime RoutedExperts(const CostModel& c, const StepTokens& t) {
  if (c.moe_layers == 0 || c.num_routed_experts <= 0) return {};
  const Calibration& cal = c.deployment.calibration;
  const double e = c.num_routed_experts;
  const double k = std::min(c.experts_per_token, e);
  const double tokens = t.total();
  const double distinct = ExpectedDistinctExperts(tokens, e, k);
  const double layers = static_cast<double>(c.moe_layers);
  const double bytes =
      layers * distinct * c.expert_load.WeightImbalance(distinct) *
      c.routed_expert_params_each * c.linear_bytes_per_param / c.expert_shard;
  const double flops = 2.0 * layers * tokens * k *
                       c.expert_load.TokenImbalance(tokens) *
                       c.routed_expert_params_each / c.expert_shard;
  return Roofline(flops, c.gemm_peak_flops, c.moe_gemm_mfu, bytes,
                  c.hbm_bytes_per_s, cal.weight_mbu);
}

// Attention over the KV cache: decode reads every cached token once per
// step; prefill chunks attend causally to their cached prefix and
// themselves.
GroupTime AttentionCore(const CostModel& c, const BatchShape& b,
                        const StepTokens& t) {
  const model::ModelSpec& spec = c.deployment.model;
  const Precision kvp = c.deployment.kv_precision;
  const Calibration& cal = c.deployment.calibration;
  double flops = 0;
  double bytes = 0;
  if (t.decode_seqs > 0 && b.decode_context_tokens > 0) {
    const auto mean_ctx = static_cast<int64_t>(
        static_cast<double>(b.decode_context_tokens) / t.decode_seqs);
    flops += t.decode_tokens *
             model::DecodeFlopsPerToken(spec, std::max<int64_t>(1, mean_ctx))
                 .attention;
    bytes += static_cast<double>(b.decode_context_tokens) *
             model::KvBytesPerToken(spec, kvp, mean_ctx);
  }
  double chunk_flops = 0;
  double chunk_bytes = 0;
  double max_chunk_flops = 0;
  double max_chunk_bytes = 0;
  for (const PrefillChunk& ch : b.prefill_chunks) {
    if (ch.new_tokens <= 0) continue;
    const int64_t mid = ch.cached_tokens + ch.new_tokens / 2;
    const double f =
        static_cast<double>(ch.new_tokens) *
        model::DecodeFlopsPerToken(spec, std::max<int64_t>(1, mid)).attention;
    const double by =
        model::KvBytesForSequence(spec, kvp, ch.cached_tokens + ch.new_tokens);
    chunk_flops += f;
    chunk_bytes += by;
    max_chunk_flops = std::max(max_chunk_flops, f);
    max_chunk_bytes = std::max(max_chunk_bytes, by);
  }
  if (c.dp_attention) {
    // Decode sequences spread over the ranks; chunks stay whole.
    flops = flops / c.tp +
            BusiestRankPrefill(chunk_flops, t.chunks, max_chunk_flops, c.tp);
    bytes = bytes / c.tp +
            BusiestRankPrefill(chunk_bytes, t.chunks, max_chunk_bytes, c.tp);
    return Roofline(flops, c.attention_peak_flops, cal.attention_mfu,
                    bytes * c.kv_head_share, c.hbm_bytes_per_s, cal.kv_mbu);
  }
  const double per_gpu = c.kv_head_share / c.kv_seq_split;
  return Roofline((flops + chunk_flops) / c.tp, c.attention_peak_flops,
                  cal.attention_mfu, (bytes + chunk_bytes) * per_gpu,
                  c.hbm_bytes_per_s, cal.kv_mbu);
}

// lm_head over the sequences that sample a token this step (vocab-parallel).
GroupTime LmHead(const CostModel& c, const StepTokens& t) {
  const Calibration& cal = c.deployment.calibration;
  const double rows = t.decode_tokens + t.chunks;
  return Roofline(2.0 * rows * c.lm_head_params_per_gpu, c.bf16_peak_flops,
                  cal.gemm_mfu, c.lm_head_params_per_gpu * 2.0,
                  c.hbm_bytes_per_s, cal.weight_mbu);
}

double Collective(double bytes, double link, const Calibration& cal) {
  const double bw = link * cal.comm_efficiency;
  return cal.comm_latency_s + (bw > 0 ? bytes / bw : 0.0);
}

// TP all-reduce (ring: 2(n-1)/n of the message per GPU) after attention and
// after each MLP; EP dispatch/combine all-to-all on MoE layers; PP
// send/recv between stages.
double Communication(const CostModel& c, const StepTokens& t) {
  const Calibration& cal = c.deployment.calibration;
  const double layers = static_cast<double>(c.num_layers);
  const double moe = static_cast<double>(c.moe_layers);
  const double msg = t.total() * c.hidden_size * kActivationBytes;
  double s = 0;
  if (c.tp > 1) {
    // Ring all-reduce on a switched domain; on a torus, the links of the
    // dimensions the TP group spans (perf/topology.h).
    const double allreduce =
        AllReduceSeconds(c.deployment.hardware, c.tp, msg, cal);
    const bool ep = c.ep > 1;
    // Attention output: all-reduce unless attention is data-parallel.
    if (!c.dp_attention) s += layers * allreduce;
    // MLP output: all-to-all on MoE layers under EP, else all-reduce.
    const double mlp_allreduce_layers = ep ? layers - moe : layers;
    s += mlp_allreduce_layers * allreduce;
    if (ep) {
      const double share = (c.ep - 1.0) / c.ep;
      const double local = c.dp_attention ? t.total() / c.tp : t.total();
      // The busiest rank receives (and returns) the most tokens.
      const double a2a = local * c.experts_per_token * c.hidden_size *
                         kActivationBytes * share *
                         c.expert_load.TokenImbalance(t.total());
      s += moe * 2.0 * AllToAllSeconds(c.deployment.hardware, c.ep, a2a, cal);
    }
  }
  if (c.pp > 1) {
    s += (c.pp - 1) * Collective(msg, c.pp_link_bytes_per_s, cal);
  }
  return s;
}

}  // namespace

StepTime PredictStepTime(const CostModel& costs, const BatchShape& batch) {
  const StepTokens t = CountTokens(batch);
  StepTime st;
  if (t.total() <= 0) return st;
  const GroupTime groups[] = {DenseGemms(costs, t), RoutedExperts(costs, t),
                              AttentionCore(costs, batch, t), LmHead(costs, t)};
  double roofline_s = 0;
  for (const GroupTime& g : groups) {
    st.compute_bound_s += g.flop_s;
    st.memory_bound_s += g.byte_s;
    roofline_s += g.total();
  }
  st.communication_s = Communication(costs, t);
  const Calibration& cal = costs.deployment.calibration;
  st.overhead_s = cal.step_overhead_s +
                  cal.per_layer_overhead_s * costs.num_layers +
                  cal.moe_layer_overhead_s * costs.moe_layers +
                  cal.mla_layer_overhead_s * costs.mla_layers +
                  cal.per_seq_overhead_s * ScheduledSeqs(costs, t);
  st.total_s = roofline_s + st.communication_s + st.overhead_s;
  return st;
}

StepTime PredictStepTime(const Deployment& deployment,
                         const BatchShape& batch) {
  return PredictStepTime(BuildCostModel(deployment), batch);
}

}  // namespace infx::perf
