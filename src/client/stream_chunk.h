// Streamed completion chunks: a cheap, validating reader of one SSE payload
// of an OpenAI-compatible stream, and how a chunk updates a RequestRecord.
// It parses only what the metrics need (whether the chunk carries choices,
// its text, finish_reason, usage, error) without building a JSON tree, and
// reads the dialects of vLLM, SGLang, TensorRT-LLM (trtllm-serve and the
// Triton generate_stream "text_output") and the llama.cpp server (native
// "content"/"stop"/"tokens_predicted" and OpenAI-style).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "metrics/request_record.h"

namespace infx::client {

struct StreamChunk {
  bool done = false;               // the payload was "[DONE]"
  bool has_choices = false;        // a non-empty "choices" (or top-level text)
  bool has_text = false;           // text/content present and non-empty
  std::string text;                // unescaped text, only when asked for
  std::string finish_reason;       // "" when null or absent
  int64_t prompt_tokens = -1;      // usage.prompt_tokens (-1 = absent)
  int64_t completion_tokens = -1;  // usage.completion_tokens (-1 = absent)
  bool is_error = false;           // an {"error": ...} payload
  std::string error_message;
  // "system_fingerprint" as sent (raw JSON string contents; a view into the
  // payload, valid while it is): llama.cpp's build, e.g. "b6110-1e6f6554".
  std::string_view system_fingerprint;
};

// Reads one event payload. ParseError (quoting the start of the payload) when
// it is not "[DONE]" and not a well-formed JSON object.
Status ParseStreamChunk(std::string_view payload, bool want_text,
                        StreamChunk* out);

// What a chunk did to a request.
enum class ChunkEffect { kContinue, kDone, kFailed };

// Applies a parsed chunk that arrived at `arrival_ns` to `record`: token
// chunks (non-empty choices with text, or without a finish_reason; vLLM
// counts every chunk with choices, we do not count a final chunk that only
// carries finish_reason) append to chunk_ns; usage updates token counts and,
// when cumulative per chunk, chunk_tokens; an error payload fails it. The
// first system_fingerprint seen is kept in the record.
ChunkEffect ApplyChunk(const StreamChunk& chunk, int64_t arrival_ns,
                       bool capture_text, metrics::RequestRecord* record);

}  // namespace infx::client
