// The calibration loop end to end (issue 17): a sweep of the emulator timed
// by a hidden calibration (`target.emulator.calibration`: GEMM efficiency
// -30%, per-step overhead +35%) while the planner's stored predictions use
// the defaults; `infx calibrate` fits the stored points, keeps the fit with
// the run (--history), `--evaluate` scores a given file, `infx frontier`
// shows the predictions' error, and the fitted file is an input of
// `infx plan` (a file for other hardware is an error naming both).
//
// Not asserted here: recovering the hidden factors within 5% (that holds on
// points the performance model generates, CalibrationFitTest). On this
// emulator sweep the serving model and the measurement disagree by more
// than the hidden change in places (docs/calibration.md, "Recovery from an
// emulator sweep"), so the fit does not find the truth.
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
  // Every point counts: run validity (client read lag on a busy ASan host)
  // is not what this test is about.
  auto cal = RunInfx(
      {"calibrate", "--db", db, "--include-invalid", "--json", "-o", fit_path});
  ASSERT_EQ(cal.exit_code, 0) << cal.stderr_text;
  const nlohmann::json fit = nlohmann::json::parse(cal.stdout_text);
  ASSERT_EQ(fit["points"], 12) << fit.dump(2);
  EXPECT_EQ(fit["residuals"].size(), 12u);
  const nlohmann::json& gemm = fit["factors"]["gemm_mfu"];
  EXPECT_GT(gemm["ci_high"].get<double>(), gemm["ci_low"].get<double>());
  // The fit closes part of the gap the hidden calibration opened.
  EXPECT_LT(fit["median_abs_error"].get<double>(),
            fit["median_abs_error_default"].get<double>())
      << fit.dump(2);

  // The emulator ran with the hidden truth, not with the defaults: the
  // truth predicts the measured points better than the defaults do.
  auto truth = RunInfx({"calibrate", "--db", db, "--include-invalid",
                        "--evaluate", dir + "/truth.yaml", "--json"});
  ASSERT_EQ(truth.exit_code, 0) << truth.stderr_text;
  const nlohmann::json by_truth = nlohmann::json::parse(truth.stdout_text);
  EXPECT_LT(by_truth["median_abs_error"].get<double>(),
            by_truth["median_abs_error_default"].get<double>())
      << by_truth.dump(2);
  EXPECT_DOUBLE_EQ(by_truth["factors"]["gemm_mfu"]["value"].get<double>(),
                   std::stod(std::to_string(kTrueGemmMfu)));

  // The fit is kept with the run it came from (schema 5).
  ASSERT_TRUE(fit.contains("fit_id")) << fit.dump(2);
  auto history = RunInfx({"calibrate", "--db", db, "--history", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.stderr_text;
  const nlohmann::json fits = nlohmann::json::parse(history.stdout_text);
  ASSERT_EQ(fits["fits"].size(), 1u) << fits.dump(2);
  EXPECT_EQ(fits["fits"][0]["run_id"], fit["run_id"]);
  EXPECT_DOUBLE_EQ(
      fits["fits"][0]["factors"]["gemm_mfu"]["value"].get<double>(),
      gemm["value"].get<double>());

  // --evaluate: the fitted file on the same points, no fit, nothing stored.
  auto eval = RunInfx({"calibrate", "--db", db, "--include-invalid",
                       "--evaluate", fit_path, "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.stderr_text;
  const nlohmann::json evaluated = nlohmann::json::parse(eval.stdout_text);
  EXPECT_EQ(evaluated["evaluated_file"], fit_path);
  EXPECT_FALSE(evaluated.contains("fit_id"));
  EXPECT_NEAR(evaluated["median_abs_error"].get<double>(),
              fit["median_abs_error"].get<double>(), 1e-3);
  WriteText(dir + "/b200.yaml",
            "hardware: b200\nengine: vllm\nfactors: {gemm_mfu: 0.5}\n");
  auto wrong =
      RunInfx({"calibrate", "--db", db, "--evaluate", dir + "/b200.yaml"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.stderr_text.find("b200 / vllm"), std::string::npos)
      << wrong.stderr_text;
  EXPECT_NE(wrong.stderr_text.find("h200 / vllm"), std::string::npos)
      << wrong.stderr_text;

  // The sweep's own predictions (the planner at its defaults) beside the
  // measured points: the error the hidden calibration caused, per point
  // and for the run.
  auto frontier =
      RunInfx({"frontier", "--db", db, "--include-invalid", "--json"});
  ASSERT_EQ(frontier.exit_code, 0) << frontier.stderr_text;
  const nlohmann::json pred =
      nlohmann::json::parse(frontier.stdout_text)["predictions"];
  EXPECT_EQ(pred["points"].size(), 12u) << pred.dump(2);
  EXPECT_GT(pred["median_abs_tput_error_pct"].get<double>(), 5.0)
      << pred.dump(2);

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
