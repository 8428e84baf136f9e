#include "model/model_summary.h"

#include "model/model_math.h"

namespace infx::model {
namespace {

using nlohmann::json;

const Precision kPrecisions[] = {Precision::kBf16, Precision::kFp8,
                                 Precision::kFp4};

json ShapeJson(const ModelSpec& spec) {
  const AttentionSpec& a = spec.attention;
  json attention = {{"kind", a.kind == AttentionKind::kMla ? "mla" : "gqa"},
                    {"num_heads", a.num_heads},
                    {"num_kv_heads", a.num_kv_heads},
                    {"head_dim", a.head_dim},
                    {"qkv_bias", a.qkv_bias},
                    {"o_bias", a.o_bias},
                    {"qk_norm", a.qk_norm},
                    {"sinks", a.sinks},
                    {"mla", nullptr}};
  if (a.kind == AttentionKind::kMla) {
    attention["mla"] = {{"q_lora_rank", a.mla.q_lora_rank},
                        {"kv_lora_rank", a.mla.kv_lora_rank},
                        {"qk_nope_head_dim", a.mla.qk_nope_head_dim},
                        {"qk_rope_head_dim", a.mla.qk_rope_head_dim},
                        {"v_head_dim", a.mla.v_head_dim}};
  }
  json moe = nullptr;
  if (spec.moe) {
    moe = {{"num_experts", spec.moe->num_experts},
           {"experts_per_token", spec.moe->experts_per_token},
           {"expert_intermediate_size", spec.moe->expert_intermediate_size},
           {"num_shared_experts", spec.moe->num_shared_experts},
           {"shared_expert_intermediate_size",
            spec.moe->shared_expert_intermediate_size}};
  }
  json kinds = json::array();
  for (const LayerKind& kind : GroupLayerKinds(spec)) {
    kinds.push_back({{"attention", LayerAttentionName(kind.attention)},
                     {"window_tokens", kind.window_tokens},
                     {"moe", kind.moe},
                     {"count", kind.count}});
  }
  return {{"hidden_size", spec.hidden_size},
          {"num_layers", spec.num_layers},
          {"vocab_size", spec.vocab_size},
          {"dense_intermediate_size", spec.dense_intermediate_size},
          {"max_position_embeddings", spec.max_position_embeddings},
          {"tie_word_embeddings", spec.tie_word_embeddings},
          {"attention", attention},
          {"moe", moe},
          {"layer_kinds", kinds},
          {"num_mtp_layers", spec.num_mtp_layers}};
}

json ParamsJson(const ModelSpec& spec) {
  const ParamCounts p = CountParams(spec);
  return {{"total", p.total},
          {"active", p.active},
          {"embedding", p.embedding},
          {"lm_head", p.lm_head},
          {"attention", p.attention},
          {"dense_mlp", p.dense_mlp},
          {"routed_experts", p.routed_experts},
          {"shared_experts", p.shared_experts},
          {"router", p.router},
          {"norms", p.norms},
          {"mtp", p.mtp},
          {"total_with_mtp", p.total + p.mtp},
          {"extra", spec.extra_params},
          {"extra_note", spec.extra_params_note},
          {"total_with_extra", p.total + spec.extra_params}};
}

json WeightBytesJson(const ModelSpec& spec) {
  json out;
  for (Precision p : kPrecisions) {
    out[std::string(PrecisionName(p))] = WeightBytes(spec, p);
  }
  out["checkpoint"] = CheckpointWeightBytes(spec);
  return out;
}

json KvJson(const ModelSpec& spec, const std::vector<int64_t>& contexts) {
  const double elements = KvElementsPerTokenLayer(spec);
  json per_kind = json::array();
  for (const LayerKind& kind : GroupLayerKinds(spec)) {
    json row = {{"attention", LayerAttentionName(kind.attention)},
                {"window_tokens", kind.window_tokens},
                {"layers", kind.count},
                {"elements_per_token_layer", elements}};
    for (Precision p : kPrecisions) {
      row[std::string(PrecisionName(p))] = elements * KvBytesPerElement(p);
    }
    per_kind.push_back(row);
  }
  json per_token;
  for (Precision p : kPrecisions) {
    per_token[std::string(PrecisionName(p))] = KvBytesPerToken(spec, p);
  }
  json at_context = json::array();
  for (int64_t context : contexts) {
    json row = {{"context_tokens", context}};
    for (Precision p : kPrecisions) {
      row[std::string(PrecisionName(p))] = KvBytesPerToken(spec, p, context);
    }
    at_context.push_back(row);
  }
  return {{"per_token", per_token},
          {"per_token_layer", per_kind},
          {"per_token_at_context", at_context}};
}

json FlopsJson(const TokenFlops& f) {
  return {
      {"linear", f.linear}, {"attention", f.attention}, {"total", f.total()}};
}

json QuantJson(const ModelSpec& spec) {
  if (!spec.quant) return nullptr;
  const QuantConfig& q = *spec.quant;
  json kv = nullptr;
  if (q.kv_cache_precision) kv = PrecisionName(*q.kv_cache_precision);
  return {{"method", q.method},
          {"weight_precision", PrecisionName(q.weight_precision)},
          {"kv_cache_precision", kv},
          {"block_size", q.block_size},
          {"excluded_modules", q.excluded_modules}};
}

}  // namespace

std::vector<LayerKind> GroupLayerKinds(const ModelSpec& spec) {
  std::vector<LayerKind> kinds;
  for (const LayerSpec& layer : spec.layers) {
    bool found = false;
    for (LayerKind& kind : kinds) {
      if (kind.attention == layer.attention &&
          kind.window_tokens == layer.window_tokens && kind.moe == layer.moe) {
        ++kind.count;
        found = true;
        break;
      }
    }
    if (!found) {
      kinds.push_back({layer.attention, layer.window_tokens, layer.moe, 1});
    }
  }
  return kinds;
}

std::string LayerAttentionName(LayerAttention attention) {
  switch (attention) {
    case LayerAttention::kFull:
      return "full";
    case LayerAttention::kSlidingWindow:
      return "sliding_window";
    case LayerAttention::kChunked:
      return "chunked";
  }
  return "full";
}

std::vector<int64_t> DefaultContextTokens() {
  return {1024, 8192, 32768, 131072};
}

json ModelSummaryJson(const ModelSpec& spec,
                      const std::vector<int64_t>& context_tokens) {
  json flops = json::array();
  for (int64_t context : context_tokens) {
    flops.push_back(
        {{"context_tokens", context},
         {"decode", FlopsJson(DecodeFlopsPerToken(spec, context))},
         {"prefill", FlopsJson(PrefillFlopsPerToken(spec, context))}});
  }
  return {{"name", spec.name},
          {"model_type", spec.model_type},
          {"architecture", spec.architecture},
          {"shape", ShapeJson(spec)},
          {"params", ParamsJson(spec)},
          {"weight_bytes", WeightBytesJson(spec)},
          {"kv_bytes", KvJson(spec, context_tokens)},
          {"flops_per_token", flops},
          {"quantization", QuantJson(spec)},
          {"notes", spec.notes}};
}

}  // namespace infx::model
