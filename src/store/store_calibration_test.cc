// Calibration fits kept with the run they came from (schema 5).
#include <gtest/gtest.h>

#include "store/results_store.h"

namespace infx::store {
namespace {

TEST(StoreCalibrationTest, FitsAreKeptWithTheirRun) {
  auto store = OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto run1 = (*store)->CreateRun({"m: 1\n", "0.1.0", "abc", "host", ""});
  auto run2 = (*store)->CreateRun({"m: 2\n", "0.1.0", "abc", "host", ""});
  ASSERT_TRUE(run1.ok() && run2.ok());
  CalibrationFitRecord fit;
  fit.run_id = *run1;
  fit.hardware = "h200";
  fit.engine = "vllm";
  fit.fit = {{"factors", {{"gemm_mfu", {{"value", 0.5}}}}}};
  ASSERT_TRUE((*store)->InsertCalibrationFit(fit).ok());
  fit.run_id = *run2;
  fit.engine_version = "0.10.2";
  fit.fit["factors"]["gemm_mfu"]["value"] = 0.45;
  ASSERT_TRUE((*store)->InsertCalibrationFit(fit).ok());

  auto first = (*store)->ListCalibrationFits(*run1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].hardware, "h200");
  EXPECT_DOUBLE_EQ((*first)[0].fit["factors"]["gemm_mfu"]["value"], 0.5);
  EXPECT_FALSE((*first)[0].recorded_at.empty());
  auto all = (*store)->ListCalibrationFits(0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);  // a factor's drift over runs
  EXPECT_EQ((*all)[1].engine_version, "0.10.2");
  EXPECT_DOUBLE_EQ((*all)[1].fit["factors"]["gemm_mfu"]["value"], 0.45);
}

TEST(StoreCalibrationTest, UnknownRunIsRefused) {
  auto store = OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  CalibrationFitRecord fit;
  fit.run_id = 42;
  EXPECT_FALSE((*store)->InsertCalibrationFit(fit).ok());
}

}  // namespace
}  // namespace infx::store
