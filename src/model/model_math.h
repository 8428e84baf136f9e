// Derived quantities of a ModelSpec: parameter counts, weight bytes, KV-cache
// bytes and FLOPs. Pure functions; docs/models.md says what is counted.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "common/precision.h"
#include "model/model_spec.h"

namespace infx::model {

// Parameter counts by component. `total` and `active` exclude MTP layers and
// extra_params (reported separately) and include embeddings and lm_head
// (lm_head once if tied).
struct ParamCounts {
  double embedding = 0;
  double lm_head = 0;
  double attention = 0;       // all layers: projections, norms, biases, sinks
  double dense_mlp = 0;       // dense layers' MLPs
  double routed_experts = 0;  // all routed experts, all MoE layers
  double shared_experts = 0;
  double router = 0;
  double norms = 0;  // layer norms and final norm
  double mtp = 0;    // multi-token-prediction layers (not in total)
  double total = 0;
  double active = 0;  // per token: top-k routed + shared + the rest
};

ParamCounts CountParams(const ModelSpec& spec);

// Parameters of one decoder layer, split by what TP/EP shard.
struct LayerParams {
  double attention = 0;
  double dense_mlp = 0;
  double routed_expert_each = 0;  // one routed expert
  double num_routed_experts = 0;
  double shared_experts = 0;
  double router = 0;
  double norms = 0;
};
LayerParams CountLayerParams(const ModelSpec& spec, int64_t layer);

// Bytes of all weights (total params) at `precision` for the linear layers;
// embeddings, norms and routers stay at BF16 as serving engines keep them.
double WeightBytes(const ModelSpec& spec, Precision precision);

// Bytes of the checkpoint as shipped: quantized linear layers at the
// quant config's precision with its block scales (MXFP4 0.5 + 1/32, FP8
// blocks 1 + 4/block), modules it excludes at BF16; embeddings, lm_head,
// norms and routers at BF16. Without a quant config: WeightBytes(kBf16).
// MTP layers and extra_params are not included.
double CheckpointWeightBytes(const ModelSpec& spec);

// KV-cache elements per token for one layer: GQA 2 x kv_heads x head_dim;
// MLA kv_lora_rank + qk_rope_head_dim.
double KvElementsPerTokenLayer(const ModelSpec& spec);
// KV bytes held per token of a sequence of `context_tokens`, averaged over
// the sequence, all layers: sliding-window/chunked layers hold at most
// window_tokens. With context_tokens <= 0 the uncapped per-token figure.
double KvBytesPerToken(const ModelSpec& spec, Precision kv_precision,
                       int64_t context_tokens = 0);
// Total KV bytes held for one sequence at `context_tokens`.
double KvBytesForSequence(const ModelSpec& spec, Precision kv_precision,
                          int64_t context_tokens);

// FLOPs (multiply-add = 2 FLOPs) per token.
// Decode: one new token attending to `context_tokens` cached tokens.
// Prefill: mean per-token FLOPs of a `prompt_tokens` prefill (causal
// attention; lm_head only for the last token, as engines compute logits).
// Both split into linear (GEMM) and attention parts. Linear = 2 x active
// matmul weights (no embedding gather, no norms). Sliding-window layers
// attend to at most window_tokens; decode counts chunked (Llama-4) layers
// as min(context, chunk), an upper bound. MLA decode is counted in the
// absorbed form over the latent (vLLM/SGLang), MLA prefill expanded.
struct TokenFlops {
  double linear = 0;     // projections, MLPs, active experts, lm_head
  double attention = 0;  // QK^T and PV
  double total() const { return linear + attention; }
};
TokenFlops DecodeFlopsPerToken(const ModelSpec& spec, int64_t context_tokens);
TokenFlops PrefillFlopsPerToken(const ModelSpec& spec, int64_t prompt_tokens);

}  // namespace infx::model
