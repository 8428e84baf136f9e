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
