// Answer extraction and scoring for GSM8K exactly as lm-evaluation-harness
// does it (lm_eval/tasks/gsm8k/gsm8k.yaml and gsm8k-cot.yaml, metadata
// version 3.0):
//   strict-match      gsm8k:     first match of  #### (\-?[0-9\.\,]+)
//                     gsm8k_cot: first match of  The answer is (\-?[0-9\.\,]+).
//   flexible-extract  both:      last match of   (-?[$0-9.,]{2,})|(-?[0-9]+)
// A response without a match extracts to "[invalid]" (RegexFilter fallback).
// exact_match then applies regexes_to_ignore [",", "\$", "(?s).*#### ",
// "\.$"] with re.sub to both the extraction and the reference, lowercases
// both (ignore_case) and compares the strings.
//
// The patterns are implemented as hand-written scanners with the same
// leftmost/greedy/backtracking semantics as Python's `re` (findall), so
// scoring needs no regex engine and runs in microseconds per response.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace infx::eval {

// lm-eval's RegexFilter fallback when the pattern does not match.
inline constexpr std::string_view kInvalidAnswer = "[invalid]";

// Which strict-match pattern applies.
enum class StrictPattern {
  kHashes,    // gsm8k:     "#### N"
  kAnswerIs,  // gsm8k_cot: "The answer is N."
};

// strict-match extraction (take_first); kInvalidAnswer if none.
std::string ExtractStrict(std::string_view response, StrictPattern pattern);
// flexible-extract (group_select -1, first non-empty group); kInvalidAnswer
// if the response holds no number.
std::string ExtractFlexible(std::string_view response);

// exact_match normalisation: re.sub of ",", "\$", "(?s).*#### ", "\.$" in
// that order, then lowercase (ASCII, as Python's lower() on these strings).
std::string NormalizeForExactMatch(std::string_view text);

// The GSM8K reference answer: the text after the last "####", stripped
// (lm-eval gsm8k_cot doc_to_target). "...\n#### 1,000" -> "1,000".
std::string ReferenceAnswer(std::string_view gsm8k_answer);

// exact_match of one extraction against a reference (full GSM8K answer text
// or a bare number); both are normalised first.
bool ExactMatch(std::string_view extracted, std::string_view reference);

// Both filters and their scores for one response.
struct ScoredResponse {
  std::string strict_answer;    // extraction or "[invalid]"
  std::string flexible_answer;  // extraction or "[invalid]"
  bool strict_correct = false;
  bool flexible_correct = false;
};

ScoredResponse ScoreResponse(std::string_view response,
                             std::string_view reference, StrictPattern pattern);

}  // namespace infx::eval
