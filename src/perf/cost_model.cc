#include "perf/cost_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/model_math.h"

namespace infx::perf {
namespace {

constexpr double kBf16Bytes = 2.0;

struct LayerShare {
  double attention = 0;  // per GPU
  double dense = 0;      // dense MLP + shared experts per GPU
  double routed = 0;     // all routed experts of the layer per GPU
  double replicated = 0;
};

LayerShare ShareOfLayer(const model::ModelSpec& spec, int64_t layer,
                        const Parallelism& par, double expert_shard) {
  const model::LayerParams lp = model::CountLayerParams(spec, layer);
  LayerShare s;
  s.attention = lp.attention / (par.dp_attention ? 1.0 : par.tp);
  s.dense = (lp.dense_mlp + lp.shared_experts) / par.tp;
  s.routed = lp.routed_expert_each * lp.num_routed_experts / expert_shard;
  s.replicated = lp.norms + lp.router;
  return s;
}

double LayerBytes(const LayerShare& s, double linear_bytes) {
  return (s.attention + s.dense + s.routed) * linear_bytes +
         s.replicated * kBf16Bytes;
}

// Largest pipeline stage's weight bytes per GPU: layers split into pp
// contiguous blocks (the first blocks one layer longer), embedding on the
// first stage and lm_head on the last, both vocab-parallel over TP.
double MaxStageBytes(const std::vector<double>& layer_bytes, int pp,
                     double embedding_bytes, double lm_head_bytes,
                     int64_t* max_stage_layers) {
  const int64_t n = static_cast<int64_t>(layer_bytes.size());
  double worst = 0;
  int64_t begin = 0;
  *max_stage_layers = 0;
  for (int stage = 0; stage < pp; ++stage) {
    const int64_t count = n / pp + (stage < n % pp ? 1 : 0);
    double bytes = 0;
    for (int64_t l = begin; l < begin + count; ++l) bytes += layer_bytes[l];
    if (stage == 0) bytes += embedding_bytes;
    if (stage == pp - 1) bytes += lm_head_bytes;
    worst = std::max(worst, bytes);
    *max_stage_layers = std::max(*max_stage_layers, count);
    begin += count;
  }
  return worst;
}

double KvHeadShare(const model::ModelSpec& spec, const Parallelism& par) {
  if (spec.attention.kind == model::AttentionKind::kMla) return 1.0;
  const double kv_heads =
      static_cast<double>(std::max<int64_t>(1, spec.attention.num_kv_heads));
  if (par.dp_attention) return 1.0;
  // Heads split over TP; past kv_heads each GPU keeps one (replicated).
  return std::ceil(kv_heads / par.tp) / kv_heads;
}

void FillRates(const hardware::HardwareSpec& hw, const Parallelism& par,
               Precision weight_precision, const Calibration& cal,
               CostModel& c) {
  c.gemm_peak_flops = PeakFlopsWithFallback(hw, weight_precision);
  // FP4 efficiency applies on FP4 tensor cores only; FP4 weights on older
  // hardware run at the FP8/BF16 peak with the ordinary efficiency.
  const bool native_fp4 = weight_precision == Precision::kFp4 &&
                          hw.fp4_flops > 0 && cal.gemm_mfu > 0;
  c.dense_gemm_mfu = native_fp4 ? cal.fp4_gemm_mfu : cal.gemm_mfu;
  c.moe_gemm_mfu = native_fp4
                       ? cal.moe_gemm_mfu * cal.fp4_gemm_mfu / cal.gemm_mfu
                       : cal.moe_gemm_mfu;
  c.bf16_peak_flops = PeakFlopsWithFallback(hw, Precision::kBf16);
  c.attention_peak_flops = c.bf16_peak_flops;
  c.hbm_bytes_per_s = hw.hbm_bandwidth_bytes_per_s;
  const double up = hw.scale_up_bandwidth_bytes_per_s;
  const double out = hw.scale_out_bandwidth_bytes_per_s > 0
                         ? hw.scale_out_bandwidth_bytes_per_s
                         : up;
  const int domain = std::max(1, hw.scale_up_domain_gpus);
  c.tp_link_bytes_per_s = par.tp <= domain ? up : out;
  c.pp_link_bytes_per_s = par.gpus() <= domain ? up : out;
}

}  // namespace

double PeakFlopsWithFallback(const hardware::HardwareSpec& hw, Precision p) {
  // Read the fields directly: FP4 -> FP8 -> BF16.
  if (p == Precision::kFp4 && hw.fp4_flops > 0) return hw.fp4_flops;
  if (p != Precision::kBf16 && hw.fp8_flops > 0) return hw.fp8_flops;
  return hw.bf16_flops;
}

CostModel BuildCostModel(const Deployment& d) {
  CostModel c;
  c.deployment = d;
  const model::ModelSpec& spec = d.model;
  const Parallelism& par = d.parallelism;
  c.tp = std::max(1, par.tp);
  c.pp = std::max(1, par.pp);
  c.ep = std::max(1, par.ep);
  c.dp_attention = par.dp_attention;
  c.num_layers = spec.num_layers;
  c.hidden_size = spec.hidden_size;
  c.linear_bytes_per_param = WeightBytesPerElement(d.weight_precision);
  c.expert_shard = std::max(c.tp, c.ep);
  if (spec.moe) {
    c.experts_per_token = static_cast<double>(spec.moe->experts_per_token);
  }

  std::vector<double> layer_bytes;
  layer_bytes.reserve(
      static_cast<size_t>(std::max<int64_t>(0, spec.num_layers)));
  for (int64_t l = 0; l < spec.num_layers; ++l) {
    const LayerShare s = ShareOfLayer(spec, l, par, c.expert_shard);
    c.attention_params_per_gpu += s.attention;
    c.dense_params_per_gpu += s.dense;
    c.replicated_params += s.replicated;
    const model::LayerParams lp = model::CountLayerParams(spec, l);
    if (lp.num_routed_experts > 0) {
      ++c.moe_layers;
      c.routed_expert_params_each = lp.routed_expert_each;
      c.num_routed_experts = lp.num_routed_experts;
    }
    layer_bytes.push_back(LayerBytes(s, c.linear_bytes_per_param));
  }
  const model::ParamCounts counts = model::CountParams(spec);
  c.lm_head_params_per_gpu =
      (counts.lm_head > 0 ? counts.lm_head : counts.embedding) / c.tp;
  int64_t max_stage_layers = 0;
  c.weight_bytes_per_gpu_max_stage =
      MaxStageBytes(layer_bytes, c.pp, counts.embedding / c.tp * kBf16Bytes,
                    counts.lm_head / c.tp * kBf16Bytes, &max_stage_layers);
  c.stage_layer_fraction =
      spec.num_layers > 0
          ? static_cast<double>(max_stage_layers) / spec.num_layers
          : 1.0;
  if (spec.attention.kind == model::AttentionKind::kMla) {
    c.mla_layers = spec.num_layers;
  }
  c.kv_head_share = KvHeadShare(spec, par);
  c.kv_seq_split = par.dp_attention ? c.tp : 1;
  FillRates(d.hardware, par, d.weight_precision, d.calibration, c);
  c.expert_load = MakeExpertLoadModel(c.num_routed_experts, c.experts_per_token,
                                      c.ep, d.calibration.expert_load_cv);
  return c;
}

}  // namespace infx::perf
