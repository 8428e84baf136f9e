#include "calibrate/fit_history.h"

#include <gtest/gtest.h>

namespace infx::calibrate {
namespace {

store::CalibrationFitRecord Stored(int64_t run, const std::string& hw,
                                   double gemm, bool step_identified) {
  FitResult fit;
  fit.hardware = hw;
  fit.engine = "vllm";
  fit.engine_version = run == 2 ? "0.10.2" : "";
  nlohmann::json doc = {{"points", 12},
                        {"median_abs_error", 0.012},
                        {"factors",
                         {{"gemm_mfu",
                           {{"value", gemm},
                            {"ci_low", gemm * 0.98},
                            {"ci_high", gemm * 1.02},
                            {"identifiable", true}}},
                          {"step_overhead_s",
                           {{"value", 0.00135},
                            {"ci_low", 0.0013},
                            {"ci_high", 0.0014},
                            {"identifiable", step_identified}}}}}};
  store::CalibrationFitRecord r = FitRecord(fit, doc, run);
  r.fit_id = run;
  r.recorded_at = "2026-11-29T16:0" + std::to_string(run) + ":00Z";
  return r;
}

TEST(FitHistoryTest, RecordCarriesTheFitWithItsRun) {
  const auto r = Stored(3, "h200", 0.43, true);
  EXPECT_EQ(r.run_id, 3);
  EXPECT_EQ(r.hardware, "h200");
  EXPECT_EQ(r.engine, "vllm");
  EXPECT_DOUBLE_EQ(r.fit["factors"]["gemm_mfu"]["value"], 0.43);
}

TEST(FitHistoryTest, ShowsEachFactorsDriftOverRuns) {
  const std::vector<store::CalibrationFitRecord> fits = {
      Stored(1, "h200", 0.434, true), Stored(2, "h200", 0.512, false),
      Stored(3, "b200", 0.6, true)};
  const auto h200 = SelectFits(fits, "h200", "vllm");
  ASSERT_EQ(h200.size(), 2u);
  EXPECT_EQ(SelectFits(fits, "", "").size(), 3u);
  EXPECT_TRUE(SelectFits(fits, "h200", "sglang").empty());

  const std::string text = FitHistoryText(h200);
  EXPECT_NE(text.find("gemm_mfu"), std::string::npos) << text;
  EXPECT_NE(text.find("0.434"), std::string::npos) << text;
  EXPECT_NE(text.find("0.512"), std::string::npos) << text;
  EXPECT_NE(text.find("h200 / vllm 0.10.2"), std::string::npos) << text;
  // Run 2's step overhead was not identified by its points: marked.
  EXPECT_NE(text.find("0.00135*"), std::string::npos) << text;
  EXPECT_NE(text.find("1.2%"), std::string::npos) << text;

  const nlohmann::json j = FitHistoryJson(h200);
  ASSERT_EQ(j["fits"].size(), 2u);
  EXPECT_EQ(j["fits"][1]["run_id"], 2);
  EXPECT_EQ(j["fits"][1]["engine_version"], "0.10.2");
  EXPECT_EQ(j["fits"][1]["points"], 12);
  EXPECT_DOUBLE_EQ(j["fits"][1]["factors"]["gemm_mfu"]["value"], 0.512);
  EXPECT_FALSE(j["fits"][1]["factors"]["step_overhead_s"]["identifiable"]);
  EXPECT_EQ(FitHistoryText({}), "no stored fits\n");
}

}  // namespace
}  // namespace infx::calibrate
