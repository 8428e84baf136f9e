// The OpenAI-compatible request and response formats as vLLM's server
// (vllm/entrypoints/openai) speaks them: parsing /v1/completions and
// /v1/chat/completions bodies, OpenAI-style error objects, and the JSON of
// streamed chunks, usage chunks and full responses.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::emulator {

struct CompletionRequest {
  bool chat = false;
  std::string model;
  // Completions: prompt as token ids (exact count) or text. Chat: the
  // messages' contents joined by newlines in `prompt_text`.
  std::optional<std::vector<int64_t>> prompt_ids;
  std::string prompt_text;
  int64_t chat_messages = 0;
  std::optional<int64_t> max_tokens;  // max_tokens / max_completion_tokens
  int64_t min_tokens = 0;
  bool ignore_eos = false;
  std::vector<std::string> stop;
  double temperature = 1.0;
  std::optional<int64_t> seed;
  bool stream = false;
  bool include_usage = false;
};

// InvalidArgument naming the bad field, e.g. "'max_tokens' must be >= 1".
Result<CompletionRequest> ParseCompletionRequest(std::string_view body,
                                                 bool chat);

// {"error": {"message", "type", "param": null, "code"}} as vLLM >= 0.10 and
// OpenAI send. type: "BadRequestError", "NotFoundError", ...
std::string ErrorJson(std::string_view message, std::string_view type,
                      int code);

// The fixed parts of one response's JSON chunks, built once per request so
// each token only escapes its text.
class ChunkFormatter {
 public:
  ChunkFormatter(bool chat, std::string id, int64_t created, std::string model);
  // One streamed token's chunk (finish_reason null unless given); chat's
  // first chunk carries role "assistant".
  std::string TokenChunk(std::string_view text, std::string_view finish_reason,
                         std::string_view stop_reason, bool first,
                         bool with_usage_null) const;
  // The final usage chunk: "choices": [] and usage.
  std::string UsageChunk(int64_t prompt_tokens,
                         int64_t completion_tokens) const;
  // Non-streaming body.
  std::string FullResponse(std::string_view text,
                           std::string_view finish_reason,
                           std::string_view stop_reason, int64_t prompt_tokens,
                           int64_t completion_tokens) const;

 private:
  bool chat_;
  std::string id_;
  std::string head_;  // {"id":..,"object":..,"created":..,"model":..,
};

// JSON string escaping (without the quotes).
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace infx::emulator
