// ModelSpec: the architecture of a decoder-only LLM, read from a Hugging Face
// config.json, in exactly the terms inference cost depends on. It is plain
// data; the derived quantities (parameters, weight bytes, KV bytes, FLOPs)
// are pure functions in model/model_math.h.
//
// Covers dense GQA transformers (Llama 3.x, Qwen3), MoE (Mixtral, Qwen3-MoE,
// gpt-oss with alternating sliding-window layers, Llama-4 with interleaved
// MoE layers and a shared expert) and MLA + MoE with shared experts and
// leading dense layers (DeepSeek-V3/R1, Kimi-K2).
//
// Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/precision.h"

namespace infx::model {

enum class AttentionKind {
  kGqa,  // multi-head / grouped-query / multi-query attention
  kMla,  // DeepSeek multi-head latent attention
};

// MLA projection sizes (DeepSeek-V2/V3 naming).
struct MlaDims {
  int64_t q_lora_rank = 0;  // 0: queries are not low-rank compressed
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
};

struct AttentionSpec {
  AttentionKind kind = AttentionKind::kGqa;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;  // == num_heads for MHA and for MLA
  int64_t head_dim = 0;      // GQA: per-head dim of q, k and v
  MlaDims mla;               // only for kMla
  bool qkv_bias = false;     // biases on q/k/v projections (gpt-oss)
  bool o_bias = false;       // bias on the output projection (gpt-oss)
  bool qk_norm = false;      // per-head RMSNorm on q and k (Qwen3)
  bool sinks = false;        // learned per-head attention sinks (gpt-oss)
};

enum class LayerAttention {
  kFull,           // attends to the whole context
  kSlidingWindow,  // attends to the last window_tokens tokens
  kChunked,        // attends within aligned chunks of window_tokens (Llama-4)
};

// One decoder layer's kind.
struct LayerSpec {
  LayerAttention attention = LayerAttention::kFull;
  int64_t window_tokens = 0;  // for kSlidingWindow / kChunked
  bool moe = false;           // false: dense MLP of dense_intermediate_size
};

struct MoeSpec {
  int64_t num_experts = 0;        // routed experts per MoE layer
  int64_t experts_per_token = 0;  // top-k
  int64_t expert_intermediate_size = 0;
  int64_t num_shared_experts = 0;  // always-active experts per MoE layer
  int64_t shared_expert_intermediate_size = 0;  // per shared expert
  bool expert_bias = false;  // biases in expert MLPs (gpt-oss)
};

// The checkpoint's own quantization (quantization_config in config.json or
// NVIDIA ModelOpt's hf_quant_config.json).
struct QuantConfig {
  std::string method;  // "fp8", "mxfp4", "modelopt", ...
  Precision weight_precision = Precision::kBf16;
  std::optional<Precision> kv_cache_precision;
  int64_t block_size = 0;  // elements per scale block, 0 if per-tensor
  std::vector<std::string> excluded_modules;  // kept in higher precision
};

struct ModelSpec {
  std::string name;          // user-facing name (file stem or catalog name)
  std::string model_type;    // config.json model_type
  std::string architecture;  // config.json architectures[0]
  int64_t hidden_size = 0;
  int64_t num_layers = 0;  // decoder layers, not counting MTP layers
  int64_t vocab_size = 0;
  int64_t dense_intermediate_size = 0;  // MLP width of dense layers
  int64_t max_position_embeddings = 0;
  bool tie_word_embeddings = false;
  bool mlp_gated = true;  // SwiGLU (3 matrices) vs plain MLP (2)
  AttentionSpec attention;
  std::optional<MoeSpec> moe;
  std::vector<LayerSpec> layers;  // size num_layers
  int64_t num_mtp_layers = 0;     // DeepSeek multi-token-prediction layers
  // Parameters outside the decoder stack that the model card counts (e.g.
  // Llama-4's vision encoder); reported separately, never in active params.
  int64_t extra_params = 0;
  std::string extra_params_note;
  std::optional<QuantConfig> quant;
  // Assumptions made while reading (generic reading of an unknown
  // architecture, defaulted fields). Shown to the user.
  std::vector<std::string> notes;
};

}  // namespace infx::model
