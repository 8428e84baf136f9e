// Change-point detection by e-divisive means with a t-test significance
// check, as Apache Otava (formerly Hunter; otava/analysis.py and
// change_point_divisive/, docs/MATH.md) does it:
// - Divergence: Matteson & James (2014) with alpha = 1 on a 1-D series,
//   Q(X, Y) = 2/(n+m) sum|X_i - Y_j| - 2m/((n+m)(n-1)) sum_{i<k}|X_i - X_k|
//                                     - 2n/((n+m)(m-1)) sum_{j<k}|Y_j - Y_k|
//   for X = Z[s:tau], Y = Z[tau:kappa]; the candidate in an interval is the
//   tau of the (tau, kappa) pair maximizing Q (first maximum, tau then
//   kappa ascending, as numpy's argmax).
// - Significance (Hunter's replacement of the permutation test): Student's
//   two-sided pooled t-test of the left vs right interval, std with ddof 0
//   as Otava passes np.std to ttest_ind_from_stats.
// - Split step: overlapping windows of `window` points (step window/2),
//   hierarchical bisection inside each window at the relaxed first-pass
//   p-value (10x the target below 0.05, as Otava), union of the "weak"
//   change points. Merge step: repeatedly drop the weakest point (largest
//   p-value above `max_p_value`, else the smallest relative change when it
//   is <= `min_magnitude`) and recompute the others' statistics.
// Index convention (Otava's): a change point is the index of the FIRST
// value after the change, so index 0 is never a change point.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

namespace infx::stats {

struct ChangePointOptions {
  size_t window = 50;          // Otava's default window_len
  double max_p_value = 0.001;  // Otava's default max_pvalue
  double min_magnitude = 0.0;  // minimum |relative change| to keep a point
};

struct ChangePoint {
  size_t index = 0;    // first value after the change
  double q_hat = 0;    // e-divisive divergence of the split
  double p_value = 1;  // t-test of [prev cp, index) vs [index, next cp)
  double mean_before = 0, mean_after = 0;
  double std_before = 0, std_after = 0;  // ddof 0
  size_t before_begin = 0;               // the interval compared on the left
  size_t after_end = 0;  // one past the interval compared on the right
  // mean_after / mean_before - 1 (0 when mean_before is 0).
  double RelativeChange() const;
};

// Best e-divisive split of series[begin, end): the index tau and its Q.
// Requires end - begin >= 2.
struct SplitCandidate {
  size_t index = 0;
  double q_hat = 0;
};
SplitCandidate BestSplit(const std::vector<double>& series, size_t begin,
                         size_t end);

// Otava's compute_change_points: change points sorted by index.
std::vector<ChangePoint> DetectChangePoints(const std::vector<double>& series,
                                            const ChangePointOptions& options);

}  // namespace infx::stats
