#include "eval/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace infx::eval {
namespace {

// 97.5th percentile of the standard normal.
constexpr double kZ975 = 1.959963984540054;

// Mean and sample standard error of the mean of `values`.
void MeanAndStderr(const std::vector<double>& values, double* mean,
                   double* standard_error) {
  const size_t n = values.size();
  *mean = 0.0;
  *standard_error = 0.0;
  if (n == 0) return;
  double sum = 0.0;
  for (double v : values) sum += v;
  *mean = sum / static_cast<double>(n);
  if (n < 2) return;
  double squares = 0.0;
  for (double v : values) squares += (v - *mean) * (v - *mean);
  const double variance = squares / static_cast<double>(n - 1);
  *standard_error = std::sqrt(variance / static_cast<double>(n));
}

}  // namespace

AccuracySummary SummarizeAccuracy(const std::vector<bool>& correct) {
  AccuracySummary s;
  s.n = correct.size();
  std::vector<double> values(correct.begin(), correct.end());
  s.correct =
      static_cast<size_t>(std::count(correct.begin(), correct.end(), true));
  MeanAndStderr(values, &s.accuracy, &s.standard_error);
  return s;
}

double McNemarExactP(size_t b, size_t c) {
  const size_t n = b + c;
  if (n == 0) return 1.0;
  const size_t k = std::min(b, c);
  // P[X <= k] for X ~ Bin(n, 1/2), summed in log space.
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  const double log_n_fact = std::lgamma(static_cast<double>(n) + 1.0);
  double cdf = 0.0;
  for (size_t i = 0; i <= k; ++i) {
    const double log_choose = log_n_fact -
                              std::lgamma(static_cast<double>(i) + 1.0) -
                              std::lgamma(static_cast<double>(n - i) + 1.0);
    cdf += std::exp(log_choose + log_half_n);
  }
  return std::min(1.0, 2.0 * cdf);
}

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kBetter:
      return "better";
    case Verdict::kWorse:
      return "worse";
    case Verdict::kSame:
      break;
  }
  return "same";
}

PairedComparison ComparePaired(const std::vector<bool>& a,
                               const std::vector<bool>& b, double alpha) {
  assert(a.size() == b.size());
  PairedComparison cmp;
  cmp.n = a.size();
  cmp.alpha = alpha;
  std::vector<double> diffs(cmp.n);
  size_t correct_a = 0;
  size_t correct_b = 0;
  for (size_t i = 0; i < cmp.n; ++i) {
    correct_a += a[i] ? 1 : 0;
    correct_b += b[i] ? 1 : 0;
    if (a[i] && !b[i]) ++cmp.only_a_correct;
    if (!a[i] && b[i]) ++cmp.only_b_correct;
    diffs[i] = static_cast<double>(b[i]) - static_cast<double>(a[i]);
  }
  if (cmp.n > 0) {
    cmp.accuracy_a = static_cast<double>(correct_a) / cmp.n;
    cmp.accuracy_b = static_cast<double>(correct_b) / cmp.n;
  }
  MeanAndStderr(diffs, &cmp.difference, &cmp.standard_error);
  cmp.ci95_low = cmp.difference - kZ975 * cmp.standard_error;
  cmp.ci95_high = cmp.difference + kZ975 * cmp.standard_error;
  cmp.p_value = McNemarExactP(cmp.only_a_correct, cmp.only_b_correct);
  if (cmp.p_value < alpha) {
    cmp.verdict = cmp.only_b_correct > cmp.only_a_correct ? Verdict::kBetter
                                                          : Verdict::kWorse;
  }
  return cmp;
}

}  // namespace infx::eval
