#include "perf/calibration.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "perf/deployment.h"
#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(CalibrationTest, DefaultsDifferByEngineAndStayFractions) {
  const Calibration vllm = DefaultCalibration(testing::H200(), Engine::kVllm);
  const Calibration trt = DefaultCalibration(testing::H200(), Engine::kTrtllm);
  EXPECT_GT(vllm.step_overhead_s, trt.step_overhead_s);
  EXPECT_TRUE(trt.utilization_of_free_memory);
  EXPECT_FALSE(vllm.utilization_of_free_memory);
  for (const Calibration& c : {vllm, trt}) {
    EXPECT_GT(c.gemm_mfu, 0);
    EXPECT_LE(c.gemm_mfu, 1);
    EXPECT_GT(c.weight_mbu, 0);
    EXPECT_LE(c.weight_mbu, 1);
  }
}

TEST(CalibrationTest, Fp4AndGroupedGemmsReachLessThanDenseGemms) {
  for (Engine e : {Engine::kVllm, Engine::kSglang, Engine::kTrtllm}) {
    for (const auto& hw : {testing::H200(), testing::B200()}) {
      const Calibration c = DefaultCalibration(hw, e);
      EXPECT_LT(c.fp4_gemm_mfu, c.gemm_mfu) << hw.name;
      EXPECT_LT(c.moe_gemm_mfu, c.gemm_mfu) << hw.name;
      EXPECT_GT(c.moe_gemm_mfu, 0) << hw.name;
      EXPECT_EQ(c.expert_load_cv, 0) << hw.name;
    }
  }
  // TensorRT-LLM's better-tuned GEMMs lift all three by the same ratio.
  const Calibration vllm = DefaultCalibration(testing::B200(), Engine::kVllm);
  const Calibration trt = DefaultCalibration(testing::B200(), Engine::kTrtllm);
  EXPECT_GT(trt.gemm_mfu, vllm.gemm_mfu);
  EXPECT_NEAR(trt.fp4_gemm_mfu / vllm.fp4_gemm_mfu,
              trt.gemm_mfu / vllm.gemm_mfu, 1e-12);
  EXPECT_NEAR(trt.moe_gemm_mfu / vllm.moe_gemm_mfu,
              trt.gemm_mfu / vllm.gemm_mfu, 1e-12);
}

TEST(CalibrationTest, LoadsMoeAndFp4Fields) {
  auto c = LoadCalibrationFile(
      WriteTemp("infx_calib_moe.yaml",
                "moe_gemm_mfu: 0.3\nfp4_gemm_mfu: 0.4\nexpert_load_cv: 0.6\n"),
      Calibration{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->moe_gemm_mfu, 0.3);
  EXPECT_DOUBLE_EQ(c->fp4_gemm_mfu, 0.4);
  EXPECT_DOUBLE_EQ(c->expert_load_cv, 0.6);
  // Efficiencies are fractions; a coefficient of variation may exceed 1
  // but not be negative.
  EXPECT_FALSE(LoadCalibrationFile(
                   WriteTemp("infx_calib_moe_bad.yaml", "moe_gemm_mfu: 1.2\n"),
                   Calibration{})
                   .ok());
  EXPECT_TRUE(LoadCalibrationFile(
                  WriteTemp("infx_calib_cv.yaml", "expert_load_cv: 1.5\n"),
                  Calibration{})
                  .ok());
  EXPECT_FALSE(LoadCalibrationFile(
                   WriteTemp("infx_calib_cv_bad.yaml", "expert_load_cv: -1\n"),
                   Calibration{})
                   .ok());
}

TEST(CalibrationTest, LoadsOverridesFromYaml) {
  const std::string path = WriteTemp("infx_calib_ok.yaml",
                                     "gemm_mfu: 0.71\nweight_mbu: 0.9\n"
                                     "utilization_of_free_memory: true\n");
  auto c = LoadCalibrationFile(path, Calibration{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_DOUBLE_EQ(c->gemm_mfu, 0.71);
  EXPECT_DOUBLE_EQ(c->weight_mbu, 0.9);
  EXPECT_TRUE(c->utilization_of_free_memory);
  EXPECT_DOUBLE_EQ(c->kv_mbu, Calibration{}.kv_mbu);
}

TEST(CalibrationTest, UnknownKeyAndBadValueAreNamed) {
  auto unknown = LoadCalibrationFile(
      WriteTemp("infx_calib_bad.yaml", "gemm_mfu_typo: 0.5\n"), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("gemm_mfu_typo"),
            std::string::npos);
  auto range = LoadCalibrationFile(
      WriteTemp("infx_calib_range.yaml", "weight_mbu: 1.7\n"), {});
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("weight_mbu"), std::string::npos);
  auto text = LoadCalibrationFile(
      WriteTemp("infx_calib_text.yaml", "kv_mbu: fast\n"), {});
  ASSERT_FALSE(text.ok());
  auto missing = LoadCalibrationFile("/nonexistent/calib.yaml", {});
  EXPECT_FALSE(missing.ok());
}

TEST(DeploymentTest, EngineNamesRoundTripAndLabels) {
  for (Engine e : {Engine::kVllm, Engine::kSglang, Engine::kTrtllm}) {
    auto parsed = ParseEngine(EngineName(e));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, e);
  }
  EXPECT_TRUE(ParseEngine("TensorRT-LLM").ok());
  auto bad = ParseEngine("tgi");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tgi"), std::string::npos);
  EXPECT_EQ((Parallelism{8, 1, 8, true}).Label(), "tp8-ep8-dpa");
  EXPECT_EQ((Parallelism{4, 2, 1, false}).Label(), "tp4-pp2");
}

}  // namespace
}  // namespace infx::perf
