#include "http/sse.h"

namespace infx::http {

void AppendSseEvent(std::string& out, std::string_view payload) {
  out.reserve(out.size() + payload.size() + 8);
  out.append("data: ");
  for (char c : payload) {
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else {
      out.push_back(c);
    }
  }
  out.append("\n\n");
}

std::string SseEvent(std::string_view payload) {
  std::string out;
  AppendSseEvent(out, payload);
  return out;
}

}  // namespace infx::http
