// The calibration loop end to end (issue 17): a sweep of the emulator timed
// by a hidden calibration (GEMM efficiency -30%, per-step overhead +35%),
// `infx calibrate` on the stored points recovers both within 5% and then
// predicts the measured points with a median error under 3%; the fitted
// file is an input of `infx plan`, and a file for other hardware is an
// error naming both.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// H200 / vLLM defaults (perf/calibration.cc): gemm_mfu 0.62,
// step_overhead_s 1.0e-3. The truth changes both.
constexpr double kTrueGemmMfu = 0.62 * 0.7;
constexpr double kTrueStepOverheadS = 1.0e-3 * 1.35;

TEST(CalibrateCliTest, RecoversAHiddenCalibrationFromAnEmulatorSweep) {
  const std::string dir = ScratchDir("calibrate-recovery");
  WriteText(dir + "/truth.yaml",
            "hardware: h200\nengine: vllm\nfactors:\n  gemm_mfu: " +
                std::to_string(kTrueGemmMfu) + "\n  step_overhead_s: " +
                std::to_string(kTrueStepOverheadS) + "\n");
  // Models of different sizes and layer counts (28, 32, 64 layers) so the
  // overheads, the bandwidth and the GEMM efficiency separate; prefill-heavy
  // and decode-heavy workloads at concurrency 1 and 8.
  WriteText(dir + "/matrix.yaml", R"(name: calibrate-recovery
seed: 11
target:
  type: emulator
  emulator: {calibration: truth.yaml}
configs:
  - {model: qwen3-0.6b, hardware: h200, precision: bf16, tp: 1}
  - {model: llama-3.1-8b, hardware: h200, precision: bf16, tp: 1}
  - {model: qwen3-32b, hardware: h200, precision: bf16, tp: 1}
workloads:
  - {isl: 2048, osl: 16, range_ratio: 1.0}
  - {isl: 64, osl: 48, range_ratio: 1.0}
concurrency: [1, 8]
prompts: {per_concurrency: 2, min: 4}
)");
  const std::string db = dir + "/recovery.db";
  auto sweep = RunInfx({"sweep", dir + "/matrix.yaml", "--db", db, "--report",
                        dir + "/report.html"});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.stderr_text;

  const std::string fit_path = dir + "/fit.yaml";
  auto cal = RunInfx({"calibrate", "--db", db, "--json", "-o", fit_path});
  ASSERT_EQ(cal.exit_code, 0) << cal.stderr_text;
  const nlohmann::json fit = nlohmann::json::parse(cal.stdout_text);
  ASSERT_EQ(fit["points"], 12) << fit.dump(2);
  const nlohmann::json& gemm = fit["factors"]["gemm_mfu"];
  const nlohmann::json& step = fit["factors"]["step_overhead_s"];
  EXPECT_TRUE(gemm["identifiable"].get<bool>()) << gemm.dump();
  EXPECT_TRUE(step["identifiable"].get<bool>()) << step.dump();
  EXPECT_NEAR(gemm["value"].get<double>() / kTrueGemmMfu, 1.0, 0.05)
      << fit.dump(2);
  EXPECT_NEAR(step["value"].get<double>() / kTrueStepOverheadS, 1.0, 0.05)
      << fit.dump(2);
  EXPECT_LT(fit["median_abs_error"].get<double>(), 0.03) << fit.dump(2);
  // The defaults were visibly off: the fit is what closed the gap.
  EXPECT_GT(fit["median_abs_error_default"].get<double>(),
            fit["median_abs_error"].get<double>());
  EXPECT_EQ(fit["residuals"].size(), 12u);

  // The fitted file is a planner input; other hardware is refused.
  auto plan = RunInfx({"plan", "--model", "llama-3.1-8b", "--hardware", "h200",
                       "--engine", "vllm", "--calibration", fit_path});
  EXPECT_EQ(plan.exit_code, 0) << plan.stderr_text;
  auto other = RunInfx({"plan", "--model", "llama-3.1-8b", "--hardware", "b200",
                        "--engine", "vllm", "--calibration", fit_path});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.stderr_text.find("h200 / vllm"), std::string::npos)
      << other.stderr_text;
  EXPECT_NE(other.stderr_text.find("b200 / vllm"), std::string::npos)
      << other.stderr_text;
}

}  // namespace
}  // namespace infx
