#include "metrics/request_record.h"

namespace infx::metrics {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "none";
    case ErrorKind::kConnectRefused:
      return "connect_refused";
    case ErrorKind::kConnectFailed:
      return "connect_failed";
    case ErrorKind::kHttpStatus:
      return "http_status";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kStreamDropped:
      return "stream_dropped";
    case ErrorKind::kMalformedEvent:
      return "malformed_event";
    case ErrorKind::kServerError:
      return "server_error";
    case ErrorKind::kIo:
      return "io_error";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kNoTokens:
      return "no_tokens";
    case ErrorKind::kEventTooLarge:
      return "event_too_large";
  }
  return "unknown";
}

int64_t RequestRecord::OutputTokens() const {
  if (usage_completion_tokens >= 0) return usage_completion_tokens;
  if (chunk_tokens.empty()) return static_cast<int64_t>(chunk_ns.size());
  int64_t sum = 0;
  for (int32_t n : chunk_tokens) sum += n;
  return sum;
}

int64_t RequestRecord::PromptTokens() const {
  return usage_prompt_tokens >= 0 ? usage_prompt_tokens : prompt_len;
}

}  // namespace infx::metrics
