#include "perf/moe.h"

#include <algorithm>
#include <cmath>

namespace infx::perf {
namespace {

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Phi^-1(p) for p in (0.5, 1) by Newton's method from the tail asymptote;
// called once per deployment, not per step.
double NormalQuantileUpper(double p) {
  double x = std::sqrt(-2.0 * std::log(1.0 - p));
  const double inv_sqrt_2pi = 1.0 / std::sqrt(2.0 * M_PI);
  for (int i = 0; i < 50; ++i) {
    const double pdf = inv_sqrt_2pi * std::exp(-0.5 * x * x);
    const double step = (NormalCdf(x) - p) / pdf;
    x -= step;
    if (std::abs(step) < 1e-12) break;
  }
  return x;
}

}  // namespace

double ExpectedDistinctExperts(double tokens, double experts, double top_k) {
  if (tokens <= 0 || experts <= 0 || top_k <= 0) return 0;
  const double k = std::min(top_k, experts);
  return experts * (1.0 - std::pow(1.0 - k / experts, tokens));
}

double ExpectedMaxStandardNormal(int n) {
  // Exact values for small n (quadrature of x n phi Phi^(n-1)), where
  // Blom's approximation is 2-5% high; beyond, it is within 1%.
  static constexpr double kExact[] = {
      0, 0, 0.56419, 0.84628, 1.02938, 1.16296, 1.26721, 1.35218, 1.42360};
  if (n <= 1) return 0;
  if (n <= 8) return kExact[n];
  const double m = static_cast<double>(n);
  return NormalQuantileUpper((m - 0.375) / (m + 0.25));
}

double ExpertLoadModel::TokenImbalance(double tokens) const {
  if (ep <= 1 || tokens <= 0) return 1.0;
  const double rel_sd = std::sqrt(stat_coeff / tokens + systematic_var);
  return std::min(token_cap, 1.0 + z * rel_sd);
}

double ExpertLoadModel::WeightImbalance(double distinct) const {
  if (ep <= 1 || experts_per_rank <= 0 || distinct <= 0) return 1.0;
  const double q = std::min(1.0, distinct / (experts_per_rank * ep));
  const double rel_sd = std::sqrt((1.0 - q) / (experts_per_rank * q));
  return std::min(1.0 / q, 1.0 + z * rel_sd);
}

ExpertLoadModel MakeExpertLoadModel(double experts, double top_k, int ep,
                                    double expert_load_cv) {
  ExpertLoadModel m;
  if (experts <= 0 || top_k <= 0 || ep <= 1) return m;
  const double e = experts;
  const double k = std::min(top_k, e);
  const double ranks = std::min(static_cast<double>(ep), e);
  m.ep = static_cast<int>(ranks);
  m.experts_per_rank = e / ranks;
  m.z = ExpectedMaxStandardNormal(m.ep);
  m.stat_coeff = e > 1 ? (ranks - 1.0) * (e - k) / ((e - 1.0) * k) : 0.0;
  const double cv = std::max(0.0, expert_load_cv);
  m.systematic_var = e > 1 ? cv * cv * (ranks - 1.0) / (e - 1.0) : 0.0;
  m.token_cap = ranks * std::min(k, m.experts_per_rank) / k;
  return m;
}

}  // namespace infx::perf
