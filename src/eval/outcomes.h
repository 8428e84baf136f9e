// Per-question eval outcomes: what was asked, what came back, both lm-eval
// extractions and their scores. Outcomes are the unit that is stored (JSONL
// file, or the results store in a sweep), re-scored offline and compared.
// Also: the run summary (accuracy +- stderr per filter, no-number rate,
// throughput) and pairing of two runs by question text for `compare`.
//
// JSONL schema (one object per question; docs/eval.md):
//   {"doc_id": int, "question": str, "reference": str, "response": str,
//    "strict_answer": str, "flexible_answer": str, "strict_correct": bool,
//    "flexible_correct": bool, "error": str|null, "prompt_tokens": int,
//    "completion_tokens": int, "latency_ms": number}
//
// Thread-safety: pure functions over values and files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "eval/extract.h"
#include "eval/gsm8k_data.h"
#include "eval/stats.h"

namespace infx::eval {

struct QuestionOutcome {
  size_t doc_id = 0;
  std::string question;
  std::string reference;  // GSM8K answer text (or bare number)
  std::string response;   // generated text, stop sequences cut
  std::string strict_answer;
  std::string flexible_answer;
  bool strict_correct = false;
  bool flexible_correct = false;
  std::string error;  // non-empty when the request failed (scored wrong)
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double latency_ms = 0.0;
};

// Scores `response` against `reference` and fills the extraction fields.
QuestionOutcome MakeOutcome(size_t doc_id, const Gsm8kItem& item,
                            std::string response, StrictPattern pattern);

nlohmann::json OutcomeToJson(const QuestionOutcome& outcome);
Result<QuestionOutcome> OutcomeFromJson(const nlohmann::json& obj,
                                        const std::string& where);
Status WriteOutcomesJsonl(const std::filesystem::path& path,
                          const std::vector<QuestionOutcome>& outcomes);
Result<std::vector<QuestionOutcome>> ReadOutcomesJsonl(
    const std::filesystem::path& path);

// Which filter a headline number or a comparison uses.
enum class Filter { kStrictMatch, kFlexibleExtract };
Result<Filter> ParseFilter(const std::string& name);  // "strict-match", ...
std::string FilterName(Filter f);

struct EvalSummary {
  std::string task;
  AccuracySummary strict_match;
  AccuracySummary flexible_extract;
  double no_number_rate = 0.0;       // flexible-extract found no number
  double strict_invalid_rate = 0.0;  // strict-match found no answer
  size_t errors = 0;                 // failed requests (counted as wrong)
  double duration_s = 0.0;           // 0 for offline scoring
  double requests_per_s = 0.0;
  double output_tokens_per_s = 0.0;
};

EvalSummary Summarize(const std::string& task,
                      const std::vector<QuestionOutcome>& outcomes,
                      double duration_s);
nlohmann::json SummaryToJson(const EvalSummary& summary);

// Offline scoring: JSONL with one object per line holding the question and
// the response text, as {"question", "response"[, "answer"]} or lm-eval's
// --log_samples form {"doc": {"question", "answer"}, "resps": [[text]]}.
// The reference is the object's "answer" (or "target"), else looked up by
// question text in `answer_key` (may be empty); NotFound names the line.
Result<std::vector<QuestionOutcome>> ScoreResponsesJsonl(
    const std::string& text, const std::string& what,
    const std::vector<Gsm8kItem>& answer_key, StrictPattern pattern);

// Two runs paired by question text. InvalidArgument when no question is in
// both; `unpaired` counts questions present in only one run.
struct OutcomeComparison {
  PairedComparison paired;
  Filter filter = Filter::kStrictMatch;
  size_t unpaired = 0;
};
Result<OutcomeComparison> CompareOutcomes(const std::vector<QuestionOutcome>& a,
                                          const std::vector<QuestionOutcome>& b,
                                          Filter filter, double alpha);
nlohmann::json ComparisonToJson(const OutcomeComparison& cmp);

}  // namespace infx::eval
