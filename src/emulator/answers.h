// Answer-key mode (pipeline validation, not a model): a request whose prompt
// contains a question from a GSM8K-format JSONL key ({"question", "answer"}
// with the answer ending in "#### N") is answered with that number with
// probability p, else with a wrong number. The draw is deterministic per
// (seed, question). p is a constant or a step function of the running batch
// size ("1:0.95,64:0.80": 0.95 from 1 running request, 0.80 from 64), so
// that accuracy drift along the throughput curve can be shown detectable.
//
// Thread-safety: immutable after loading; Answer is const and safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"

namespace infx::emulator {

class AccuracySpec {
 public:
  // "0.9" or "1:0.95,64:0.80"; probabilities in [0, 1], thresholds >= 0
  // increasing.
  static Result<AccuracySpec> Parse(std::string_view spec);
  double At(int64_t running_batch) const;

 private:
  std::vector<std::pair<int64_t, double>> steps_;  // (min batch, p)
};

class AnswerKey {
 public:
  static Result<AnswerKey> Load(const std::string& path);

  struct Entry {
    std::string question;
    std::string answer_number;  // text after "####", trimmed, no commas
  };
  // The key question whose text occurs last in `prompt` (the longest one
  // when several start there); nullopt if none. Cost is linear in the prompt
  // length (a prefix index), not in the size of the key.
  std::optional<size_t> Match(std::string_view prompt) const;
  const Entry& entry(size_t i) const { return entries_[i]; }
  size_t size() const { return entries_.size(); }

  // "<reasoning>. The answer is N.\n#### N" with N right with probability p.
  std::string Reply(size_t entry, double p, uint64_t seed) const;

 private:
  // Characters of a question's start that index it.
  static constexpr size_t kPrefixChars = 24;
  void BuildIndex();

  std::vector<Entry> entries_;
  // First kPrefixChars of each question -> entries starting so.
  std::unordered_map<std::string, std::vector<size_t>> by_prefix_;
  std::vector<size_t> short_questions_;  // shorter than kPrefixChars
};

}  // namespace infx::emulator
