#include "chart/axis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace infx::chart {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Pointwise;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NiceStepTest, PicksTheSmallestOneTwoFiveStepWithinTarget) {
  EXPECT_DOUBLE_EQ(NiceStep(100, 5), 20);
  EXPECT_DOUBLE_EQ(NiceStep(7, 5), 2);       // raw 1.4
  EXPECT_DOUBLE_EQ(NiceStep(1000, 4), 500);  // raw 250
  EXPECT_DOUBLE_EQ(NiceStep(9.5, 1), 10);
  EXPECT_DOUBLE_EQ(NiceStep(1, 8), 0.2);  // raw 0.125
  EXPECT_DOUBLE_EQ(NiceStep(0, 5), 1);
  EXPECT_DOUBLE_EQ(NiceStep(-3, 5), 1);
  EXPECT_DOUBLE_EQ(NiceStep(10, 0), 1);
}

TEST(FitAxisTest, LinearDefaultRunsFromZeroToTheNextTick) {
  const AxisRange a = FitAxis({}, 12, 937);
  EXPECT_EQ(a.scale, Scale::kLinear);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_DOUBLE_EQ(a.hi, 1000);
  EXPECT_THAT(a.ticks, ElementsAre(0, 200, 400, 600, 800, 1000));
}

TEST(FitAxisTest, HeadroomWithoutRoundingKeepsTheEnd) {
  AxisSpec spec;
  spec.target_ticks = 8;
  spec.headroom = 1.08;
  spec.end_on_tick = false;
  const AxisRange a = FitAxis(spec, 5, 100);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_DOUBLE_EQ(a.hi, 108);
  EXPECT_THAT(a.ticks, ElementsAre(0, 20, 40, 60, 80, 100));
}

TEST(FitAxisTest, NegativeDataExtendsBelowZeroAndZeroIsATick) {
  const AxisRange a = FitAxis({}, -3, 7);
  EXPECT_DOUBLE_EQ(a.lo, -4);
  EXPECT_DOUBLE_EQ(a.hi, 8);
  EXPECT_THAT(a.ticks, ElementsAre(-4, -2, 0, 2, 4, 6, 8));
}

TEST(FitAxisTest, FractionalTicksDoNotAccumulateError) {
  AxisSpec spec;
  spec.target_ticks = 3;
  const AxisRange a = FitAxis(spec, 0, 0.3);
  ASSERT_EQ(a.ticks.size(), 4u);
  EXPECT_THAT(a.ticks, Pointwise(DoubleNear(1e-12), {0.0, 0.1, 0.2, 0.3}));
  EXPECT_EQ(TickLabel(a.ticks[3]), "0.3");
}

TEST(FitAxisTest, NoDataGivesAUnitAxis) {
  const AxisRange lin = FitAxis({}, kInf, -kInf);
  EXPECT_DOUBLE_EQ(lin.lo, 0);
  EXPECT_DOUBLE_EQ(lin.hi, 1);
  EXPECT_EQ(lin.ticks.front(), 0);
  EXPECT_DOUBLE_EQ(lin.ticks.back(), 1);
  const AxisRange all_zero = FitAxis({}, 0, 0);
  EXPECT_DOUBLE_EQ(all_zero.hi, 1);

  AxisSpec log_spec;
  log_spec.scale = Scale::kLog;
  const AxisRange log = FitAxis(log_spec, kInf, -kInf);
  EXPECT_DOUBLE_EQ(log.lo, 1);
  EXPECT_DOUBLE_EQ(log.hi, 10);
}

TEST(FitAxisTest, LogSpansWholeDecades) {
  AxisSpec spec;
  spec.scale = Scale::kLog;
  const AxisRange wide = FitAxis(spec, 3, 4500);
  EXPECT_EQ(wide.scale, Scale::kLog);
  EXPECT_DOUBLE_EQ(wide.lo, 1);
  EXPECT_DOUBLE_EQ(wide.hi, 10000);
  EXPECT_THAT(wide.ticks, ElementsAre(1, 10, 100, 1000, 10000));
  // Two decades or fewer: 1-2-5 ticks within each.
  const AxisRange narrow = FitAxis(spec, 20, 150);
  EXPECT_THAT(narrow.ticks, ElementsAre(10, 20, 50, 100, 200, 500, 1000));
  // A single power of ten still gets a decade.
  const AxisRange one = FitAxis(spec, 100, 100);
  EXPECT_DOUBLE_EQ(one.lo, 100);
  EXPECT_DOUBLE_EQ(one.hi, 1000);
}

TEST(ToPixelTest, MapsLinearAndLogRanges) {
  AxisRange lin;
  lin.lo = 0;
  lin.hi = 100;
  EXPECT_DOUBLE_EQ(ToPixel(lin, 0, 80, 680), 80);
  EXPECT_DOUBLE_EQ(ToPixel(lin, 50, 80, 680), 380);
  EXPECT_DOUBLE_EQ(ToPixel(lin, 100, 80, 680), 680);
  // A y axis: pixels grow downward.
  EXPECT_DOUBLE_EQ(ToPixel(lin, 25, 500, 100), 400);
  EXPECT_DOUBLE_EQ(ToPixel(lin, 150, 500, 100), -100);  // outside: no clamp

  AxisRange log;
  log.scale = Scale::kLog;
  log.lo = 1;
  log.hi = 1000;
  EXPECT_NEAR(ToPixel(log, 1, 0, 300), 0, 1e-9);
  EXPECT_NEAR(ToPixel(log, 10, 0, 300), 100, 1e-9);
  EXPECT_NEAR(ToPixel(log, 100, 0, 300), 200, 1e-9);
  EXPECT_NEAR(ToPixel(log, std::sqrt(10.0), 0, 300), 50, 1e-9);
}

TEST(DrawableTest, LogAxesNeedPositiveFiniteValues) {
  EXPECT_TRUE(Drawable(Scale::kLinear, -1));
  EXPECT_TRUE(Drawable(Scale::kLinear, 0));
  EXPECT_FALSE(Drawable(Scale::kLinear, kInf));
  EXPECT_FALSE(Drawable(Scale::kLinear, std::nan("")));
  EXPECT_TRUE(Drawable(Scale::kLog, 0.01));
  EXPECT_FALSE(Drawable(Scale::kLog, 0));
  EXPECT_FALSE(Drawable(Scale::kLog, -5));
}

TEST(TickLabelTest, ShortAndExact) {
  EXPECT_EQ(TickLabel(0), "0");
  EXPECT_EQ(TickLabel(-0.0), "0");
  EXPECT_EQ(TickLabel(2), "2");
  EXPECT_EQ(TickLabel(2.5), "2.5");
  EXPECT_EQ(TickLabel(0.05), "0.05");
  EXPECT_EQ(TickLabel(15), "15");
  EXPECT_EQ(TickLabel(1234.4), "1234");
  EXPECT_EQ(TickLabel(9999), "9999");
  EXPECT_EQ(TickLabel(12000), "12k");
  EXPECT_EQ(TickLabel(12500), "12.5k");
  EXPECT_EQ(TickLabel(-20000), "-20k");
}

}  // namespace
}  // namespace infx::chart
