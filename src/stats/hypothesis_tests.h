// Two-sample tests for comparing repetitions of a benchmark:
// - Welch's unequal-variance t-test (Welch-Satterthwaite df), as
//   scipy.stats.ttest_ind(a, b, equal_var=False);
// - a t-test with an external noise estimate (the pooled within-run noise
//   of a series' history, summary.h) for when repetitions are few;
// - Student's pooled t-test from summary statistics, as
//   scipy.stats.ttest_ind_from_stats(equal_var=True) (Otava's check);
// - the Mann-Whitney U test, two-sided: EXACT null distribution (Gaussian
//   binomial coefficients) when there are no ties and na * nb <= 2500,
//   else the normal approximation with tie correction and continuity
//   correction (scipy.stats.mannwhitneyu method="asymptotic").
// Statistics are signed "b minus a": positive when b is larger.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

namespace infx::stats {

struct TTestResult {
  double t = 0;                // (mean_b - mean_a) / standard_error
  double df = 0;               // degrees of freedom
  double p_value = 1;          // two-sided
  double mean_difference = 0;  // mean_b - mean_a
  double standard_error = 0;
  bool valid = false;  // false when the inputs cannot be tested (n too small)
};

// A t-test from a difference, its standard error and degrees of freedom
// (se 0: p = 1 for a zero difference, else 0).
TTestResult TTestFromDifference(double difference, double standard_error,
                                double df);

// Needs >= 2 values in each sample. Zero variance in both: p = 1 when the
// means are equal, 0 otherwise (t = +-inf).
TTestResult WelchTTest(const std::vector<double>& a,
                       const std::vector<double>& b);

// Difference of means judged against a known noise standard deviation
// `noise_std` of one value with `noise_df` degrees of freedom:
// se = noise_std * sqrt(1/na + 1/nb), t ~ t(noise_df). Needs >= 1 value in
// each sample and noise_df > 0.
TTestResult TTestWithNoise(const std::vector<double>& a,
                           const std::vector<double>& b, double noise_std,
                           double noise_df);

// Student's two-sample t-test with pooled variance from summary statistics
// (std values are plugged in as given, like scipy's ttest_ind_from_stats).
TTestResult StudentTTestFromStats(double mean_a, double std_a, double n_a,
                                  double mean_b, double std_b, double n_b);

struct MannWhitneyResult {
  double u = 0;        // U of sample b: pairs with b > a, ties count 1/2
  double p_value = 1;  // two-sided
  bool exact = false;  // true = exact distribution, false = normal approx.
  bool valid = false;  // false when either sample is empty
};
MannWhitneyResult MannWhitneyU(const std::vector<double>& a,
                               const std::vector<double>& b);

}  // namespace infx::stats
