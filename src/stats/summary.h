// Descriptive statistics over plain vectors of doubles: mean, median,
// sample variance (n - 1), coefficient of variation, and the pooled noise
// estimate that the living-benchmark tests fall back on when a run has few
// repetitions: the within-group standard deviation pooled over groups
// (e.g. the repetitions of each past run of one series),
//   s_p^2 = sum_g (n_g - 1) s_g^2 / sum_g (n_g - 1),  df = sum_g (n_g - 1).
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

namespace infx::stats {

// NaN for an empty input.
double Mean(const std::vector<double>& values);
// Middle value (mean of the two middle values for even n); NaN when empty.
double Median(std::vector<double> values);
// Unbiased sample variance; NaN for n < 2.
double SampleVariance(const std::vector<double>& values);
double SampleStd(const std::vector<double>& values);
// Sample standard deviation over the mean; NaN for n < 2 or a zero mean.
double CoefficientOfVariation(const std::vector<double>& values);

struct PooledNoise {
  double std_dev = 0;  // pooled within-group standard deviation
  double df = 0;       // degrees of freedom; 0 = no estimate
  bool ok() const { return df > 0; }
};
// Groups with fewer than 2 values contribute nothing. Non-finite values are
// skipped.
PooledNoise PoolNoise(const std::vector<std::vector<double>>& groups);

}  // namespace infx::stats
