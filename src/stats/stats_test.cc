// Reference values: closed forms worked by hand (noted per test), and
// p-values from independent numerical integration of the t density
// (midpoint rule, 2e5 nodes), which agree with scipy.stats to 1e-12
// (scipy.stats.ttest_ind([1..5], [6..10], equal_var=False).pvalue =
// 0.0010528257933...).
#include <gtest/gtest.h>

#include <cmath>

#include "stats/bootstrap.h"
#include "stats/distributions.h"
#include "stats/hypothesis_tests.h"
#include "stats/multiple_testing.h"
#include "stats/summary.h"

namespace infx::stats {
namespace {

TEST(Distributions, IncompleteBetaClosedForms) {
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, 0.3), 0.3, 1e-14);    // = x
  EXPECT_NEAR(RegularizedIncompleteBeta(3, 1, 0.5), 0.125, 1e-14);  // x^a
  EXPECT_NEAR(RegularizedIncompleteBeta(2.5, 2.5, 0.5), 0.5, 1e-14);
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(1, 1, 1.5)));
}

TEST(Distributions, StudentTClosedForms) {
  // df = 1 is Cauchy: P[|T| > 1] = 1/2.
  EXPECT_NEAR(StudentTTwoSidedP(1.0, 1), 0.5, 1e-13);
  // df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)) => P[|T| > 2] = 1 - 2/sqrt(6).
  EXPECT_NEAR(StudentTTwoSidedP(2.0, 2), 1 - 2 / std::sqrt(6.0), 1e-13);
  EXPECT_NEAR(StudentTCdf(-2.0, 2), (1 - 2 / std::sqrt(6.0)) / 2, 1e-13);
  // Solving F(t) = 0.975 for df = 2: t^2 = 1.805 / 0.0975.
  EXPECT_NEAR(StudentTQuantile(0.975, 2), std::sqrt(1.805 / 0.0975), 1e-9);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(StudentTTwoSidedP(1.959963984540054, INFINITY), 0.05, 1e-12);
}

TEST(Distributions, StudentTQuantileInvertsTheCdf) {
  for (double df : {1.0, 2.5, 4.0, 30.0, 1e6}) {
    for (double p : {0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.9995}) {
      EXPECT_NEAR(StudentTCdf(StudentTQuantile(p, df), df), p, 1e-10)
          << "df " << df << " p " << p;
    }
  }
  // df = 1 is Cauchy: quantile tan(pi (p - 1/2)).
  EXPECT_NEAR(StudentTQuantile(0.9, 1), std::tan(M_PI * 0.4), 1e-9);
}

TEST(HypothesisTests, WelchMatchesHandComputation) {
  // Means 3 and 8, variances 2.5 each: se = 1, t = 5, df = 8.
  const TTestResult r = WelchTTest({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.t, 5.0, 1e-12);
  EXPECT_NEAR(r.df, 8.0, 1e-12);
  EXPECT_NEAR(r.p_value, 0.0010528257933674, 1e-12);
  // Reversed samples: sign flips, p unchanged.
  const TTestResult back = WelchTTest({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5});
  EXPECT_NEAR(back.t, -5.0, 1e-12);
  EXPECT_NEAR(back.p_value, r.p_value, 1e-15);
}

TEST(HypothesisTests, WelchFractionalDf) {
  // a: mean 2, var 1, n 3 -> va = 1/3; b: mean 5, var 4/3... worked below.
  // a = {1,2,3}: var 1; b = {3,5,7,9}: mean 6, var 20/3.
  // va = 1/3, vb = 5/3, se = sqrt(2), t = 4/sqrt(2) = 2.828427...
  // df = (2)^2 / ((1/9)/2 + (25/9)/3) = 4 / (1/18 + 25/27) = 4.0754717
  const TTestResult r = WelchTTest({1, 2, 3}, {3, 5, 7, 9});
  EXPECT_NEAR(r.t, 4 / std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(r.df, 4.0 / (1.0 / 18 + 25.0 / 27), 1e-12);
  EXPECT_GT(r.p_value, 0.04);
  EXPECT_LT(r.p_value, 0.06);
}

TEST(HypothesisTests, WelchDegenerateInputs) {
  EXPECT_FALSE(WelchTTest({1}, {2, 3}).valid);
  EXPECT_DOUBLE_EQ(WelchTTest({2, 2}, {2, 2}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(WelchTTest({2, 2}, {3, 3}).p_value, 0.0);
}

TEST(HypothesisTests, NoiseTestUsesExternalNoise) {
  // diff 3, se = 1 * sqrt(1/3 + 1/3) => t = 3 / 0.8165 = 3.674; df 4.5.
  const TTestResult r = TTestWithNoise({1, 1, 1}, {4, 4, 4}, 1.0, 4.5);
  EXPECT_NEAR(r.t, 3 / std::sqrt(2.0 / 3), 1e-12);
  EXPECT_NEAR(r.p_value, StudentTTwoSidedP(3 / std::sqrt(2.0 / 3), 4.5), 1e-15);
  // t = 3.0 with df 4.5 by numerical integration: 0.0343808678887894.
  EXPECT_NEAR(StudentTTwoSidedP(3.0, 4.5), 0.0343808678887894, 1e-10);
  EXPECT_FALSE(TTestWithNoise({1}, {2}, 1.0, 0).valid);
}

TEST(HypothesisTests, StudentPooledFromStats) {
  // Equal n and std: pooled t equals Welch's t; df = n_a + n_b - 2.
  const TTestResult r =
      StudentTTestFromStats(3, std::sqrt(2.5), 5, 8, std::sqrt(2.5), 5);
  EXPECT_NEAR(r.t, 5.0, 1e-12);
  EXPECT_NEAR(r.df, 8.0, 1e-12);
  EXPECT_NEAR(r.p_value, 0.0010528257933674, 1e-12);
}

TEST(HypothesisTests, MannWhitneyExactSmallSamples) {
  // Complete separation, 3 vs 3: U = 9, P[U = 9] = 1/20, two-sided 0.1.
  MannWhitneyResult r = MannWhitneyU({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 9);
  EXPECT_NEAR(r.p_value, 0.1, 1e-15);
  // U counts for 3 vs 3 are 1,1,2,3,3,3,3,2,1,1: U = 8 -> 2 * 2/20.
  r = MannWhitneyU({1, 2, 4}, {3, 5, 6});
  EXPECT_DOUBLE_EQ(r.u, 8);
  EXPECT_NEAR(r.p_value, 0.2, 1e-15);
  // The middle of the distribution caps at 1.
  EXPECT_NEAR(MannWhitneyU({1, 4, 5}, {2, 3, 6}).p_value, 1.0, 1e-15);
}

TEST(HypothesisTests, MannWhitneyTiesUseNormalApproximation) {
  // Pooled 1a 2a 2a 2b 3b 4b: midranks 1, 3, 3, 3, 5, 6; R_b = 14, U = 8.
  // var = 9/12 * (7 - 24/30) = 4.65; z = (8 - 4.5 - 0.5) / sqrt(4.65).
  const MannWhitneyResult r = MannWhitneyU({1, 2, 2}, {2, 3, 4});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 8);
  EXPECT_NEAR(r.p_value, 0.16415972842281754, 1e-9);
}

TEST(MultipleTesting, BenjaminiHochbergByHand) {
  // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): m p / k = 0.02, 0.02, 0.04,
  // 0.04; the running minimum from the top keeps them.
  const auto q = BenjaminiHochberg({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NEAR(q[0], 0.02, 1e-15);
  EXPECT_NEAR(q[1], 0.04, 1e-15);
  EXPECT_NEAR(q[2], 0.04, 1e-15);
  EXPECT_NEAR(q[3], 0.02, 1e-15);
  // Monotonicity: 0.02 * 3 / 1 = 0.06 is lowered to min(0.06, 0.045...)
  const auto q2 = BenjaminiHochberg({0.02, 0.03, 0.045});
  EXPECT_NEAR(q2[0], 0.045, 1e-15);
  EXPECT_NEAR(q2[1], 0.045, 1e-15);
  EXPECT_NEAR(q2[2], 0.045, 1e-15);
  // NaN stays NaN and does not count in m; q never exceeds 1.
  const auto q3 = BenjaminiHochberg({NAN, 0.9, 0.8});
  EXPECT_TRUE(std::isnan(q3[0]));
  EXPECT_NEAR(q3[1], 0.9, 1e-15);
  EXPECT_NEAR(q3[2], 0.9, 1e-15);
}

TEST(Bootstrap, ConstantSamplesGiveADegenerateInterval) {
  const RatioInterval r =
      BootstrapGeometricMeanRatio({2, 2, 2}, {3, 3, 3}, 500, 0.95, 7);
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.ratio, 1.5, 1e-12);
  EXPECT_NEAR(r.low, 1.5, 1e-12);
  EXPECT_NEAR(r.high, 1.5, 1e-12);
}

TEST(Bootstrap, GeometricMeanRatioAndSeededInterval) {
  // GM(1, 4) = 2, GM(2, 8) = 4 => ratio 2.
  const RatioInterval r =
      BootstrapGeometricMeanRatio({1, 4}, {2, 8}, 2000, 0.95, 42);
  EXPECT_NEAR(r.ratio, 2.0, 1e-12);
  // Resampled log-mean differences lie in [log 2 - log 4, log 8 - log 1]
  // = ratios [0.5, 8]; the extreme combinations have probability 1/16 each.
  EXPECT_GE(r.low, 0.5 - 1e-12);
  EXPECT_LE(r.high, 8 + 1e-12);
  EXPECT_LT(r.low, r.ratio);
  EXPECT_GT(r.high, r.ratio);
  const RatioInterval again =
      BootstrapGeometricMeanRatio({1, 4}, {2, 8}, 2000, 0.95, 42);
  EXPECT_DOUBLE_EQ(again.low, r.low);
  EXPECT_DOUBLE_EQ(again.high, r.high);
  EXPECT_FALSE(BootstrapGeometricMeanRatio({1, -1}, {2}, 10, 0.95, 1).valid);
}

TEST(Summary, DescriptiveAndPooledNoise) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(SampleVariance({1, 2, 3}), 1);
  EXPECT_NEAR(CoefficientOfVariation({1, 2, 3}), 0.5, 1e-15);
  // {1,2,3}: var 1, df 2; {2,4}: var 2, df 1; {7}: nothing.
  const PooledNoise p = PoolNoise({{1, 2, 3}, {2, 4}, {7}});
  EXPECT_DOUBLE_EQ(p.df, 3);
  EXPECT_NEAR(p.std_dev, std::sqrt(4.0 / 3), 1e-15);
  EXPECT_FALSE(PoolNoise({{1}, {}}).ok());
}

TEST(Summary, DropOutliersRemovesOnlyTheHiccup) {
  // Deviations from the group medians (median elements left out): 1, 1, 1,
  // 1, 2, 0.5, 40, 0.5 -> median 1, robust std 1.4826; 40 > 6 x 1.4826.
  std::vector<size_t> dropped;
  const auto out = DropOutliers({{100, 101, 99},
                                 {100, 101, 99},
                                 {100, 102, 99.5},
                                 {100, 60, 100.5},
                                 {7, 8}},
                                6, &dropped);
  EXPECT_EQ(out[0], (std::vector<double>{100, 101, 99}));
  EXPECT_EQ(out[3], (std::vector<double>{100, 100.5}));
  EXPECT_EQ(out[4], (std::vector<double>{7, 8}));  // pairs are kept
  EXPECT_EQ(dropped, (std::vector<size_t>{0, 0, 0, 1, 0}));
  // Too few deviations to judge: nothing dropped.
  const auto few = DropOutliers({{100, 101, 60}}, 6, &dropped);
  EXPECT_EQ(few[0].size(), 3u);
  // Identical values: robust std 0, nothing dropped.
  EXPECT_EQ(
      DropOutliers({{1, 1, 1}, {1, 1, 1}, {1, 1, 2}, {1, 1, 1}}, 6)[2].size(),
      3u);
}

}  // namespace
}  // namespace infx::stats
