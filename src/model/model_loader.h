// Loading ModelSpecs: from a Hugging Face config.json (plus an optional
// hf_quant_config.json beside it) or from a built-in catalog of well-known
// models ("llama-3.1-8b", "deepseek-r1", ...) so that no file is needed.
//
// Errors name the file and the missing or bad field. An unknown
// architecture is read generically from the standard fields
// (hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
// intermediate_size, vocab_size) with a note saying so.
//
// Thread-safety: pure functions (the catalog is immutable).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/model_spec.h"

namespace infx::model {

// Parses config.json contents. `source` names the input in errors.
Result<ModelSpec> ParseHfConfig(const nlohmann::json& config,
                                const std::string& name,
                                const std::string& source);

// Applies an hf_quant_config.json (NVIDIA ModelOpt) to `spec`.
Status ApplyHfQuantConfig(const nlohmann::json& quant_config,
                          const std::string& source, ModelSpec& spec);

// `name_or_path`: a path to config.json (a sibling
// "<stem>.hf_quant_config.json" or "hf_quant_config.json" in the same directory
// is applied too), a directory containing config.json, or a catalog name
// (case-insensitive).
Result<ModelSpec> LoadModel(const std::string& name_or_path);

// Names accepted by LoadModel without a file.
std::vector<std::string> KnownModelNames();

}  // namespace infx::model
