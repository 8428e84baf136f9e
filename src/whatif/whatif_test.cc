#include "whatif/whatif.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/model_loader.h"
#include "perf/serving.h"
#include "perf/step_time.h"
#include "perf/test_fixtures.h"
#include "whatif/variant.h"
#include "whatif/whatif_format.h"

namespace infx::whatif {
namespace {

model::ModelSpec Model(const std::string& name) {
  auto m = model::LoadModel(name);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? *m : model::ModelSpec{};
}

WhatIfRequest Request(const std::vector<std::string>& models,
                      const hardware::HardwareSpec& hw,
                      const std::vector<std::string>& vary, int gpus) {
  std::vector<model::ModelSpec> specs;
  for (const std::string& m : models) specs.push_back(Model(m));
  std::vector<VaryAxis> axes;
  for (const std::string& v : vary) {
    auto axis = ParseVaryFlag(v);
    EXPECT_TRUE(axis.ok()) << axis.status().message();
    if (axis.ok()) axes.push_back(*axis);
  }
  WhatIfRequest r;
  auto variants = MakeVariants(specs, {hw}, axes);
  EXPECT_TRUE(variants.ok()) << variants.status().message();
  if (variants.ok()) r.variants = *variants;
  r.gpu_budget = gpus;
  return r;
}

TEST(VaryTest, UnknownFieldListsTheKnownOnes) {
  auto axis = ParseVaryFlag("hbm_speed=x2");
  ASSERT_FALSE(axis.ok());
  const std::string& msg = axis.status().message();
  EXPECT_NE(msg.find("hbm_speed"), std::string::npos) << msg;
  for (const std::string& f : KnownVaryFields()) {
    EXPECT_NE(msg.find(f), std::string::npos) << f << " missing in " << msg;
  }
}

TEST(VaryTest, BadValuesNameFieldAndValue) {
  for (const char* text :
       {"hbm_bandwidth=xx", "hbm_bandwidth=x0", "precision=fp3",
        "scaleup_domain=0", "topology=mesh", "flops_fp8="}) {
    auto axis = ParseVaryFlag(text);
    EXPECT_FALSE(axis.ok()) << text;
  }
  auto ok = ParseVaryFlag("scaleup_domain=8,72,576");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->values.size(), 3u);
}

TEST(VaryTest, MultiplierScalesAndPlainNumberReplacesInFieldUnit) {
  hardware::HardwareSpec hw = perf::testing::H200();
  Precision p = Precision::kBf16;
  ASSERT_TRUE(ApplySetting({"hbm_bandwidth", "x1.5"}, hw, p).ok());
  EXPECT_DOUBLE_EQ(hw.hbm_bandwidth_bytes_per_s, 4.8e12 * 1.5);
  ASSERT_TRUE(ApplySetting({"hbm_capacity", "288"}, hw, p).ok());
  EXPECT_DOUBLE_EQ(hw.hbm_capacity_bytes, 288e9);
  ASSERT_TRUE(ApplySetting({"flops_fp8", "x2"}, hw, p).ok());
  EXPECT_DOUBLE_EQ(hw.fp8_flops, 2 * 1979e12);
  ASSERT_TRUE(ApplySetting({"scaleup_domain", "576"}, hw, p).ok());
  EXPECT_EQ(hw.scale_up_domain_gpus, 576);
  ASSERT_TRUE(ApplySetting({"topology", "torus3d"}, hw, p).ok());
  EXPECT_EQ(hw.torus_dims, 3);
  ASSERT_TRUE(ApplySetting({"precision", "fp4"}, hw, p).ok());
  EXPECT_EQ(p, Precision::kFp4);
}

TEST(VaryTest, VariantsAreTheProductWithLabelsNamingWhatDiffers) {
  auto variants = MakeVariants({Model("llama-3.1-8b")}, {perf::testing::H200()},
                               {*ParseVaryFlag("hbm_bandwidth=x1,x2"),
                                *ParseVaryFlag("precision=fp8,fp4,bf16")});
  ASSERT_TRUE(variants.ok()) << variants.status().message();
  ASSERT_EQ(variants->size(), 6u);
  EXPECT_EQ((*variants)[0].label, "hbm_bandwidth=x1 precision=fp8");
  EXPECT_EQ((*variants)[5].label, "hbm_bandwidth=x2 precision=bf16");
  EXPECT_EQ((*variants)[5].precision, Precision::kBf16);
  EXPECT_DOUBLE_EQ((*variants)[5].hardware.hbm_bandwidth_bytes_per_s, 9.6e12);
  auto too_many =
      MakeVariants({Model("llama-3.1-8b")}, {perf::testing::H200()},
                   {*ParseVaryFlag("flops_fp8=1,2,3,4,5,6,7,8,9")}, 8);
  EXPECT_FALSE(too_many.ok());
}

TEST(IsoAtTest, BestThroughputAtOrAboveTheLevelWithItsConfig) {
  const std::vector<FrontierPoint> f = {{10, 1000, "a", "tp1", 64},
                                        {40, 600, "b", "tp2", 16},
                                        {90, 100, "c", "tp8", 1}};
  EXPECT_DOUBLE_EQ(*IsoAt(f, 40).throughput_per_gpu, 600);
  EXPECT_EQ(IsoAt(f, 40).config, "b");
  EXPECT_DOUBLE_EQ(*IsoAt(f, 41).throughput_per_gpu, 100);
  EXPECT_FALSE(IsoAt(f, 91).throughput_per_gpu.has_value());
}

// Physics: batch-1 decode of a dense model is memory-bound, so doubling HBM
// bandwidth roughly doubles tok/s/user (per-step overheads do not scale);
// a long prefill is compute-bound and does not move.
TEST(WhatIfPhysicsTest, DoubleHbmBandwidthDoublesBatchOneDecodeNotPrefill) {
  WhatIfRequest r = Request({"llama-3.1-70b"}, perf::testing::H200(),
                            {"hbm_bandwidth=x1,x2", "precision=fp8"}, 1);
  auto result = RunWhatIf(r);
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(result->variants.size(), 2u);
  const auto& base = result->variants[0].frontier;
  const auto& fast = result->variants[1].frontier;
  ASSERT_FALSE(base.empty());
  ASSERT_FALSE(fast.empty());
  EXPECT_EQ(base.back().concurrency, 1);
  EXPECT_EQ(fast.back().concurrency, 1);
  const double decode_gain =
      fast.back().interactivity / base.back().interactivity;
  EXPECT_GT(decode_gain, 1.7);
  EXPECT_LT(decode_gain, 2.01);

  std::vector<perf::PrefillChunk> chunk = {{8192, 0}};
  perf::BatchShape prefill;
  prefill.prefill_chunks = chunk;
  auto step = [&](const Variant& v) {
    perf::Deployment d = perf::testing::MakeDeployment(
        "llama-3.1-70b", v.hardware, v.precision, 1);
    return perf::PredictStepTime(d, prefill).total_s;
  };
  const double prefill_ratio = step(r.variants[0]) / step(r.variants[1]);
  EXPECT_GT(prefill_ratio, 0.99);
  EXPECT_LT(prefill_ratio, 1.03);
}

double GainAt(const WhatIfResult& r, size_t level) {
  return *r.variants[1].iso[level].throughput_per_gpu /
         *r.variants[0].iso[level].throughput_per_gpu;
}

// A wide-EP MoE needs more GPUs in one domain than an 8-GPU node: with a
// 72-GPU domain EP can span 64 GPUs (weights spread thin, more KV room,
// bigger batches); an 8B dense model is best inside a node either way.
TEST(WhatIfPhysicsTest, BiggerScaleUpDomainHelpsWideEpMoeNotSmallDense) {
  WhatIfRequest moe = Request({"deepseek-r1"}, perf::testing::H200(),
                              {"scaleup_domain=8,72"}, 64);
  moe.iso_levels = {10, 20, 50};
  auto m = RunWhatIf(moe);
  ASSERT_TRUE(m.ok()) << m.status().message();
  double best_gain = 0;
  for (size_t i = 0; i < m->iso_levels.size(); ++i) {
    if (!m->variants[0].iso[i].throughput_per_gpu ||
        !m->variants[1].iso[i].throughput_per_gpu) {
      continue;
    }
    EXPECT_GE(GainAt(*m, i), 0.999) << "level " << m->iso_levels[i];
    best_gain = std::max(best_gain, GainAt(*m, i));
  }
  EXPECT_GT(best_gain, 1.3);

  WhatIfRequest dense = Request({"llama-3.1-8b"}, perf::testing::H200(),
                                {"scaleup_domain=8,72"}, 64);
  dense.iso_levels = {20, 50, 100, 200};
  auto d = RunWhatIf(dense);
  ASSERT_TRUE(d.ok()) << d.status().message();
  int compared = 0;
  for (size_t i = 0; i < d->iso_levels.size(); ++i) {
    if (!d->variants[0].iso[i].throughput_per_gpu) continue;
    ASSERT_TRUE(d->variants[1].iso[i].throughput_per_gpu.has_value());
    EXPECT_NEAR(GainAt(*d, i), 1.0, 0.02) << "level " << d->iso_levels[i];
    ++compared;
  }
  EXPECT_GE(compared, 3);
}

// Same chips, same per-chip scale-up bandwidth, 256-chip domain: on a torus
// a wide-EP all-to-all crosses several links, so where the switched
// frontier's winner is wide EP the torus loses (and never wins anywhere);
// a TP8 group spans both dimensions of a 2D torus and all-reduces over
// neighbour rings at the full per-chip bandwidth, as on a switch. (Groups
// spanning one dimension, TP2, get half the links: tested in perf.)
TEST(WhatIfPhysicsTest, TorusCostsWideEpButNotAFullDimensionTpGroup) {
  hardware::HardwareSpec hw = perf::testing::H200();
  hw.scale_up_domain_gpus = 256;
  WhatIfRequest moe =
      Request({"deepseek-r1"}, hw, {"topology=switched,torus2d"}, 64);
  moe.iso_levels = {10, 20, 50};
  auto m = RunWhatIf(moe);
  ASSERT_TRUE(m.ok()) << m.status().message();
  bool wide_ep_level = false;
  for (size_t i = 0; i < m->iso_levels.size(); ++i) {
    const IsoCell& sw = m->variants[0].iso[i];
    ASSERT_TRUE(sw.throughput_per_gpu &&
                m->variants[1].iso[i].throughput_per_gpu);
    EXPECT_LE(GainAt(*m, i), 1.0 + 1e-9);
    if (sw.parallelism.find("ep16") != std::string::npos ||
        sw.parallelism.find("ep32") != std::string::npos ||
        sw.parallelism.find("ep64") != std::string::npos) {
      wide_ep_level = true;
      EXPECT_LT(GainAt(*m, i), 0.97) << sw.config;
    }
  }
  EXPECT_TRUE(wide_ep_level);

  WhatIfRequest dense =
      Request({"llama-3.1-8b"}, hw, {"topology=switched,torus2d"}, 8);
  dense.iso_levels = {300};
  auto d = RunWhatIf(dense);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_TRUE(d->variants[0].iso[0].throughput_per_gpu.has_value());
  EXPECT_EQ(d->variants[0].iso[0].parallelism, "tp8");
  EXPECT_NEAR(GainAt(*d, 0), 1.0, 1e-6);
}

TEST(WhatIfTest, JsonHasVariantsWithLabelAndFrontierPoints) {
  WhatIfRequest r =
      Request({"llama-3.1-8b"}, perf::testing::H200(), {"flops_bf16=x1,x2"}, 8);
  auto result = RunWhatIf(r);
  ASSERT_TRUE(result.ok());
  const nlohmann::json j = WhatIfJson(r, *result);
  ASSERT_EQ(j["variants"].size(), 2u);
  for (const auto& v : j["variants"]) {
    EXPECT_TRUE(v["label"].is_string());
    ASSERT_FALSE(v["frontier"].empty());
    for (const auto& p : v["frontier"]) {
      EXPECT_GT(p["interactivity"].get<double>(), 0);
      EXPECT_GT(p["throughput_per_gpu"].get<double>(), 0);
      EXPECT_FALSE(p["config"].get<std::string>().empty());
    }
  }
  const std::string text = FormatWhatIf(r, *result);
  EXPECT_NE(text.find("flops_bf16=x2"), std::string::npos) << text;
  const chart::Chart chart = WhatIfChart(r, *result);
  EXPECT_EQ(chart.series.size(), 2u);
}

TEST(WhatIfTest, DecompositionWalksHardwareParallelismPrecisionModel) {
  std::vector<VaryAxis> axes = {*ParseVaryFlag("precision=fp8,fp4")};
  WhatIfRequest r;
  auto a = MakeVariants({Model("llama-3.1-70b")}, {perf::testing::H200()},
                        {*ParseVaryFlag("precision=fp8")});
  auto b = MakeVariants({Model("llama-3.1-70b")}, {perf::testing::B200()},
                        {*ParseVaryFlag("precision=fp4")});
  ASSERT_TRUE(a.ok() && b.ok());
  r.variants = {a->front(), b->front()};
  r.gpu_budget = 8;
  r.iso_levels = {20, 50};
  r.decompose = true;
  auto result = RunWhatIf(r);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const auto& steps = result->decomposition;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[1].layer, "hardware");
  EXPECT_EQ(steps[1].change, "h200 -> b200");
  EXPECT_EQ(steps[3].change, "fp8 -> fp4");
  EXPECT_EQ(steps[4].change, "unchanged");
  for (size_t i = 0; i < 2; ++i) {
    const double base = *steps[0].iso[i].throughput_per_gpu;
    const double hw = *steps[1].iso[i].throughput_per_gpu;
    const double par = *steps[2].iso[i].throughput_per_gpu;
    const double fp4 = *steps[3].iso[i].throughput_per_gpu;
    EXPECT_GT(hw, base * 1.3);   // B200: 1.67x bandwidth, 2.3x FLOP/s
    EXPECT_GE(par, hw * 0.999);  // freeing the config never loses
    EXPECT_GT(fp4, par);         // FP4 tensor cores and half the bytes
    // The last step is the target variant itself.
    EXPECT_DOUBLE_EQ(*steps[4].iso[i].throughput_per_gpu,
                     *result->variants[1].iso[i].throughput_per_gpu);
  }
}

}  // namespace
}  // namespace infx::whatif
