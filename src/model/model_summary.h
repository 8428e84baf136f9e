// The machine-readable summary behind `infx model show --json`: the spec's
// shape plus every derived figure (parameters, weight bytes, KV bytes per
// layer kind, FLOPs per token at several context lengths). Schema in
// docs/json-model-hardware.md.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/model_spec.h"

namespace infx::model {

// Layers grouped by (attention span, window, MoE or dense), in first-seen
// order: gpt-oss has {sliding 128, MoE} x 18 and {full, MoE} x 18.
struct LayerKind {
  LayerAttention attention = LayerAttention::kFull;
  int64_t window_tokens = 0;
  bool moe = false;
  int64_t count = 0;
};
std::vector<LayerKind> GroupLayerKinds(const ModelSpec& spec);

// "full", "sliding_window", "chunked".
std::string LayerAttentionName(LayerAttention attention);

// Context lengths `model show` reports by default: 1K, 8K, 32K, 128K.
std::vector<int64_t> DefaultContextTokens();

nlohmann::json ModelSummaryJson(const ModelSpec& spec,
                                const std::vector<int64_t>& context_tokens);

}  // namespace infx::model
