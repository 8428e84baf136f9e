#include "stats/hypothesis_tests.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "stats/distributions.h"
#include "stats/summary.h"

namespace infx::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Fills t and p from a difference and its standard error.
TTestResult FromDifference(double difference, double se, double df) {
  TTestResult r;
  r.mean_difference = difference;
  r.standard_error = se;
  r.df = df;
  r.valid = true;
  if (se == 0) {
    r.t = difference == 0 ? 0 : (difference > 0 ? kInf : -kInf);
    r.p_value = difference == 0 ? 1.0 : 0.0;
    return r;
  }
  r.t = difference / se;
  r.p_value = StudentTTwoSidedP(r.t, df);
  return r;
}

// Coefficients of the Gaussian binomial [m + n choose m]_q: entry u is the
// number of orderings of m a's and n b's whose U statistic equals u.
std::vector<double> UCounts(size_t m, size_t n) {
  std::vector<double> poly(m * n + 1, 0.0);
  poly[0] = 1.0;
  for (size_t i = 1; i <= m; ++i) {
    const size_t up = n + i;  // multiply by (1 - q^(n+i))
    for (size_t k = poly.size(); k-- > up;) poly[k] -= poly[k - up];
    for (size_t k = i; k < poly.size(); ++k)
      poly[k] += poly[k - i];  // / (1-q^i)
  }
  return poly;
}

}  // namespace

TTestResult TTestFromDifference(double difference, double standard_error,
                                double df) {
  return FromDifference(difference, standard_error, df);
}

TTestResult WelchTTest(const std::vector<double>& a,
                       const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2) return {};
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  const double va = SampleVariance(a) / na;
  const double vb = SampleVariance(b) / nb;
  const double se = std::sqrt(va + vb);
  const double denominator = va * va / (na - 1) + vb * vb / (nb - 1);
  const double df =
      denominator > 0 ? (va + vb) * (va + vb) / denominator : na + nb - 2;
  return FromDifference(Mean(b) - Mean(a), se, df);
}

TTestResult TTestWithNoise(const std::vector<double>& a,
                           const std::vector<double>& b, double noise_std,
                           double noise_df) {
  if (a.empty() || b.empty() || !(noise_df > 0) || !(noise_std >= 0)) {
    return {};
  }
  const double se = noise_std * std::sqrt(1.0 / static_cast<double>(a.size()) +
                                          1.0 / static_cast<double>(b.size()));
  return FromDifference(Mean(b) - Mean(a), se, noise_df);
}

TTestResult StudentTTestFromStats(double mean_a, double std_a, double n_a,
                                  double mean_b, double std_b, double n_b) {
  if (n_a < 1 || n_b < 1 || n_a + n_b <= 2) return {};
  const double df = n_a + n_b - 2;
  const double pooled_var =
      ((n_a - 1) * std_a * std_a + (n_b - 1) * std_b * std_b) / df;
  const double se = std::sqrt(pooled_var * (1.0 / n_a + 1.0 / n_b));
  return FromDifference(mean_b - mean_a, se, df);
}

MannWhitneyResult MannWhitneyU(const std::vector<double>& a,
                               const std::vector<double>& b) {
  MannWhitneyResult r;
  if (a.empty() || b.empty()) return r;
  r.valid = true;
  // Midranks of the pooled sample; tie groups for the variance correction.
  std::vector<std::pair<double, bool>> pooled;  // value, is_b
  for (double v : a) pooled.push_back({v, false});
  for (double v : b) pooled.push_back({v, true});
  std::sort(pooled.begin(), pooled.end());
  const double n = static_cast<double>(pooled.size());
  double rank_sum_b = 0, tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < pooled.size();) {
    size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank =
        (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_b += midrank;
    }
    if (t > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }
  const double na = static_cast<double>(a.size());
  const double nb = static_cast<double>(b.size());
  r.u = rank_sum_b - nb * (nb + 1) / 2;
  if (!ties && a.size() * b.size() <= 2500) {
    const auto counts = UCounts(a.size(), b.size());
    double total = 0, below = 0, above = 0;
    const size_t u = static_cast<size_t>(std::llround(r.u));
    for (size_t k = 0; k < counts.size(); ++k) {
      total += counts[k];
      if (k <= u) below += counts[k];
      if (k >= u) above += counts[k];
    }
    r.exact = true;
    r.p_value = std::min(1.0, 2.0 * std::min(below, above) / total);
    return r;
  }
  const double mean_u = na * nb / 2;
  const double var_u = na * nb / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (var_u <= 0) {
    r.p_value = 1.0;
    return r;
  }
  const double z =
      std::max(0.0, std::fabs(r.u - mean_u) - 0.5) / std::sqrt(var_u);
  r.p_value = std::min(1.0, 2.0 * NormalCdf(-z));
  return r;
}

}  // namespace infx::stats
