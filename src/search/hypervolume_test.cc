#include "search/hypervolume.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace infx::search {
namespace {

TEST(HypervolumeTest, OnePointIsItsRectangle) {
  EXPECT_DOUBLE_EQ(Hypervolume({{3, 4}}), 12);
  EXPECT_DOUBLE_EQ(Hypervolume({}), 0);
}

TEST(HypervolumeTest, StaircaseOfTwoPointsCountsTheOverlapOnce) {
  // [0,4]x[0,1] U [0,1]x[0,3] = 4 + 3 - 1.
  EXPECT_DOUBLE_EQ(Hypervolume({{4, 1}, {1, 3}}), 6);
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 3}, {4, 1}}), 6);  // order-free
}

TEST(HypervolumeTest, DominatedAndInvalidPointsAddNothing) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_DOUBLE_EQ(
      Hypervolume({{4, 1}, {1, 3}, {0.5, 0.5}, {2, 1}, {nan, 9}, {-1, 9}}), 6);
}

TEST(HypervolumeTest, ImprovementIsTheAreaAPointAdds) {
  const std::vector<HvPoint> front = {{4, 1}, {1, 3}};
  EXPECT_DOUBLE_EQ(HypervolumeImprovement(front, {2, 2}), 1);  // [1,2]x[1,2]
  EXPECT_DOUBLE_EQ(HypervolumeImprovement(front, {1, 1}), 0);  // dominated
  EXPECT_DOUBLE_EQ(HypervolumeImprovement(front, {5, 1}), 1);  // [4,5]x[0,1]
  EXPECT_DOUBLE_EQ(HypervolumeImprovement({}, {2, 3}), 6);
}

}  // namespace
}  // namespace infx::search
