#include "metrics/e2e_interactivity.h"

#include <gtest/gtest.h>

namespace infx::metrics {
namespace {

RequestRecord Done(int64_t e2el_ms, int64_t osl) {
  RequestRecord r;
  r.scheduled_ns = 1'000'000'000;
  r.send_ns = r.scheduled_ns;
  r.first_token_ns = r.send_ns + 1;
  r.end_ns = r.send_ns + e2el_ms * 1'000'000;
  r.usage_completion_tokens = osl;
  return r;
}

TEST(E2eInteractivityTest, OneOverP90OfSecondsPerOutputToken) {
  // E2EL/OSL = 0.01 s/token for nine requests, 0.1 for the tenth and 1.0
  // for the eleventh: P90 (numpy linear) of the eleven is 0.1.
  std::vector<RequestRecord> rs;
  for (int i = 0; i < 9; ++i) rs.push_back(Done(1000, 100));
  rs.push_back(Done(1000, 10));
  rs.push_back(Done(1000, 1));
  RequestRecord warm = Done(1, 1000);
  warm.warmup = true;
  rs.push_back(warm);
  RequestRecord failed;
  failed.error = ErrorKind::kTimeout;
  rs.push_back(failed);
  auto v = E2eNormalizedInteractivity(rs);
  ASSERT_TRUE(v.has_value());
  EXPECT_NEAR(*v, 10.0, 1e-9);
}

TEST(E2eInteractivityTest, NothingToScore) {
  EXPECT_FALSE(E2eNormalizedInteractivity({}).has_value());
  EXPECT_FALSE(E2eNormalizedInteractivity({Done(100, 0)}).has_value());
}

}  // namespace
}  // namespace infx::metrics
