// Reading a checkpoint's quantization: the `quantization_config` object of a
// Hugging Face config.json (fp8 block, mxfp4, compressed-tensors, modelopt,
// fbgemm_fp8, gptq/awq) and NVIDIA ModelOpt's hf_quant_config.json.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "model/model_spec.h"

namespace infx::model {

// Parses config.json's `quantization_config`. `source` names it in errors.
// Methods it does not know are kept by name at BF16 with a note in `notes`.
Result<QuantConfig> ParseQuantizationConfig(const nlohmann::json& config,
                                            const std::string& source,
                                            std::vector<std::string>& notes);

// Bytes per weight element of a quantized checkpoint, including its block
// scales: MXFP4 0.5 + 1/32 (one E8M0 per 32), NVFP4 0.5 + 1/16 (one FP8
// per 16), FP8 1 + 4/block_size for FP32 block scales; BF16 2.
double CheckpointBytesPerElement(const QuantConfig& quant);

// True when `module` (a full name such as "model.layers.0.self_attn.q_proj"
// or "lm_head") is covered by a pattern in excluded_modules, i.e. kept in
// BF16.
bool IsExcluded(const QuantConfig& quant, const std::string& module);

}  // namespace infx::model
