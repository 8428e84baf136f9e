// The calibration fit on points the model itself generated under a hidden
// calibration: it recovers the changed factors, flags what the points
// cannot identify (and why), and refuses mixed hardware/engine groups and
// too few points. The emulator-measured recovery runs in tests/.
#include "calibrate/fit.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "hardware/catalog.h"
#include "model/model_loader.h"

namespace infx::calibrate {
namespace {

perf::Deployment MakeDeployment(const std::string& model, int tp,
                                perf::Engine engine = perf::Engine::kVllm) {
  perf::Deployment d;
  d.model = *model::LoadModel(model);
  d.hardware = *hardware::HardwareCatalog::Builtin().Find("h200");
  d.weight_precision = d.kv_precision = Precision::kBf16;
  d.parallelism.tp = tp;
  d.engine = engine;
  d.calibration = perf::DefaultCalibration(d.hardware, engine);
  return d;
}

// Points measured "by" the model under `truth`.
std::vector<MeasuredPoint> Generate(const std::vector<perf::Deployment>& ds,
                                    const perf::Calibration& truth) {
  std::vector<MeasuredPoint> out;
  const std::vector<perf::Workload> workloads = {
      {1024, 128, 0.8}, {128, 512, 0.8}, {4096, 32, 0.8}};
  int k = 0;
  for (const perf::Deployment& d : ds) {
    for (const perf::Workload& w : workloads) {
      for (int64_t conc : {1, 4, 16, 64}) {
        MeasuredPoint m;
        m.config_key = fmt::format("{}/tp{}", d.model.name, d.parallelism.tp);
        m.point_id = ++k;
        m.deployment = d;
        m.workload = w;
        m.concurrency = conc;
        const Predicted p = PredictMeasured(m, truth);
        m.output_tok_s_per_gpu = p.output_tok_s_per_gpu;
        m.tpot_ms = p.tpot_ms;
        out.push_back(m);
      }
    }
  }
  return out;
}

const FactorFit& Factor(const FitResult& fit, const std::string& name) {
  for (const FactorFit& f : fit.factors) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no factor " << name;
  return fit.factors.front();
}

TEST(CalibrationFitTest, RecoversChangedFactors) {
  const std::vector<perf::Deployment> ds = {
      MakeDeployment("qwen3-0.6b", 1), MakeDeployment("llama-3.1-8b", 1),
      MakeDeployment("llama-3.1-8b", 2), MakeDeployment("qwen3-32b", 2)};
  perf::Calibration truth = ds[0].calibration;
  truth.gemm_mfu *= 0.7;          // -30%
  truth.step_overhead_s *= 1.35;  // +35%
  auto fit = FitCalibration(Generate(ds, truth), {});
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  EXPECT_EQ(fit->hardware, "h200");
  EXPECT_EQ(fit->engine, "vllm");
  const FactorFit& gemm = Factor(*fit, "gemm_mfu");
  EXPECT_TRUE(gemm.identifiable) << gemm.reason;
  EXPECT_NEAR(gemm.value / truth.gemm_mfu, 1.0, 0.02);
  EXPECT_LE(gemm.ci_low, gemm.value);
  EXPECT_GE(gemm.ci_high, gemm.value);
  const FactorFit& step = Factor(*fit, "step_overhead_s");
  EXPECT_TRUE(step.identifiable) << step.reason;
  EXPECT_NEAR(step.value / truth.step_overhead_s, 1.0, 0.02);
  EXPECT_LT(fit->median_abs_error, 0.01);
  EXPECT_GT(fit->median_abs_error_default, 0.03);
  EXPECT_EQ(fit->loo_configs, 4);
  EXPECT_LT(fit->loo_median_abs_error, 0.03);
  // No MoE model or FP4 config: those factors say so.
  const FactorFit& moe = Factor(*fit, "moe_gemm_mfu");
  EXPECT_FALSE(moe.identifiable);
  EXPECT_NE(moe.reason.find("no MoE model"), std::string::npos) << moe.reason;
  EXPECT_DOUBLE_EQ(moe.value, moe.default_value);
  EXPECT_NE(Factor(*fit, "fp4_gemm_mfu").reason.find("FP4"), std::string::npos);
}

TEST(CalibrationFitTest, FlagsFactorsOneConfigCannotSeparate) {
  // One model at tp1: the per-step and per-layer overheads add up the same
  // way at every point, so they trade off.
  const std::vector<perf::Deployment> ds = {MakeDeployment("llama-3.1-8b", 1)};
  FitOptions o;
  o.factors = {"step_overhead_s", "per_layer_overhead_s"};
  o.leave_one_out = false;
  auto fit = FitCalibration(Generate(ds, ds[0].calibration), o);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  for (const FactorFit& f : fit->factors) {
    EXPECT_FALSE(f.identifiable) << f.name;
    EXPECT_NE(f.reason.find("correlated with"), std::string::npos) << f.reason;
  }
}

TEST(CalibrationFitTest, RefusesMixedGroupsAndTooFewPoints) {
  const std::vector<perf::Deployment> ds = {
      MakeDeployment("llama-3.1-8b", 1),
      MakeDeployment("llama-3.1-8b", 1, perf::Engine::kSglang)};
  auto mixed = FitCalibration(Generate(ds, ds[0].calibration), {});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("h200 / sglang"), std::string::npos)
      << mixed.status().message();
  std::vector<MeasuredPoint> one = Generate({ds[0]}, ds[0].calibration);
  one.resize(1);
  auto few = FitCalibration(one, {});
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("at least 2"), std::string::npos);
  FitOptions unknown;
  unknown.factors = {"gemm"};
  auto bad = FitCalibration(Generate({ds[0]}, ds[0].calibration), unknown);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'gemm'"), std::string::npos);
}

TEST(CalibrationFitTest, EvaluatesAGivenCalibrationOnPointsItNeverSaw) {
  // Fit on one half of the configs, evaluate on the other: what
  // `infx calibrate --evaluate FILE` reports as held-out error.
  const std::vector<perf::Deployment> ds = {
      MakeDeployment("qwen3-0.6b", 1), MakeDeployment("llama-3.1-8b", 1),
      MakeDeployment("llama-3.1-8b", 2), MakeDeployment("qwen3-32b", 2)};
  perf::Calibration truth = ds[0].calibration;
  truth.gemm_mfu *= 0.7;
  truth.step_overhead_s *= 1.35;
  FitOptions o;
  o.leave_one_out = false;
  auto fit = FitCalibration(Generate({ds[0], ds[2]}, truth), o);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  const std::vector<MeasuredPoint> test = Generate({ds[1], ds[3]}, truth);
  auto held_out = EvaluateCalibration(test, fit->calibration);
  ASSERT_TRUE(held_out.ok()) << held_out.status().message();
  EXPECT_EQ(held_out->residuals.size(), test.size());
  EXPECT_GT(held_out->median_abs_error_default, 0.03);
  EXPECT_LT(held_out->median_abs_error, 0.02);
  EXPECT_DOUBLE_EQ(Factor(*held_out, "gemm_mfu").value,
                   fit->calibration.gemm_mfu);
  EXPECT_FALSE(Factor(*held_out, "gemm_mfu").identifiable);
  // The defaults themselves leave the defaults' error.
  auto same = EvaluateCalibration(test, ds[0].calibration);
  ASSERT_TRUE(same.ok());
  EXPECT_DOUBLE_EQ(same->median_abs_error, same->median_abs_error_default);
  EXPECT_FALSE(EvaluateCalibration({}, truth).ok());
}

}  // namespace
}  // namespace infx::calibrate
