// Calibration files (docs/calibration.md): keyed by hardware and engine,
// applied over the defaults, and refused for other hardware or engines.
#include "perf/calibration_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("infx_calfile_" + std::to_string(getpid())))
                              .string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CalibrationFileTest, KeyedEntryOverridesTheDefaults) {
  const std::string path = WriteFile("keyed.yaml",
                                     "hardware: h200\n"
                                     "engine: vllm\n"
                                     "factors:\n"
                                     "  gemm_mfu: 0.5\n"
                                     "  step_overhead_s: 0.0015\n"
                                     "fit: {median_abs_error: 0.01}\n");
  auto cal = CalibrationFor(path, testing::H200(), Engine::kVllm);
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  EXPECT_DOUBLE_EQ(cal->gemm_mfu, 0.5);
  EXPECT_DOUBLE_EQ(cal->step_overhead_s, 0.0015);
  const Calibration def = DefaultCalibration(testing::H200(), Engine::kVllm);
  EXPECT_DOUBLE_EQ(cal->weight_mbu, def.weight_mbu);
}

TEST(CalibrationFileTest, OtherHardwareOrEngineIsAnErrorNamingBoth) {
  const std::string path =
      WriteFile("b200.yaml",
                "hardware: b200\nengine: sglang\nfactors: {gemm_mfu: 0.5}\n");
  auto cal = CalibrationFor(path, testing::H200(), Engine::kVllm);
  ASSERT_FALSE(cal.ok());
  EXPECT_NE(cal.status().message().find("b200 / sglang"), std::string::npos)
      << cal.status().message();
  EXPECT_NE(cal.status().message().find("h200 / vllm"), std::string::npos)
      << cal.status().message();
}

TEST(CalibrationFileTest, PicksTheEntryForTheDeployment) {
  const std::string path = WriteFile("multi.yaml",
                                     "calibrations:\n"
                                     "  - hardware: h200\n"
                                     "    engine: vllm\n"
                                     "    factors: {gemm_mfu: 0.5}\n"
                                     "  - hardware: H200\n"
                                     "    engine: trtllm\n"
                                     "    engine_version: '1.0'\n"
                                     "    factors: {gemm_mfu: 0.7}\n");
  auto vllm = CalibrationFor(path, testing::H200(), Engine::kVllm);
  ASSERT_TRUE(vllm.ok()) << vllm.status().message();
  EXPECT_DOUBLE_EQ(vllm->gemm_mfu, 0.5);
  auto trt = CalibrationFor(path, testing::H200(), Engine::kTrtllm, "1.0");
  ASSERT_TRUE(trt.ok()) << trt.status().message();
  EXPECT_DOUBLE_EQ(trt->gemm_mfu, 0.7);
  // An unknown version takes the entry; a different known one does not.
  EXPECT_TRUE(CalibrationFor(path, testing::H200(), Engine::kTrtllm).ok());
  auto old = CalibrationFor(path, testing::H200(), Engine::kTrtllm, "0.17");
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("h200 / trtllm 0.17"),
            std::string::npos)
      << old.status().message();
}

TEST(CalibrationFileTest, FlatOverridesStillApplyAnywhere) {
  const std::string path = WriteFile("flat.yaml", "kv_mbu: 0.5\n");
  auto cal = CalibrationFor(path, testing::B200(), Engine::kSglang);
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  EXPECT_DOUBLE_EQ(cal->kv_mbu, 0.5);
}

TEST(CalibrationFileTest, BadFilesNameTheKey) {
  auto unknown = ReadCalibrationFile(WriteFile(
      "unknown.yaml", "hardware: h200\nengine: vllm\nfactors: {gemm: 0.5}\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'gemm'"), std::string::npos);
  auto range = ReadCalibrationFile(WriteFile(
      "range.yaml", "hardware: h200\nengine: vllm\nfactors: {kv_mbu: 1.5}\n"));
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("kv_mbu"), std::string::npos);
  auto key = ReadCalibrationFile(
      WriteFile("key.yaml", "hardware: h200\nengine: vllm\nfactorz: {}\n"));
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("factorz"), std::string::npos);
  auto engine = ReadCalibrationFile(
      WriteFile("engine.yaml", "hardware: h200\nengine: tgi\n"));
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("tgi"), std::string::npos);
}

}  // namespace
}  // namespace infx::perf
