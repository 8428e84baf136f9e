#include "bench/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace infx::bench {
namespace {

struct GapStats {
  double mean_s, cv;
};

GapStats Gaps(const std::vector<int64_t>& t) {
  double sum = 0, sq = 0;
  size_t n = t.size() - 1;
  for (size_t i = 1; i < t.size(); ++i) sum += (t[i] - t[i - 1]) / 1e9;
  double mean = sum / n;
  for (size_t i = 1; i < t.size(); ++i) {
    double d = (t[i] - t[i - 1]) / 1e9 - mean;
    sq += d * d;
  }
  return {mean, std::sqrt(sq / n) / mean};
}

TEST(ScheduleTest, InfiniteRateSendsEverythingAtOnce) {
  auto s = MakeSchedule(5, std::numeric_limits<double>::infinity(), 1.0, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, std::vector<int64_t>(5, 0));
}

TEST(ScheduleTest, SeededAbsoluteAndNonDecreasing) {
  auto a = MakeSchedule(1000, 10, 1.0, 42);
  auto b = MakeSchedule(1000, 10, 1.0, 42);
  auto c = MakeSchedule(1000, 10, 1.0, 43);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ((*a)[0], 0);
  for (size_t i = 1; i < a->size(); ++i) EXPECT_GE((*a)[i], (*a)[i - 1]);
}

TEST(ScheduleTest, PoissonGapsHaveTheAskedRate) {
  auto s = MakeSchedule(20001, 50, 1.0, 7);
  ASSERT_TRUE(s.ok());
  GapStats g = Gaps(*s);
  EXPECT_NEAR(g.mean_s, 1.0 / 50, 0.001);  // 20000 exponential gaps
  EXPECT_NEAR(g.cv, 1.0, 0.05);            // exponential: CV = 1
}

TEST(ScheduleTest, BurstinessIsTheGammaShape) {
  auto smooth = MakeSchedule(20001, 50, 4.0, 7);
  auto bursty = MakeSchedule(20001, 50, 0.25, 7);
  ASSERT_TRUE(smooth.ok() && bursty.ok());
  // Same mean rate; CV = 1 / sqrt(shape).
  EXPECT_NEAR(Gaps(*smooth).mean_s, 0.02, 0.001);
  EXPECT_NEAR(Gaps(*bursty).mean_s, 0.02, 0.002);
  EXPECT_NEAR(Gaps(*smooth).cv, 0.5, 0.05);
  EXPECT_NEAR(Gaps(*bursty).cv, 2.0, 0.2);
}

TEST(ScheduleTest, RejectsBadParameters) {
  EXPECT_FALSE(MakeSchedule(10, 0, 1, 0).ok());
  EXPECT_FALSE(MakeSchedule(10, -1, 1, 0).ok());
  EXPECT_FALSE(MakeSchedule(10, 5, 0, 0).ok());
  EXPECT_FALSE(MakeSchedule(-1, 5, 1, 0).ok());
}

TEST(ScheduleTest, CountBeforeCutsAtTheDuration) {
  std::vector<int64_t> t = {0, 500'000'000, 999'999'999, 1'000'000'000,
                            2'000'000'000};
  EXPECT_EQ(CountBefore(t, 1.0), 3);
  EXPECT_EQ(CountBefore(t, 0.0), 0);
}

}  // namespace
}  // namespace infx::bench
