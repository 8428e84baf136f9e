#include "common/result.h"

#include <gtest/gtest.h>

#include "common/precision.h"
#include "common/table.h"

namespace infx {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0)
    return Status::InvalidArgument("odd input " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  INFX_ASSIGN_OR_RETURN(int half, Half(x));
  return Half(half);
}

TEST(ResultTest, PropagatesErrorsAndValues) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "odd input 3");
  EXPECT_EQ(bad.status().WithContext("quarter").message(),
            "quarter: odd input 3");
}

TEST(PrecisionTest, ParsesNamesAndCostsBlockScales) {
  EXPECT_EQ(*ParsePrecision("NVFP4"), Precision::kFp4);
  EXPECT_FALSE(ParsePrecision("int3").ok());
  EXPECT_DOUBLE_EQ(WeightBytesPerElement(Precision::kFp4), 0.5625);
  EXPECT_GT(WeightBytesPerElement(Precision::kFp8), 1.0);
}

TEST(TableTest, AlignsNumbersRightAndTextLeft) {
  Table t({"name", "value"});
  t.AddRow({"a", "1.5"});
  t.AddRow({"longer", "10.25"});
  EXPECT_EQ(t.ToString(),
            "name    value\n"
            "-------------\n"
            "a         1.5\n"
            "longer  10.25\n");
}

}  // namespace
}  // namespace infx
