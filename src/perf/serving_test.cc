#include "perf/serving.h"

#include <gtest/gtest.h>

#include <vector>

#include "model/model_math.h"
#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

using testing::H100;
using testing::H200;
using testing::MakeDeployment;

struct Fixture {
  Deployment d;
  CostModel costs;
  MemoryPlan memory;
  explicit Fixture(Deployment dep)
      : d(std::move(dep)), costs(BuildCostModel(d)), memory(PlanMemory(d)) {}
};

TEST(WorkloadTest, RangeRatioMeans) {
  Workload w{1000, 100, 0.8};
  EXPECT_DOUBLE_EQ(w.mean_isl(), 900);
  EXPECT_DOUBLE_EQ(w.mean_osl(), 90);
  w.range_ratio = 1.0;
  EXPECT_DOUBLE_EQ(w.mean_isl(), 1000);
}

TEST(ServingTest, ThroughputRisesAndInteractivityFallsWithConcurrency) {
  const Fixture f(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  const Workload w{1024, 1024, 0.8};
  ServingPoint last;
  for (int64_t c : {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
    const ServingPoint p = PredictServing(f.costs, f.memory, w, c);
    if (c > 1) {
      EXPECT_GT(p.total_tok_s_per_gpu, last.total_tok_s_per_gpu) << c;
      EXPECT_LT(p.interactivity_tok_s_user, last.interactivity_tok_s_user) << c;
    }
    EXPECT_NEAR(p.interactivity_tok_s_user * p.tpot_ms, 1000.0, 1e-6);
    EXPECT_NEAR(p.total_tok_s_per_gpu,
                p.input_tok_s_per_gpu + p.output_tok_s_per_gpu, 1e-6);
    EXPECT_GT(p.e2e_ms, p.ttft_ms);
    last = p;
  }
}

// A workload whose prompts are mostly cached prefills less: lower TTFT and
// more throughput at every concurrency; a zero hit rate changes nothing.
TEST(ServingTest, PrefixHitsCutPrefillWork) {
  const Fixture f(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  const Workload cold{8192, 256, 1.0};
  Workload warm = cold;
  warm.prefix_hit_rate = 0.9;
  EXPECT_DOUBLE_EQ(cold.mean_prefill_tokens(), 8192);
  EXPECT_NEAR(warm.mean_prefill_tokens(), 819.2, 1e-9);
  for (int64_t c : {1, 16, 128}) {
    const ServingPoint a = PredictServing(f.costs, f.memory, cold, c);
    const ServingPoint b = PredictServing(f.costs, f.memory, warm, c);
    EXPECT_LT(b.ttft_ms, a.ttft_ms) << c;
    EXPECT_GT(b.total_tok_s_per_gpu, a.total_tok_s_per_gpu) << c;
  }
  Workload zero = cold;
  zero.prefix_hit_rate = 0;
  EXPECT_DOUBLE_EQ(PredictServing(f.costs, f.memory, zero, 8).ttft_ms,
                   PredictServing(f.costs, f.memory, cold, 8).ttft_ms);
}

TEST(ServingTest, Batch1TpotRespectsRoofline) {
  const Fixture f(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  const ServingPoint p =
      PredictServing(f.costs, f.memory, Workload{1024, 1024, 0.8}, 1);
  const double roofline_ms = 1e3 *
                             model::WeightBytes(f.d.model, Precision::kBf16) /
                             f.d.hardware.hbm_bandwidth_bytes_per_s;
  EXPECT_GE(p.tpot_ms, roofline_ms);
  EXPECT_GT(p.ttft_ms, 0);
}

TEST(ServingTest, KvSaturationCapsThroughputAndGrowsTtft) {
  // 70B FP8 on one H200 leaves room for a few dozen 8k sequences.
  const Fixture f(MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 1));
  ASSERT_TRUE(f.memory.fits) << f.memory.reason;
  const Workload w{8192, 1024, 0.8};
  const ServingPoint a = PredictServing(f.costs, f.memory, w, 256);
  const ServingPoint b = PredictServing(f.costs, f.memory, w, 512);
  EXPECT_TRUE(a.saturated);
  EXPECT_NEAR(a.total_tok_s_per_gpu, b.total_tok_s_per_gpu,
              1e-6 * a.total_tok_s_per_gpu);
  EXPECT_GT(b.ttft_ms, 1.5 * a.ttft_ms);
}

TEST(ServingTest, ReplicasShareConcurrency) {
  const Fixture f(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  const Workload w{1024, 1024, 0.8};
  const ServingPoint one = PredictServing(f.costs, f.memory, w, 32);
  const ServingPoint eight = PredictServing(f.costs, f.memory, w, 256, 8);
  EXPECT_NEAR(one.tpot_ms, eight.tpot_ms, 1e-9);
  EXPECT_NEAR(one.total_tok_s_per_gpu, eight.total_tok_s_per_gpu, 1e-6);
  EXPECT_NEAR(eight.requests_per_s, 8 * one.requests_per_s, 1e-6);
}

TEST(ServingTest, SpeculationRaisesInteractivityAtLowConcurrency) {
  const Workload w{1024, 1024, 0.8};
  const Speculation mtp{3, 2.5, 0.05};
  const Fixture dense(
      MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 4));
  const ServingPoint plain = PredictServing(dense.costs, dense.memory, w, 4);
  const ServingPoint fast =
      PredictServing(dense.costs, dense.memory, w, 4, 1, mtp);
  EXPECT_GT(fast.interactivity_tok_s_user,
            1.8 * plain.interactivity_tok_s_user);
  // An MoE verify step touches more experts, so the gain is smaller.
  const Fixture moe(
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 8, false));
  const ServingPoint moe_plain = PredictServing(moe.costs, moe.memory, w, 1);
  const ServingPoint moe_fast =
      PredictServing(moe.costs, moe.memory, w, 1, 1, mtp);
  EXPECT_GT(moe_fast.interactivity_tok_s_user,
            1.2 * moe_plain.interactivity_tok_s_user);
  EXPECT_LT(
      moe_fast.interactivity_tok_s_user / moe_plain.interactivity_tok_s_user,
      fast.interactivity_tok_s_user / plain.interactivity_tok_s_user);
}

TEST(ServingTest, DisaggregatedIsRateMatched) {
  const Fixture f(MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 4));
  const Workload w{8192, 1024, 0.8};
  const ServingPoint p1d1 =
      PredictDisaggregated(f.costs, f.costs, f.memory, {1, 1}, w, 64);
  const ServingPoint p1d3 =
      PredictDisaggregated(f.costs, f.costs, f.memory, {1, 3}, w, 192);
  const ServingPoint p3d3 =
      PredictDisaggregated(f.costs, f.costs, f.memory, {3, 3}, w, 192);
  EXPECT_GT(p1d1.total_tok_s_per_gpu, 0);
  // With 8k prompts one prefill instance cannot feed three decoders: the
  // prefill-limited split queues (longer TTFT) and earns less per GPU.
  EXPECT_GT(p1d3.ttft_ms, p3d3.ttft_ms);
  EXPECT_GE(p3d3.requests_per_s, p1d3.requests_per_s);
  EXPECT_GT(p1d1.interactivity_tok_s_user, 0);
}

}  // namespace
}  // namespace infx::perf
