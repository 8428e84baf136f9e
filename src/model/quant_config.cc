#include "model/quant_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "model/json_fields.h"
#include "model/model_loader.h"

namespace infx::model {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// FP8 per-tensor / block ("fp8", "fbgemm_fp8"): DeepSeek-V3 ships 128x128
// blocks with FP32 scales.
QuantConfig ReadFp8(JsonFields& fields, const std::string& method) {
  QuantConfig quant;
  quant.method = method;
  quant.weight_precision = Precision::kFp8;
  std::vector<int64_t> block = fields.Ints("weight_block_size");
  if (!block.empty()) {
    quant.block_size = 1;
    for (int64_t b : block) {
      if (b < 1 || b > (1 << 20)) {
        fields.Fail("field 'weight_block_size' entries must be in 1..2^20");
        return quant;
      }
      quant.block_size *= b;
    }
  }
  quant.excluded_modules = fields.Strings("modules_to_not_convert");
  if (quant.excluded_modules.empty()) {
    quant.excluded_modules = fields.Strings("ignored_layers");
  }
  return quant;
}

// compressed-tensors (llm-compressor): the weight precision is in
// config_groups.<group>.weights.{num_bits,type,group_size}.
QuantConfig ReadCompressedTensors(const nlohmann::json& config,
                                  JsonFields& fields) {
  QuantConfig quant;
  quant.method = "compressed-tensors";
  quant.excluded_modules = fields.Strings("ignore");
  auto groups = config.find("config_groups");
  if (groups == config.end() || !groups->is_object()) return quant;
  for (const auto& [name, group] : groups->items()) {
    if (!group.is_object()) continue;
    auto weights = group.find("weights");
    if (weights == group.end() || !weights->is_object()) continue;
    JsonFields w(*weights, "config_groups." + name + ".weights");
    const int64_t bits = w.IntOr("num_bits", 16);
    if (bits == 8) quant.weight_precision = Precision::kFp8;
    if (bits == 4) quant.weight_precision = Precision::kFp4;
    quant.block_size = w.SizeOr("group_size", 0);
    if (!w.status().ok()) fields.Fail(w.status().message());
    break;
  }
  return quant;
}

Result<Precision> ModeloptAlgoPrecision(const std::string& algo,
                                        const std::string& source) {
  const std::string lower = Lower(algo);
  if (lower.find("fp8") != std::string::npos) return Precision::kFp8;
  if (lower.find("fp4") != std::string::npos) return Precision::kFp4;
  if (lower.find("w4a") != std::string::npos) return Precision::kFp4;
  return Status::InvalidArgument(
      fmt::format("{}: unknown quant_algo '{}' (expected FP8, NVFP4, "
                  "W4A8_AWQ, ...)",
                  source, algo));
}

}  // namespace

Result<QuantConfig> ParseQuantizationConfig(const nlohmann::json& config,
                                            const std::string& source,
                                            std::vector<std::string>& notes) {
  if (!config.is_object()) {
    return Status::InvalidArgument(
        fmt::format("{}: quantization_config must be an object", source));
  }
  JsonFields fields(config, source + ": quantization_config");
  const std::string method = Lower(fields.StringOr("quant_method", ""));
  QuantConfig quant;
  if (method == "fp8" || method == "fbgemm_fp8") {
    quant = ReadFp8(fields, method);
  } else if (method == "mxfp4") {
    quant.method = method;
    quant.weight_precision = Precision::kFp4;
    quant.block_size = 32;  // OCP MX: one E8M0 scale per 32 elements
    quant.excluded_modules = fields.Strings("modules_to_not_convert");
  } else if (method == "compressed-tensors") {
    quant = ReadCompressedTensors(config, fields);
  } else if (method == "modelopt") {
    quant.method = method;
    INFX_ASSIGN_OR_RETURN(
        quant.weight_precision,
        ModeloptAlgoPrecision(fields.StringOr("quant_algo", "FP8"), source));
    if (quant.weight_precision == Precision::kFp4) quant.block_size = 16;
    quant.excluded_modules = fields.Strings("exclude_modules");
  } else if (method == "gptq" || method == "awq") {
    quant.method = method;
    const int64_t bits = fields.IntOr("bits", 4);
    quant.weight_precision = bits <= 4 ? Precision::kFp4 : Precision::kFp8;
    quant.block_size = fields.SizeOr("group_size", 128);  // -1: per channel
    notes.push_back(fmt::format(
        "{} int{} weights are costed as {} (same bytes per element)", method,
        bits, PrecisionName(quant.weight_precision)));
  } else {
    quant.method = method.empty() ? "unknown" : method;
    notes.push_back(fmt::format(
        "quantization method '{}' is not known; weights costed at BF16",
        quant.method));
  }
  INFX_RETURN_IF_ERROR(fields.status());
  return quant;
}

Status ApplyHfQuantConfig(const nlohmann::json& quant_config,
                          const std::string& source, ModelSpec& spec) {
  auto section = quant_config.find("quantization");
  if (!quant_config.is_object() || section == quant_config.end() ||
      !section->is_object()) {
    return Status::InvalidArgument(
        fmt::format("{}: missing field 'quantization'", source));
  }
  JsonFields fields(*section, source + ": quantization");
  QuantConfig quant;
  quant.method = "modelopt";
  const std::string algo = fields.StringOr("quant_algo", "");
  INFX_RETURN_IF_ERROR(fields.status());
  if (algo.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: missing field 'quantization.quant_algo'", source));
  }
  INFX_ASSIGN_OR_RETURN(quant.weight_precision,
                        ModeloptAlgoPrecision(algo, source));
  if (quant.weight_precision == Precision::kFp4) {
    quant.block_size = fields.IntOr("group_size", 16);
  }
  const std::string kv_algo = fields.StringOr("kv_cache_quant_algo", "");
  if (!kv_algo.empty()) {
    INFX_ASSIGN_OR_RETURN(Precision kv, ModeloptAlgoPrecision(kv_algo, source));
    quant.kv_cache_precision = kv;
  }
  quant.excluded_modules = fields.Strings("exclude_modules");
  INFX_RETURN_IF_ERROR(fields.status());
  spec.quant = std::move(quant);
  return Status::Ok();
}

double CheckpointBytesPerElement(const QuantConfig& quant) {
  switch (quant.weight_precision) {
    case Precision::kBf16:
      return 2.0;
    case Precision::kFp8:
      // Per-tensor scales are negligible; block scales are FP32.
      return quant.block_size > 0 ? 1.0 + 4.0 / quant.block_size : 1.0;
    case Precision::kFp4:
      if (quant.method == "mxfp4") return 0.5 + 1.0 / 32.0;  // E8M0 per 32
      return WeightBytesPerElement(Precision::kFp4);         // NVFP4 FP8 per 16
  }
  return 2.0;
}

namespace {

// Full match with '*' matching any run of characters (fnmatch-like, as
// ModelOpt and transformers match module names).
bool Glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (size_t i = 0; i <= text.size(); ++i) {
      if (Glob(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         Glob(pattern.substr(1), text.substr(1));
}

}  // namespace

bool IsExcluded(const QuantConfig& quant, const std::string& module) {
  for (const std::string& pattern : quant.excluded_modules) {
    // A pattern names a module or any of its parents, with or without the
    // "model." prefix: "model.layers.*.self_attn" covers its q_proj.
    if (Glob(pattern, module) || Glob(pattern + ".*", module) ||
        Glob("*." + pattern, module) || Glob("*." + pattern + ".*", module)) {
      return true;
    }
  }
  return false;
}

}  // namespace infx::model
