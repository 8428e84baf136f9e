#include "perf/memory.h"

#include <gtest/gtest.h>

#include "model/model_loader.h"
#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

using testing::H100;
using testing::H200;
using testing::MakeDeployment;

TEST(PlanMemoryTest, Llama70bBf16DoesNotFitOneH100AndSaysHowManyGb) {
  const Deployment d =
      MakeDeployment("llama-3.1-70b", H100(), Precision::kBf16, 1);
  ASSERT_GT(d.model.num_layers, 0);
  const MemoryPlan m = PlanMemory(d);
  EXPECT_FALSE(m.fits);
  // ~70.6e9 parameters x 2 bytes.
  EXPECT_GT(m.weight_bytes_per_gpu, 135e9);
  EXPECT_LT(m.weight_bytes_per_gpu, 150e9);
  EXPECT_NE(m.reason.find("GB"), std::string::npos) << m.reason;
  EXPECT_NE(m.reason.find("141."), std::string::npos) << m.reason;
}

TEST(PlanMemoryTest, Llama70bBf16FitsFourH100WithKvRoom) {
  const MemoryPlan m =
      PlanMemory(MakeDeployment("llama-3.1-70b", H100(), Precision::kBf16, 4));
  EXPECT_TRUE(m.fits) << m.reason;
  EXPECT_TRUE(m.reason.empty());
  EXPECT_NEAR(m.weight_bytes_per_gpu, 141e9 / 4, 3e9);
  EXPECT_GT(m.kv_capacity_tokens, 100000);
}

TEST(PlanMemoryTest, DeepSeekR1Fp8NeedsH200NotH100) {
  const MemoryPlan h100 =
      PlanMemory(MakeDeployment("deepseek-r1", H100(), Precision::kFp8, 8));
  const MemoryPlan h200 =
      PlanMemory(MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8));
  EXPECT_FALSE(h100.fits);
  EXPECT_NE(h100.reason.find("GB"), std::string::npos);
  EXPECT_TRUE(h200.fits) << h200.reason;
  EXPECT_GT(h200.kv_capacity_tokens, 0);
}

TEST(PlanMemoryTest, PipelineHalvesWeightsPerGpu) {
  const MemoryPlan tp1 =
      PlanMemory(MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 2));
  const MemoryPlan pp2 = PlanMemory(
      MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 2, 2));
  EXPECT_NEAR(pp2.weight_bytes_per_gpu / tp1.weight_bytes_per_gpu, 0.5, 0.05);
}

TEST(PlanMemoryTest, KvReplicatedWhenTpExceedsKvHeads) {
  // Llama-3.1-8B has 8 KV heads: TP8 holds 1/8 of a token's KV per GPU,
  // TP16 still 1/8 (each GPU keeps one head).
  const MemoryPlan tp8 =
      PlanMemory(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 8));
  const MemoryPlan tp16 =
      PlanMemory(MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 16));
  EXPECT_DOUBLE_EQ(tp8.kv_bytes_per_token_per_gpu,
                   tp16.kv_bytes_per_token_per_gpu);
  // 32 layers x 2 x 8 heads x 128 x 2 bytes = 131072 bytes per token.
  EXPECT_DOUBLE_EQ(tp8.kv_bytes_per_token_per_gpu, 131072.0 / 8);
}

TEST(PlanMemoryTest, MlaLatentReplicatedUnlessDpAttention) {
  const Deployment tp =
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 8, false);
  const Deployment dpa =
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 8, true);
  const MemoryPlan m_tp = PlanMemory(tp);
  const MemoryPlan m_dpa = PlanMemory(dpa);
  ASSERT_TRUE(m_tp.fits && m_dpa.fits);
  // DP-attention replicates attention weights (less KV room per GPU) but
  // spreads sequences over 8 ranks: several times the token capacity.
  EXPECT_GT(m_dpa.weight_bytes_per_gpu, m_tp.weight_bytes_per_gpu);
  EXPECT_GT(m_dpa.kv_capacity_tokens, 4 * m_tp.kv_capacity_tokens);
}

TEST(MaxConcurrencyTest, ShrinksWithLongerSequencesAndIsZeroWhenNotFit) {
  const Deployment d =
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  const MemoryPlan m = PlanMemory(d);
  const int64_t short_c = MaxConcurrency(m, d, 1024, 1024);
  const int64_t long_c = MaxConcurrency(m, d, 8192, 1024);
  EXPECT_GT(short_c, long_c);
  EXPECT_GT(long_c, 0);
  // Capacity / (2048 tokens x 128 KiB).
  EXPECT_NEAR(static_cast<double>(short_c),
              m.kv_bytes_per_gpu / (2048 * 131072.0), 1.0);
  const Deployment big =
      MakeDeployment("llama-3.1-70b", H100(), Precision::kBf16, 1);
  EXPECT_EQ(MaxConcurrency(PlanMemory(big), big, 1024, 1024), 0);
}

TEST(PlanMemoryTest, TrtllmUsesFractionOfFreeMemory) {
  Deployment d = MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  d.engine = Engine::kTrtllm;
  d.calibration = DefaultCalibration(d.hardware, d.engine);
  const MemoryPlan m = PlanMemory(d);
  const double free = m.hbm_bytes_per_gpu - m.weight_bytes_per_gpu -
                      m.activation_bytes_per_gpu - m.overhead_bytes_per_gpu;
  EXPECT_NEAR(m.kv_bytes_per_gpu, free * 0.9, 1e6);
}

// SGLang's mem-fraction-static covers weights + KV pool; activations live
// in the remaining (1 - fraction) of HBM, so they do not shrink the pool
// when they fit there (unlike vLLM's gpu-memory-utilization budget).
TEST(PlanMemoryTest, SglangStaticFractionHoldsWeightsAndKvOnly) {
  Deployment d = MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  d.engine = Engine::kSglang;
  d.calibration = DefaultCalibration(d.hardware, d.engine);
  const MemoryPlan m = PlanMemory(d);
  ASSERT_TRUE(m.fits) << m.reason;
  ASSERT_LT(m.activation_bytes_per_gpu,
            m.hbm_bytes_per_gpu * (1 - d.calibration.memory_utilization));
  EXPECT_NEAR(m.kv_bytes_per_gpu,
              m.hbm_bytes_per_gpu * d.calibration.memory_utilization -
                  m.weight_bytes_per_gpu - m.overhead_bytes_per_gpu,
              1e6);
  // vLLM at the same fraction also pays the activations from its budget.
  Deployment v = d;
  v.engine = Engine::kVllm;
  const MemoryPlan mv = PlanMemory(v);
  EXPECT_NEAR(m.kv_bytes_per_gpu - mv.kv_bytes_per_gpu,
              m.activation_bytes_per_gpu, 1e6);
}

// When the activations outgrow the reserve the pool shrinks by the excess.
TEST(PlanMemoryTest, SglangPoolShrinksWhenActivationsOutgrowTheReserve) {
  Deployment d = MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  d.engine = Engine::kSglang;
  d.calibration = DefaultCalibration(d.hardware, d.engine);
  d.calibration.memory_utilization = 0.999;
  const MemoryPlan m = PlanMemory(d);
  const double reserve = m.hbm_bytes_per_gpu * 0.001;
  EXPECT_NEAR(m.kv_bytes_per_gpu,
              m.usable_bytes_per_gpu - m.weight_bytes_per_gpu -
                  m.overhead_bytes_per_gpu -
                  (m.activation_bytes_per_gpu - reserve),
              1e6);
}

}  // namespace
}  // namespace infx::perf
