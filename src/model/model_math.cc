// Parameter, byte and FLOP counts of a ModelSpec. Module shapes follow the
// transformers implementations (LlamaAttention, DeepseekV3Attention,
// GptOssExperts, Llama4TextMoe); docs/models.md lists what is counted.
#include "model/model_math.h"

#include <algorithm>
#include <cmath>

#include "model/quant_config.h"

namespace infx::model {
namespace {

double MlpMatrices(const ModelSpec& spec) { return spec.mlp_gated ? 3 : 2; }

double GqaAttentionParams(const ModelSpec& spec) {
  const AttentionSpec& a = spec.attention;
  const double h = spec.hidden_size;
  const double q = double(a.num_heads) * a.head_dim;
  const double kv = double(a.num_kv_heads) * a.head_dim;
  double params = h * q + 2 * h * kv + q * h;
  if (a.qkv_bias) params += q + 2 * kv;
  if (a.o_bias) params += h;
  if (a.qk_norm) params += 2.0 * a.head_dim;
  if (a.sinks) params += a.num_heads;
  return params;
}

// DeepSeek-V2/V3 MLA: q_a/q_b (or q_proj), kv_a_proj_with_mqa, kv_b_proj,
// o_proj, plus the q_a and kv_a layernorms.
double MlaAttentionParams(const ModelSpec& spec) {
  const MlaDims& m = spec.attention.mla;
  const double h = spec.hidden_size;
  const double heads = spec.attention.num_heads;
  const double qk_head = m.qk_nope_head_dim + m.qk_rope_head_dim;
  double q = m.q_lora_rank > 0 ? h * m.q_lora_rank + m.q_lora_rank +
                                     double(m.q_lora_rank) * heads * qk_head
                               : h * heads * qk_head;
  double kv =
      h * (m.kv_lora_rank + m.qk_rope_head_dim) + m.kv_lora_rank +
      double(m.kv_lora_rank) * heads * (m.qk_nope_head_dim + m.v_head_dim);
  double o = heads * m.v_head_dim * h;
  return q + kv + o;
}

double AttentionParams(const ModelSpec& spec) {
  return spec.attention.kind == AttentionKind::kMla ? MlaAttentionParams(spec)
                                                    : GqaAttentionParams(spec);
}

// Tokens one query attends to in a layer whose span is `layer`, at
// `context_tokens` (decode upper bound: chunked layers counted as full
// windows).
double SpanTokens(const LayerSpec& layer, double context_tokens) {
  if (layer.attention == LayerAttention::kFull || layer.window_tokens <= 0) {
    return context_tokens;
  }
  return std::min<double>(context_tokens, layer.window_tokens);
}

// Mean tokens attended per query over a causal prefill of `prompt` tokens.
double MeanPrefillSpan(const LayerSpec& layer, double prompt) {
  const double w = layer.window_tokens;
  if (layer.attention == LayerAttention::kFull || w <= 0 || prompt <= w) {
    return (prompt + 1) / 2;
  }
  if (layer.attention == LayerAttention::kSlidingWindow) {
    return (w * (w + 1) / 2 + (prompt - w) * w) / prompt;
  }
  const double chunks = std::floor(prompt / w);
  const double rest = prompt - chunks * w;
  return (chunks * w * (w + 1) / 2 + rest * (rest + 1) / 2) / prompt;
}

// FLOPs of one query against `span` keys in one layer: QK^T plus PV.
// MLA decode runs in the absorbed (MQA-like) form over the latent as vLLM
// and SGLang do; MLA prefill in the expanded multi-head form.
double AttentionFlopsPerSpan(const ModelSpec& spec, double span, bool decode) {
  const AttentionSpec& a = spec.attention;
  const double heads = a.num_heads;
  if (a.kind == AttentionKind::kMla) {
    const MlaDims& m = a.mla;
    if (decode) {
      return 2 * heads * (m.kv_lora_rank + m.qk_rope_head_dim) * span +
             2 * heads * m.kv_lora_rank * span;
    }
    return 2 * heads * (m.qk_nope_head_dim + m.qk_rope_head_dim) * span +
           2 * heads * m.v_head_dim * span;
  }
  return 4 * heads * a.head_dim * span;
}

// Weights multiplied per token: everything active except the embedding
// gather and the elementwise norms; lm_head always multiplies.
double ActiveMatmulParams(const ModelSpec& spec) {
  const ParamCounts p = CountParams(spec);
  const double lm_head = double(spec.vocab_size) * spec.hidden_size;
  return p.active - p.embedding - p.lm_head - p.norms + lm_head;
}

}  // namespace

LayerParams CountLayerParams(const ModelSpec& spec, int64_t layer) {
  LayerParams out;
  const double h = spec.hidden_size;
  out.attention = AttentionParams(spec);
  out.norms = 2 * h;
  const bool moe = spec.moe && layer >= 0 && layer < spec.num_layers &&
                   spec.layers[layer].moe;
  if (!moe) {
    out.dense_mlp = MlpMatrices(spec) * h * spec.dense_intermediate_size;
    return out;
  }
  const MoeSpec& m = *spec.moe;
  const double inter = m.expert_intermediate_size;
  out.routed_expert_each = MlpMatrices(spec) * h * inter;
  if (m.expert_bias)
    out.routed_expert_each += (spec.mlp_gated ? 2 : 1) * inter + h;
  out.num_routed_experts = m.num_experts;
  out.shared_experts = double(m.num_shared_experts) * MlpMatrices(spec) * h *
                       m.shared_expert_intermediate_size;
  out.router = h * m.num_experts + (m.expert_bias ? m.num_experts : 0);
  return out;
}

ParamCounts CountParams(const ModelSpec& spec) {
  ParamCounts p;
  const double h = spec.hidden_size;
  p.embedding = double(spec.vocab_size) * h;
  p.lm_head = spec.tie_word_embeddings ? 0 : p.embedding;
  p.norms = h;  // final norm
  double active_experts = 0;
  for (int64_t i = 0; i < spec.num_layers; ++i) {
    const LayerParams l = CountLayerParams(spec, i);
    p.attention += l.attention;
    p.dense_mlp += l.dense_mlp;
    p.routed_experts += l.routed_expert_each * l.num_routed_experts;
    p.shared_experts += l.shared_experts;
    p.router += l.router;
    p.norms += l.norms;
    if (l.num_routed_experts > 0) {
      active_experts += l.routed_expert_each * spec.moe->experts_per_token;
    }
  }
  const double common = p.embedding + p.lm_head + p.attention + p.dense_mlp +
                        p.shared_experts + p.router + p.norms;
  p.total = common + p.routed_experts;
  p.active = common + active_experts;
  if (spec.num_mtp_layers > 0) {
    // DeepSeek MTP module as the checkpoint stores it: one decoder layer
    // (like the last), eh_proj (2h x h), enorm/hnorm/shared_head.norm and
    // its own copies of the embedding and output head.
    const LayerParams l = CountLayerParams(spec, spec.num_layers - 1);
    const double layer = l.attention + l.dense_mlp + l.shared_experts +
                         l.router + l.norms +
                         l.routed_expert_each * l.num_routed_experts;
    const double per_mtp = layer + 2 * h * h + 3 * h + 2 * p.embedding;
    p.mtp = per_mtp * spec.num_mtp_layers;
  }
  return p;
}

double WeightBytes(const ModelSpec& spec, Precision precision) {
  const ParamCounts p = CountParams(spec);
  const double linear =
      p.attention + p.dense_mlp + p.routed_experts + p.shared_experts;
  const double bf16 = p.embedding + p.lm_head + p.norms + p.router;
  return linear * WeightBytesPerElement(precision) +
         bf16 * WeightBytesPerElement(Precision::kBf16);
}

double CheckpointWeightBytes(const ModelSpec& spec) {
  if (!spec.quant) return WeightBytes(spec, Precision::kBf16);
  const QuantConfig& q = *spec.quant;
  const ParamCounts p = CountParams(spec);
  const double quantized = CheckpointBytesPerElement(q);
  auto bytes = [&](const char* module) {
    return IsExcluded(q, module) ? 2.0 : quantized;
  };
  return p.attention * bytes("model.layers.0.self_attn.q_proj") +
         p.dense_mlp * bytes("model.layers.0.mlp.gate_proj") +
         p.routed_experts * bytes("model.layers.0.mlp.experts.0.gate_proj") +
         p.shared_experts *
             bytes("model.layers.0.mlp.shared_experts.gate_proj") +
         (p.embedding + p.lm_head + p.norms + p.router) * 2.0;
}

double KvElementsPerTokenLayer(const ModelSpec& spec) {
  const AttentionSpec& a = spec.attention;
  if (a.kind == AttentionKind::kMla) {
    return double(a.mla.kv_lora_rank) + a.mla.qk_rope_head_dim;
  }
  return 2.0 * a.num_kv_heads * a.head_dim;
}

double KvBytesForSequence(const ModelSpec& spec, Precision kv_precision,
                          int64_t context_tokens) {
  const double per_token_layer =
      KvElementsPerTokenLayer(spec) * KvBytesPerElement(kv_precision);
  double tokens = 0;
  for (const LayerSpec& layer : spec.layers) {
    tokens += SpanTokens(layer, std::max<int64_t>(context_tokens, 0));
  }
  return per_token_layer * tokens;
}

double KvBytesPerToken(const ModelSpec& spec, Precision kv_precision,
                       int64_t context_tokens) {
  if (context_tokens <= 0) {
    return KvElementsPerTokenLayer(spec) * KvBytesPerElement(kv_precision) *
           spec.num_layers;
  }
  return KvBytesForSequence(spec, kv_precision, context_tokens) /
         context_tokens;
}

TokenFlops DecodeFlopsPerToken(const ModelSpec& spec, int64_t context_tokens) {
  TokenFlops flops;
  flops.linear = 2 * ActiveMatmulParams(spec);
  const double context = std::max<int64_t>(context_tokens, 0);
  for (const LayerSpec& layer : spec.layers) {
    flops.attention +=
        AttentionFlopsPerSpan(spec, SpanTokens(layer, context), true);
  }
  return flops;
}

TokenFlops PrefillFlopsPerToken(const ModelSpec& spec, int64_t prompt_tokens) {
  TokenFlops flops;
  const double lm_head = double(spec.vocab_size) * spec.hidden_size;
  if (prompt_tokens <= 0) {
    flops.linear = 2 * ActiveMatmulParams(spec);
    return flops;
  }
  // Engines compute logits for the last prompt token only.
  flops.linear = 2 * (ActiveMatmulParams(spec) - lm_head) +
                 2 * lm_head / double(prompt_tokens);
  for (const LayerSpec& layer : spec.layers) {
    flops.attention += AttentionFlopsPerSpan(
        spec, MeanPrefillSpan(layer, double(prompt_tokens)), false);
  }
  return flops;
}

}  // namespace infx::model
