#include "metrics/validity.h"

#include <gtest/gtest.h>

namespace infx::metrics {
namespace {

// A healthy closed-loop point: 100 completed over 60 s, ITL 10 ms, the
// client reading within 0.2 ms, no truncation.
BenchMetrics Healthy() {
  BenchMetrics m;
  m.completed = 100;
  m.duration_s = 60;
  m.itl_ms.median = 10;
  m.itl_ms.count = 500;
  m.client_read_lag_ms.percentiles = {{99, 0.2}};
  m.client_read_lag_ms.max = 0.3;
  m.client_lag_ms.percentiles = {{99, 50}};  // ignored in closed loop
  return m;
}

bool HasReason(const Validity& v, const std::string& rule) {
  for (const auto& r : v.reasons) {
    if (r.rfind(rule + ":", 0) == 0) return true;
  }
  return false;
}

TEST(ValidityTest, AHealthyPointIsValid) {
  Validity v = JudgeValidity(Healthy(), false, {});
  EXPECT_TRUE(v.valid);
  EXPECT_TRUE(v.reasons.empty());
}

TEST(ValidityTest, EachRuleNamesItsReason) {
  ValidityOptions o;
  o.min_completed = 200;
  o.min_duration_s = 120;
  BenchMetrics m = Healthy();
  Validity v = JudgeValidity(m, false, o);
  EXPECT_FALSE(v.valid);
  EXPECT_TRUE(HasReason(v, "completed"));
  EXPECT_TRUE(HasReason(v, "duration"));

  m = Healthy();
  m.failed = 2;  // 2 of 102 > 1%
  EXPECT_TRUE(HasReason(JudgeValidity(m, false, {}), "error_rate"));
  m.failed = 1;  // 1 of 101 < 1%
  EXPECT_TRUE(JudgeValidity(m, false, {}).valid);

  m = Healthy();
  m.client_read_lag_ms.percentiles = {{99, 25}};  // > 1 x ITL
  EXPECT_TRUE(HasReason(JudgeValidity(m, false, {}), "read_lag"));

  m = Healthy();  // every stream in one read: ITL 0, the client lagging
  m.itl_ms.count = 50;
  m.itl_ms.median = 0;
  m.client_read_lag_ms.percentiles = {{99, 5}};
  EXPECT_TRUE(HasReason(JudgeValidity(m, false, {}), "read_lag"));
  // Under the 1 ms floor a read lag above the ITL moves no timestamp by a
  // millisecond: still valid (a time-scaled emulator's 0.25 ms tokens).
  m.itl_ms.median = 0.25;
  m.client_read_lag_ms.percentiles = {{99, 0.8}};
  EXPECT_TRUE(JudgeValidity(m, false, {}).valid);
  m.client_read_lag_ms.percentiles = {{99, 1.5}};
  EXPECT_TRUE(HasReason(JudgeValidity(m, false, {}), "read_lag"));
  m.client_read_lag_ms = Stats{};  // no read lag: the server batched them
  EXPECT_TRUE(JudgeValidity(m, false, {}).valid);

  m = Healthy();
  m.prompts_truncated = 3;
  EXPECT_TRUE(HasReason(JudgeValidity(m, false, {}), "truncation"));

  m = Healthy();  // p99 schedule lag 50 ms: judged in open loop only
  EXPECT_TRUE(JudgeValidity(m, false, {}).valid);
  Validity open = JudgeValidity(m, true, {});
  EXPECT_TRUE(HasReason(open, "schedule_lag"));
  EXPECT_EQ(open.reasons.size(), 1u);
}

TEST(ValidityTest, ThresholdsAreCheckedAndWritten) {
  ValidityOptions o;
  EXPECT_TRUE(CheckValidityOptions(o).ok());
  o.max_error_rate = -1;
  EXPECT_FALSE(CheckValidityOptions(o).ok());
  auto j = ValidityOptionsJson(ValidityOptions{});
  EXPECT_EQ(j["max_error_rate"], 0.01);
  EXPECT_EQ(j["min_completed"], 1);
}

}  // namespace
}  // namespace infx::metrics
