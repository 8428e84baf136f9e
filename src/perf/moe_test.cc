#include "perf/moe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace infx::perf {
namespace {

// Monte Carlo of uniform top-k routing: per step, `tokens` tokens each pick
// `k` distinct experts of `experts`; experts sit on `ep` ranks in contiguous
// blocks. Returns the mean over steps of (busiest rank / mean rank) for the
// (token, expert) assignments and for the distinct experts touched, and the
// mean number of distinct experts touched.
struct Simulated {
  double token_imbalance = 0;
  double weight_imbalance = 0;
  double distinct = 0;
};

Simulated Simulate(int experts, int k, int ep, int tokens, int steps) {
  std::mt19937 rng(42);
  std::vector<int> ids(static_cast<size_t>(experts));
  Simulated s;
  const int per_rank = experts / ep;
  for (int step = 0; step < steps; ++step) {
    std::vector<int> load(static_cast<size_t>(ep), 0);
    std::vector<char> touched(static_cast<size_t>(experts), 0);
    for (int t = 0; t < tokens; ++t) {
      std::iota(ids.begin(), ids.end(), 0);
      for (int j = 0; j < k; ++j) {  // partial Fisher-Yates: k distinct
        std::uniform_int_distribution<int> pick(j, experts - 1);
        std::swap(ids[j], ids[pick(rng)]);
        ++load[ids[j] / per_rank];
        touched[ids[j]] = 1;
      }
    }
    const double mean_load = static_cast<double>(tokens) * k / ep;
    s.token_imbalance +=
        *std::max_element(load.begin(), load.end()) / mean_load;
    std::vector<int> distinct(static_cast<size_t>(ep), 0);
    for (int e = 0; e < experts; ++e) distinct[e / per_rank] += touched[e];
    const int total = std::accumulate(distinct.begin(), distinct.end(), 0);
    s.distinct += total;
    s.weight_imbalance += *std::max_element(distinct.begin(), distinct.end()) /
                          (static_cast<double>(total) / ep);
  }
  s.token_imbalance /= steps;
  s.weight_imbalance /= steps;
  s.distinct /= steps;
  return s;
}

TEST(MoeTest, DistinctExpertsFormula) {
  // One token touches exactly k experts; a huge batch touches all of them.
  EXPECT_NEAR(ExpectedDistinctExperts(1, 128, 8), 8.0, 1e-9);
  EXPECT_NEAR(ExpectedDistinctExperts(1e6, 128, 8), 128.0, 1e-9);
  // Two tokens: E (1 - (1 - k/E)^2) = 8 + 8 - 8*8/128.
  EXPECT_NEAR(ExpectedDistinctExperts(2, 128, 8), 15.5, 1e-9);
  // Every expert active per token: all are touched by any batch.
  EXPECT_NEAR(ExpectedDistinctExperts(3, 8, 8), 8.0, 1e-9);
  EXPECT_EQ(ExpectedDistinctExperts(0, 128, 8), 0);
  double last = 0;
  for (double t : {1.0, 2.0, 8.0, 32.0, 128.0, 512.0}) {
    const double d = ExpectedDistinctExperts(t, 256, 8);
    EXPECT_GT(d, last) << t;
    EXPECT_LE(d, std::min(256.0, 8 * t)) << t;
    last = d;
  }
  // Against sampling.
  for (int tokens : {1, 4, 16, 64}) {
    const Simulated s = Simulate(128, 8, 8, tokens, 2000);
    EXPECT_NEAR(ExpectedDistinctExperts(tokens, 128, 8) / s.distinct, 1.0, 0.01)
        << tokens;
  }
}

// E[max of n standard normals] by quadrature: integral of
// x n phi(x) Phi(x)^(n-1).
double MaxNormalByQuadrature(int n) {
  const double h = 1e-3;
  double sum = 0;
  for (double x = -10; x < 10; x += h) {
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
    const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
    sum += x * n * pdf * std::pow(cdf, n - 1) * h;
  }
  return sum;
}

TEST(MoeTest, ExpectedMaxOfNormalsMatchesQuadrature) {
  EXPECT_EQ(ExpectedMaxStandardNormal(1), 0);
  EXPECT_NEAR(ExpectedMaxStandardNormal(2), 1 / std::sqrt(M_PI), 0.01);
  double last = 0;
  for (int n : {2, 3, 4, 8, 9, 16, 32, 72, 256}) {
    const double z = ExpectedMaxStandardNormal(n);
    EXPECT_NEAR(z / MaxNormalByQuadrature(n), 1.0, 0.01) << n;
    EXPECT_GT(z, last) << n;
    last = z;
  }
}

TEST(MoeTest, TokenImbalanceFallsWithBatchRisesWithExpertsAndRanks) {
  // No expert parallelism: every GPU holds a slice of every expert.
  EXPECT_EQ(MakeExpertLoadModel(128, 8, 1, 0).TokenImbalance(64), 1.0);
  const ExpertLoadModel m = MakeExpertLoadModel(128, 8, 8, 0);
  double last = 1e9;
  for (double t : {1.0, 16.0, 256.0, 2048.0, 16384.0}) {
    const double f = m.TokenImbalance(t);
    EXPECT_GT(f, 1.0) << t;
    EXPECT_LT(f, last) << t;
    last = f;
  }
  EXPECT_LT(m.TokenImbalance(1e9), 1.001);
  // More experts at the same top-k and EP: less negative correlation inside
  // a token's picks, more variance (Mixtral-like 8 experts vs 128).
  EXPECT_LT(MakeExpertLoadModel(8, 2, 8, 0).TokenImbalance(256),
            MakeExpertLoadModel(128, 2, 8, 0).TokenImbalance(256));
  // More ranks: a busier busiest rank.
  EXPECT_LT(MakeExpertLoadModel(256, 8, 8, 0).TokenImbalance(256),
            MakeExpertLoadModel(256, 8, 32, 0).TokenImbalance(256));
  // The busiest rank takes at most min(k, E/ep) per token.
  const ExpertLoadModel wide = MakeExpertLoadModel(16, 8, 8, 0);
  EXPECT_LE(wide.TokenImbalance(1), 8 * 2 / 8.0);
}

TEST(MoeTest, SkewedPopularityLeavesImbalanceAtLargeBatch) {
  const ExpertLoadModel uniform = MakeExpertLoadModel(128, 8, 8, 0);
  const ExpertLoadModel skewed = MakeExpertLoadModel(128, 8, 8, 0.5);
  EXPECT_GT(skewed.TokenImbalance(2048), uniform.TokenImbalance(2048));
  // 1 + z cv sqrt((ep - 1)/(E - 1)) as the batch grows without bound.
  const double floor =
      1 + ExpectedMaxStandardNormal(8) * 0.5 * std::sqrt(7.0 / 127.0);
  EXPECT_NEAR(skewed.TokenImbalance(1e12), floor, 1e-6);
}

TEST(MoeTest, ImbalanceMatchesSampledUniformRouting) {
  // Qwen3-235B-like routing (128 experts, top-8) on EP8 and DeepSeek-like
  // (256, top-8) on EP16: the predicted excess of the busiest rank over the
  // mean is within 15% of the sampled one.
  struct Case {
    int experts, k, ep, tokens;
  };
  for (const Case& c : {Case{128, 8, 8, 16}, Case{128, 8, 8, 256},
                        Case{256, 8, 16, 64}, Case{8, 2, 8, 64}}) {
    const Simulated s = Simulate(c.experts, c.k, c.ep, c.tokens, 2000);
    const ExpertLoadModel m = MakeExpertLoadModel(c.experts, c.k, c.ep, 0);
    const double predicted = m.TokenImbalance(c.tokens) - 1;
    EXPECT_NEAR(predicted / (s.token_imbalance - 1), 1.0, 0.15)
        << c.experts << " experts, ep " << c.ep << ", " << c.tokens
        << " tokens: sampled " << s.token_imbalance << " predicted "
        << 1 + predicted;
  }
}

TEST(MoeTest, WeightImbalanceIsLargeAtLowBatchAndVanishesWhenAllTouched) {
  const ExpertLoadModel m = MakeExpertLoadModel(256, 8, 8, 0);
  EXPECT_EQ(MakeExpertLoadModel(256, 8, 1, 0).WeightImbalance(8), 1.0);
  EXPECT_NEAR(m.WeightImbalance(256), 1.0, 1e-12);
  double last = 1e9;
  for (double t : {1.0, 4.0, 32.0, 256.0}) {
    const double f = m.WeightImbalance(ExpectedDistinctExperts(t, 256, 8));
    EXPECT_LT(f, last) << t;
    last = f;
  }
  // Against sampling: one token's 8 experts over 8 ranks of 32 and a batch
  // of 16 tokens.
  for (int tokens : {1, 16}) {
    const Simulated s = Simulate(256, 8, 8, tokens, 4000);
    const double predicted =
        m.WeightImbalance(ExpectedDistinctExperts(tokens, 256, 8));
    EXPECT_NEAR(predicted / s.weight_imbalance, 1.0, 0.1)
        << tokens << " tokens: sampled " << s.weight_imbalance;
  }
}

}  // namespace
}  // namespace infx::perf
