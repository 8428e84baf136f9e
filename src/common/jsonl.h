// JSON Lines reading: one JSON object per line, blank lines skipped, errors
// that name "<what>:<line>" (malformed lines are reported as ParseJson
// reports them).
//
// Thread-safety: pure function template.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/files.h"
#include "common/result.h"

namespace infx {

// Calls fn(object, "what:line") -> Status for each line of `text` that is
// not blank (only spaces, tabs, CR). Stops at the first malformed line
// (ParseError "what:line: malformed JSON at byte N: ..."), non-object line
// (ParseError "what:line: expected a JSON object") or error from fn.
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
    INFX_ASSIGN_OR_RETURN(nlohmann::json obj,
                          ParseJson(std::string(line), where));
    if (!obj.is_object()) {
      return Status::ParseError(where + ": expected a JSON object");
    }
    INFX_RETURN_IF_ERROR(fn(obj, where));
  }
  return Status::Ok();
}

}  // namespace infx
