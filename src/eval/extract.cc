#include "eval/extract.h"

#include <cstddef>

namespace infx::eval {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// [0-9\.\,] in the strict patterns.
bool IsStrictClass(char c) { return IsDigit(c) || c == '.' || c == ','; }
// [$0-9.,] in the flexible pattern.
bool IsFlexClass(char c) { return IsStrictClass(c) || c == '$'; }
// Python str.strip() whitespace for ASCII text.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e' || c == '\x1f';
}

template <typename Pred>
size_t RunLength(std::string_view s, size_t from, Pred pred) {
  size_t end = from;
  while (end < s.size() && pred(s[end])) ++end;
  return end - from;
}

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// `(\-?[0-9\.\,]+)` at `p`, optionally followed by one character other than
// '\n' (the CoT pattern's trailing '.'), with Python's backtracking. Returns
// the group length or 0 when there is no match at `p`.
size_t MatchStrictNumber(std::string_view s, size_t p, bool needs_any_char) {
  const size_t sign = (p < s.size() && s[p] == '-') ? 1 : 0;
  const size_t run = RunLength(s, p + sign, IsStrictClass);
  if (run == 0) return 0;  // without the sign, '-' is not in the class
  if (!needs_any_char) return sign + run;
  const size_t after = p + sign + run;
  if (after < s.size() && s[after] != '\n') return sign + run;
  // Give the last class character to the trailing '.'.
  return run >= 2 ? sign + run - 1 : 0;
}

}  // namespace

std::string ExtractStrict(std::string_view response, StrictPattern pattern) {
  const std::string_view prefix =
      pattern == StrictPattern::kHashes ? "#### " : "The answer is ";
  const bool needs_any_char = pattern == StrictPattern::kAnswerIs;
  for (size_t at = response.find(prefix); at != std::string_view::npos;
       at = response.find(prefix, at + 1)) {
    const size_t p = at + prefix.size();
    const size_t len = MatchStrictNumber(response, p, needs_any_char);
    if (len > 0) return std::string(Strip(response.substr(p, len)));
  }
  return std::string(kInvalidAnswer);
}

std::string ExtractFlexible(std::string_view s) {
  std::string_view last;
  size_t i = 0;
  while (i < s.size()) {
    const size_t sign = s[i] == '-' ? 1 : 0;
    // Alternative 1: -?[$0-9.,]{2,}
    const size_t flex = RunLength(s, i + sign, IsFlexClass);
    size_t len = 0;
    if (flex >= 2) {
      len = sign + flex;
    } else {
      // Alternative 2: -?[0-9]+
      const size_t digits = RunLength(s, i + sign, IsDigit);
      if (digits >= 1) len = sign + digits;
    }
    if (len == 0) {
      ++i;
      continue;
    }
    last = s.substr(i, len);
    i += len;
  }
  if (last.empty()) return std::string(kInvalidAnswer);
  return std::string(Strip(last));
}

std::string NormalizeForExactMatch(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != ',' && c != '$') out.push_back(c);
  }
  // (?s).*#### : everything up to the last "#### ".
  const size_t hashes = out.rfind("#### ");
  if (hashes != std::string::npos) out.erase(0, hashes + 5);
  // \.$ : a period at the end, or just before a final newline.
  if (!out.empty() && out.back() == '.') {
    out.pop_back();
  } else if (out.size() >= 2 && out.back() == '\n' &&
             out[out.size() - 2] == '.') {
    out.erase(out.size() - 2, 1);
  }
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ReferenceAnswer(std::string_view gsm8k_answer) {
  const size_t at = gsm8k_answer.rfind("####");
  if (at == std::string_view::npos) return std::string(Strip(gsm8k_answer));
  return std::string(Strip(gsm8k_answer.substr(at + 4)));
}

bool ExactMatch(std::string_view extracted, std::string_view reference) {
  return NormalizeForExactMatch(extracted) == NormalizeForExactMatch(reference);
}

ScoredResponse ScoreResponse(std::string_view response,
                             std::string_view reference,
                             StrictPattern pattern) {
  // gsm8k compares against the full answer text ("{{answer}}"), gsm8k_cot
  // against answer.split('####')[-1].strip().
  const std::string target = pattern == StrictPattern::kHashes
                                 ? std::string(reference)
                                 : ReferenceAnswer(reference);
  ScoredResponse scored;
  scored.strict_answer = ExtractStrict(response, pattern);
  scored.flexible_answer = ExtractFlexible(response);
  scored.strict_correct = ExactMatch(scored.strict_answer, target);
  scored.flexible_correct = ExactMatch(scored.flexible_answer, target);
  return scored;
}

}  // namespace infx::eval
