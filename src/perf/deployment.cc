#include "perf/deployment.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace infx::perf {

std::string_view EngineName(Engine e) {
  switch (e) {
    case Engine::kVllm:
      return "vllm";
    case Engine::kSglang:
      return "sglang";
    case Engine::kTrtllm:
      return "trtllm";
  }
  return "?";
}

Result<Engine> ParseEngine(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "vllm") return Engine::kVllm;
  if (lower == "sglang") return Engine::kSglang;
  if (lower == "trtllm" || lower == "trt-llm" || lower == "tensorrt-llm" ||
      lower == "tensorrt_llm") {
    return Engine::kTrtllm;
  }
  return Status::InvalidArgument("unknown engine '" + std::string(text) +
                                 "' (expected vllm, sglang or trtllm)");
}

std::string Parallelism::Label() const {
  std::string label = "tp" + std::to_string(tp);
  if (pp > 1) label += "-pp" + std::to_string(pp);
  if (ep > 1) label += "-ep" + std::to_string(ep);
  if (dp_attention) label += "-dpa";
  return label;
}

}  // namespace infx::perf
