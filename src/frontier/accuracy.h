// Accuracy beside the performance points: the stored eval results of a run
// (store::EvalRecord, written by the eval module at chosen sweep points)
// summarised per filter (lm-eval's strict-match and flexible-extract, each
// with its standard error) and judged against a minimum score, as
// InferenceX's utils/evals/validate_scores.py does: every exact-match
// filter must reach the config's min score, else the eval FAILs. A config
// FAILs when any of its evals does. Configs state their min score in
// details["eval_min_score"] (written by `infx sweep`); without one the
// InferenceX default for GSM8K, 0.90, applies.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/results_store.h"

namespace infx::frontier {

// InferenceX thresholds.yaml `default: {gsm8k: 0.90}`.
inline constexpr double kDefaultMinScore = 0.90;

// One filter's accuracy over n questions.
struct FilterAccuracy {
  double accuracy = 0;        // correct / n (0 when n == 0)
  double standard_error = 0;  // lm-eval mean_stderr: sample sd / sqrt(n)
  int64_t correct = 0;
  int64_t n = 0;
};

// `correct` of `n` as lm-eval's mean and mean_stderr (sample standard
// deviation with n-1, over sqrt(n); 0 when n < 2), the same numbers as
// eval::SummarizeAccuracy.
FilterAccuracy SummarizeCorrect(int64_t correct, int64_t n);

// One stored eval, judged.
struct EvalAccuracy {
  int64_t eval_id = 0;
  std::string config_key;
  std::optional<int64_t> point_id;  // nullopt: config-level result
  int concurrency = 0;              // of the eval's point; 0 when none
  std::string task;
  // The stored headline (accuracy, stderr, num_questions of the record).
  FilterAccuracy headline;
  // Recomputed from the per-question outcomes' "strict_correct" /
  // "flexible_correct"; nullopt when the outcomes do not carry them.
  std::optional<FilterAccuracy> strict_match;
  std::optional<FilterAccuracy> flexible_extract;
  double min_score = kDefaultMinScore;
  // Every available filter >= min_score (only the headline when the
  // outcomes carry no per-filter result).
  bool pass = true;
};

// The evals of one run, in eval_id order.
struct RunAccuracy {
  std::vector<EvalAccuracy> evals;

  bool empty() const { return evals.empty(); }
  // The latest eval of `config_key` at `concurrency` (an eval applies to
  // every point of its config at its concurrency, whatever the workload:
  // GSM8K brings its own prompts). nullptr when none.
  const EvalAccuracy* AtPoint(const std::string& config_key,
                              double concurrency) const;
  // false when any eval of the config FAILs, true when all pass, nullopt
  // when the config has none.
  std::optional<bool> ConfigPasses(const std::string& config_key) const;
  // Configs with a failing eval, sorted.
  std::vector<std::string> FailedConfigs() const;
};

// The min score a config states (details["eval_min_score"]), else
// kDefaultMinScore.
double MinScoreOf(const store::ConfigRecord* config);

// Judges `evals` (of one run): each eval's concurrency comes from its point
// in `points`, its min score from its config in `configs`.
RunAccuracy SummarizeEvals(const std::vector<store::ConfigRecord>& configs,
                           const std::vector<store::PointRecord>& points,
                           const std::vector<store::EvalRecord>& evals);

// What a performance point shows: the verdict of its own eval (same config
// and concurrency) when it has one, else kConfigFail when another eval of
// its config FAILs, else kNone.
enum class PointStatus { kNone, kPass, kFail, kConfigFail };
PointStatus StatusAt(const RunAccuracy& accuracy, const std::string& config_key,
                     double concurrency);
// For machines: "pass", "fail", "config_fail", "" (kNone).
std::string StatusName(PointStatus status);
// For people: "PASS", "FAIL", "FAIL (config)", "-".
std::string StatusCell(PointStatus status);

// "PASS" / "FAIL".
std::string Verdict(bool pass);
// "0.912 +- 0.012" (3 decimals), "-" when absent.
std::string AccuracyCell(const std::optional<FilterAccuracy>& a);

// {"eval_id", "config_key", "concurrency", "point_id", "task",
//  "strict_match": {"accuracy", "stderr", "correct", "n"} | null,
//  "flexible_extract": {...} | null, "num_questions", "min_score", "pass"}
nlohmann::json EvalAccuracyJson(const EvalAccuracy& e);

}  // namespace infx::frontier
