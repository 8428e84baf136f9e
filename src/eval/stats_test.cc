// Reference values computed with Python (statistics.stdev, math.comb).
#include "eval/stats.h"

#include <gtest/gtest.h>

namespace infx::eval {
namespace {

TEST(AccuracyTest, MeanAndSampleStderr) {
  AccuracySummary s = SummarizeAccuracy(
      {true, true, false, true, false, false, true, true, true, false});
  EXPECT_EQ(s.n, 10u);
  EXPECT_EQ(s.correct, 6u);
  EXPECT_DOUBLE_EQ(s.accuracy, 0.6);
  EXPECT_NEAR(s.standard_error, 0.16329931618554522, 1e-12);
}

TEST(AccuracyTest, EmptyAndSingle) {
  EXPECT_EQ(SummarizeAccuracy({}).accuracy, 0.0);
  AccuracySummary one = SummarizeAccuracy({true});
  EXPECT_EQ(one.accuracy, 1.0);
  EXPECT_EQ(one.standard_error, 0.0);
}

TEST(McNemarTest, ExactTwoSidedPValues) {
  EXPECT_NEAR(McNemarExactP(10, 2), 0.03857421875, 1e-12);
  EXPECT_NEAR(McNemarExactP(2, 10), 0.03857421875, 1e-12);
  EXPECT_DOUBLE_EQ(McNemarExactP(5, 5), 1.0);
  EXPECT_NEAR(McNemarExactP(0, 6), 0.03125, 1e-12);
  EXPECT_NEAR(McNemarExactP(30, 12), 0.007915897334896727, 1e-10);
  EXPECT_NEAR(McNemarExactP(100, 140), 0.011664092317677663, 1e-9);
  EXPECT_DOUBLE_EQ(McNemarExactP(0, 0), 1.0);
}

TEST(CompareTest, IdenticalRunsAreSame) {
  std::vector<bool> a = {true, false, true, true, false, true};
  PairedComparison c = ComparePaired(a, a, 0.05);
  EXPECT_EQ(c.verdict, Verdict::kSame);
  EXPECT_EQ(c.difference, 0.0);
  EXPECT_EQ(c.standard_error, 0.0);
  EXPECT_EQ(c.p_value, 1.0);
}

TEST(CompareTest, DropIsWorseWithCiBelowZero) {
  // 100 questions: A right on 90; B loses 12 of those and gains 1.
  std::vector<bool> a(100, false);
  std::vector<bool> b(100, false);
  for (int i = 0; i < 90; ++i) a[i] = b[i] = true;
  for (int i = 0; i < 12; ++i) b[i] = false;
  b[95] = true;
  PairedComparison c = ComparePaired(a, b, 0.05);
  EXPECT_EQ(c.only_a_correct, 12u);
  EXPECT_EQ(c.only_b_correct, 1u);
  EXPECT_NEAR(c.difference, -0.11, 1e-12);
  EXPECT_LT(c.ci95_high, 0.0);
  EXPECT_LT(c.p_value, 0.05);
  EXPECT_EQ(c.verdict, Verdict::kWorse);
  // Swapped, B is better.
  EXPECT_EQ(ComparePaired(b, a, 0.05).verdict, Verdict::kBetter);
  // At a stricter alpha the same data is not significant.
  EXPECT_EQ(ComparePaired(a, b, 1e-4).verdict, Verdict::kSame);
}

}  // namespace
}  // namespace infx::eval
