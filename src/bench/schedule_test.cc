#include "bench/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "bench/portable_random.h"
#include "bench/runner.h"

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

// The portable sampler (splitmix64 + Marsaglia-Tsang) gives these offsets
// on every platform; they were computed independently by a Python
// transcription of the algorithm. std::gamma_distribution, whose algorithm
// differs between standard libraries, did not.
TEST(ScheduleTest, SeededScheduleIsTheSameOnEveryPlatform) {
  auto poisson = MakeSchedule(6, 10, 1.0, 42);
  auto bursty = MakeSchedule(6, 10, 0.25, 42);
  auto smooth = MakeSchedule(6, 10, 4.0, 42);
  ASSERT_TRUE(poisson.ok() && bursty.ok() && smooth.ok());
  EXPECT_EQ(*poisson, (std::vector<int64_t>{0, 115559296, 174273601, 202883348,
                                            319430276, 702416791}));
  EXPECT_EQ(*bursty, (std::vector<int64_t>{0, 8276222, 34773912, 38018955,
                                           77255632, 77260809}));
  EXPECT_EQ(*smooth, (std::vector<int64_t>{0, 117347809, 204238670, 270006001,
                                           387826210, 607043632}));
}

TEST(ScheduleTest, ScheduleSeedIsAStreamApartFromThePrompts) {
  BenchConfig c;
  c.seed = 42;
  EXPECT_NE(c.ScheduleSeed(), c.seed);
  EXPECT_EQ(c.ScheduleSeed(), DeriveSeed(42, 1));
  c.schedule_seed = 7;
  EXPECT_EQ(c.ScheduleSeed(), 7u);
  // The schedule's uniforms are not the prompts' uniforms.
  SplitMix64 prompts(42), schedule(DeriveSeed(42, 1));
  EXPECT_NE(prompts.Next(), schedule.Next());
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
