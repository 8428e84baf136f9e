// GSM8K data: the JSONL files of openai/grade-school-math (one object per
// line with "question" and "answer", the answer ending in "#### N"), loaded
// from a user-supplied path. The product never assumes where the data lives.
//
// Thread-safety: pure functions over files; results are plain values.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::eval {

struct Gsm8kItem {
  std::string question;
  std::string answer;  // full solution text ending in "#### N"
};

// Parses GSM8K JSONL text. `what` names the source in errors
// ("test.jsonl:12: missing string field 'answer'"). Blank lines are skipped.
Result<std::vector<Gsm8kItem>> ParseGsm8kJsonl(const std::string& text,
                                               const std::string& what);

// Loads one split. `path` is either a .jsonl file or a directory holding
// "<split>.jsonl" (split = "test" or "train"). NotFound names the path.
Result<std::vector<Gsm8kItem>> LoadGsm8kSplit(const std::filesystem::path& path,
                                              const std::string& split);

}  // namespace infx::eval
