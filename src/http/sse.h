// Server-Sent Events framing as OpenAI-compatible servers (vLLM) send it:
// each event is "data: <payload>\n\n" and a stream ends with
// "data: [DONE]\n\n". Payloads must not contain newlines (compact JSON).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace infx::http {

inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";
inline constexpr std::string_view kSseContentType =
    "text/event-stream; charset=utf-8";

// "data: " + payload + "\n\n". A newline inside payload would split the
// event, so each one is escaped as "\\n".
std::string SseEvent(std::string_view payload);
// Appends SseEvent(payload) to out (avoids a temporary on the hot path).
void AppendSseEvent(std::string& out, std::string_view payload);

}  // namespace infx::http
