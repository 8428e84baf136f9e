#include "search/saturation.h"

#include <gtest/gtest.h>

#include <cmath>

namespace infx::search {
namespace {

// Throughput grows linearly until `knee`, then stays flat; latency is
// constant below the knee and grows linearly with the load above it.
std::vector<LoadPoint> Knee(double knee, int top, double wobble = 0) {
  std::vector<LoadPoint> out;
  int i = 0;
  for (int c = 1; c <= top; c *= 2, ++i) {
    const double sign = (i % 2) ? 1 : -1;
    out.push_back({double(c),
                   10.0 * std::min<double>(c, knee) * (1 + sign * wobble),
                   20.0 * std::max(1.0, c / knee)});
  }
  return out;
}

TEST(SaturationTest, FlatThroughputWithGrowingLatencyIsSaturated) {
  auto s = DetectSaturation(Knee(32, 256));
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->load, 64);  // window 64, 128, 256
  EXPECT_NEAR(s->throughput.slope, 0, 1e-9);
  EXPECT_NEAR(s->latency.slope, 1, 1e-9);
}

TEST(SaturationTest, GrowingThroughputIsNotSaturated) {
  EXPECT_FALSE(DetectSaturation(Knee(1024, 256)).has_value());
  // The window straddles the knee: throughput still grows on average.
  EXPECT_FALSE(DetectSaturation(Knee(128, 256)).has_value());
  EXPECT_FALSE(DetectSaturation(Knee(32, 4)).has_value());  // too short
}

TEST(SaturationTest, NoisyFlatThroughputNeedsTheTMargin) {
  // +-5% wobble: slope is ~0 but its confidence bound with 1 degree of
  // freedom is wide, so three points do not prove the flattening...
  auto noisy = Knee(8, 256, 0.05);
  EXPECT_FALSE(DetectSaturation(noisy).has_value());
  // ...while a longer window (more degrees of freedom) does.
  SaturationOptions o;
  o.window = 5;
  auto s = DetectSaturation(noisy, o);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->load, 16);
}

TEST(SaturationTest, FlatThroughputWithFlatLatencyIsNotSaturated) {
  std::vector<LoadPoint> idle = {{64, 100, 20}, {128, 100, 20}, {256, 100, 20}};
  EXPECT_FALSE(DetectSaturation(idle).has_value());
}

TEST(SaturationTest, StudentTQuantiles) {
  EXPECT_DOUBLE_EQ(StudentT(0.95, 1), 6.314);
  EXPECT_DOUBLE_EQ(StudentT(0.95, 4), 2.132);
  EXPECT_DOUBLE_EQ(StudentT(0.95, 500), 1.645);
}

}  // namespace
}  // namespace infx::search
