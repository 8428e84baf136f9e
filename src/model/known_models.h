// The built-in catalog of well-known models: their Hugging Face config.json
// contents embedded as string literals, so `infx model show llama-3.1-8b`
// needs no file.
//
// Thread-safety: immutable static data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace infx::model {

struct KnownModel {
  std::string_view name;                  // "llama-3.1-8b"
  std::string_view hf_id;                 // "meta-llama/Llama-3.1-8B"
  std::string_view config_json;           // config.json
  std::string_view hf_quant_config_json;  // "" or hf_quant_config.json
};

const std::vector<KnownModel>& KnownModels();

}  // namespace infx::model
