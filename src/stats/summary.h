// Descriptive statistics over plain vectors of doubles: mean, median,
// sample variance (n - 1), coefficient of variation, and the pooled noise
// estimate that the living-benchmark tests fall back on when a run has few
// repetitions: the within-group standard deviation pooled over groups
// (e.g. the repetitions of each past run of one series),
//   s_p^2 = sum_g (n_g - 1) s_g^2 / sum_g (n_g - 1),  df = sum_g (n_g - 1).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
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

// Drops outliers (a repetition hit by a host hiccup) from groups of
// repeated measurements: a value of a group of >= 3 values is dropped when
// it lies more than `k` robust standard deviations from its group's median.
// The robust standard deviation is 1.4826 x the median absolute deviation
// from the group medians, over all groups of >= 3 values (the zero
// deviation of an odd group's median element left out); it needs >= 6 such
// deviations and must be > 0, else nothing is dropped. Groups of 1 or 2
// values are kept as they are (which of two is the outlier is unknowable).
// `dropped` (optional) receives the number dropped from each group.
std::vector<std::vector<double>> DropOutliers(
    const std::vector<std::vector<double>>& groups, double k,
    std::vector<size_t>* dropped = nullptr);

}  // namespace infx::stats
