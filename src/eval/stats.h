// Statistics for accuracy runs: the mean with lm-eval's standard error
// (lm_eval.api.metrics.mean_stderr: sample standard deviation, n-1, over
// sqrt(n)), and the paired comparison of two runs over the same questions:
// mean paired difference with its standard error and normal 95% CI, and
// McNemar's exact test (two-sided binomial test on the discordant pairs,
// p = min(1, 2 * P[X <= min(b, c)]), X ~ Bin(b + c, 1/2)).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace infx::eval {

struct AccuracySummary {
  size_t n = 0;
  size_t correct = 0;
  double accuracy = 0.0;        // correct / n (0 when n == 0)
  double standard_error = 0.0;  // sample stddev / sqrt(n) (0 when n < 2)
};

AccuracySummary SummarizeAccuracy(const std::vector<bool>& correct);

// Two-sided exact McNemar p-value for `b` pairs right only in A and `c`
// right only in B. 1.0 when there are no discordant pairs.
double McNemarExactP(size_t b, size_t c);

enum class Verdict { kSame, kBetter, kWorse };
std::string VerdictName(Verdict v);  // "same", "better", "worse"

// B relative to A: "better" means B is more accurate.
struct PairedComparison {
  size_t n = 0;  // paired questions
  double accuracy_a = 0.0;
  double accuracy_b = 0.0;
  double difference = 0.0;      // accuracy_b - accuracy_a
  double standard_error = 0.0;  // of the mean paired difference
  double ci95_low = 0.0;
  double ci95_high = 0.0;
  size_t only_a_correct = 0;  // discordant: A right, B wrong
  size_t only_b_correct = 0;  // discordant: A wrong, B right
  double p_value = 1.0;       // McNemar exact
  double alpha = 0.05;
  Verdict verdict = Verdict::kSame;  // by p_value < alpha and the sign
};

// `a` and `b` are per-question outcomes in the same order (same sizes).
PairedComparison ComparePaired(const std::vector<bool>& a,
                               const std::vector<bool>& b, double alpha);

}  // namespace infx::eval
