// JSON Lines reading: one JSON object per line, blank lines skipped, errors
// that name "<what>:<line>".
//
// Thread-safety: pure function template.
#pragma once

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace infx {

// Calls fn(object, "what:line") -> Status for each non-blank line of `text`.
// Stops at the first malformed line, non-object line or error from fn.
template <typename Fn>
Status ForEachJsonObjectLine(const std::string& text, const std::string& what,
                             Fn fn) {
  size_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = what + ":" + std::to_string(line_no);
    nlohmann::json obj;
    try {
      obj = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      return Status::ParseError(where + ": " + e.what());
    }
    if (!obj.is_object()) {
      return Status::ParseError(where + ": expected a JSON object");
    }
    INFX_RETURN_IF_ERROR(fn(obj, where));
  }
  return Status::Ok();
}

}  // namespace infx
