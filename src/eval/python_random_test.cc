// Reference draws from CPython 3 (`random.Random(seed).sample(range(n), k)`).
#include "eval/python_random.h"

#include <gtest/gtest.h>

namespace infx::eval {
namespace {

using V = std::vector<uint32_t>;

TEST(PythonRandomTest, LmEvalDefaultSeedOverGsm8kTrain) {
  PythonRandom rnd(1234);
  EXPECT_EQ(rnd.SampleIndices(7473, 5), (V{6374, 3610, 957, 61, 742}));
  EXPECT_EQ(rnd.SampleIndices(7473, 5), (V{7462, 6610, 4769, 286, 5501}));
  EXPECT_EQ(rnd.SampleIndices(7473, 5), (V{5677, 687, 806, 6279, 2905}));
}

TEST(PythonRandomTest, SmallPopulationPoolAndGetRandBits) {
  PythonRandom rnd(42);
  EXPECT_EQ(rnd.SampleIndices(10, 4), (V{1, 0, 4, 9}));
  EXPECT_EQ(rnd.GetRandBits(7), 28u);
}

TEST(PythonRandomTest, MultiWordSeedAndLargerSample) {
  PythonRandom rnd((uint64_t{1} << 40) + 5);
  EXPECT_EQ(rnd.SampleIndices(100000, 8),
            (V{66110, 67753, 35206, 87005, 3595, 69593, 99410, 99702}));
}

}  // namespace
}  // namespace infx::eval
