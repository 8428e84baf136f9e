#include "stats/change_points.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace infx::stats {
namespace {

TEST(EDivisive, BestSplitMatchesHandComputedQ) {
  // X = {0, 0}, Y = {1, 1}: Q = 2/4 * 4 (cross) - 0 - 0 = 2. The other
  // (tau, kappa) pairs give 4/3, 1/2 and 0 (worked by hand).
  const SplitCandidate c = BestSplit({0, 0, 1, 1}, 0, 4);
  EXPECT_EQ(c.index, 2u);
  EXPECT_NEAR(c.q_hat, 2.0, 1e-12);
  // Offsets: the same pattern inside a longer series.
  const SplitCandidate d = BestSplit({9, 0, 0, 1, 1, 9}, 1, 5);
  EXPECT_EQ(d.index, 3u);
  EXPECT_NEAR(d.q_hat, 2.0, 1e-12);
}

std::vector<double> Step(size_t before, size_t after, double from, double to,
                         double noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, noise);
  std::vector<double> z;
  for (size_t i = 0; i < before; ++i) z.push_back(from * (1 + n(rng)));
  for (size_t i = 0; i < after; ++i) z.push_back(to * (1 + n(rng)));
  return z;
}

TEST(EDivisive, FindsOneStep) {
  // Alternating +-1 around 100 (14 values) then 105 (16): one change at 14.
  std::vector<double> z;
  for (int i = 0; i < 30; ++i)
    z.push_back((i < 14 ? 100 : 105) + (i % 2 ? 1 : -1));
  const auto cps = DetectChangePoints(z, {});
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].index, 14u);
  EXPECT_NEAR(cps[0].mean_before, 100, 1e-12);
  EXPECT_NEAR(cps[0].mean_after, 105, 1e-12);
  EXPECT_NEAR(cps[0].RelativeChange(), 0.05, 1e-12);
  EXPECT_LT(cps[0].p_value, 0.001);
  EXPECT_EQ(cps[0].before_begin, 0u);
  EXPECT_EQ(cps[0].after_end, 30u);
}

TEST(EDivisive, FlatSeriesHasNoChangePoint) {
  std::vector<double> z;
  for (int i = 0; i < 40; ++i) z.push_back(100 + (i % 2 ? 1 : -1));
  EXPECT_TRUE(DetectChangePoints(z, {}).empty());
  EXPECT_TRUE(DetectChangePoints({}, {}).empty());
  EXPECT_TRUE(DetectChangePoints({1}, {}).empty());
}

TEST(EDivisive, TwoStepsAcrossWindows) {
  // 120 points, window 50: steps at 40 and 90 both found.
  std::vector<double> z = Step(40, 50, 100, 90, 0.005, 3);
  const auto tail = Step(0, 30, 0, 95, 0.005, 4);
  z.insert(z.end(), tail.begin(), tail.end());
  const auto cps = DetectChangePoints(z, {.window = 50});
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[0].index, 40u);
  EXPECT_EQ(cps[1].index, 90u);
  EXPECT_LT(cps[0].RelativeChange(), 0);
  EXPECT_GT(cps[1].RelativeChange(), 0);
}

TEST(EDivisive, MinMagnitudeDropsSmallChanges) {
  std::vector<double> z;
  for (int i = 0; i < 30; ++i)
    z.push_back((i < 15 ? 100 : 101) + (i % 2 ? 0.1 : -0.1));
  EXPECT_EQ(DetectChangePoints(z, {}).size(), 1u);
  EXPECT_TRUE(DetectChangePoints(z, {.min_magnitude = 0.05}).empty());
}

}  // namespace
}  // namespace infx::stats
