#include "perf/step_time.h"

#include <gtest/gtest.h>

#include <vector>

#include "model/model_math.h"
#include "perf/test_fixtures.h"

namespace infx::perf {
namespace {

using testing::H200;
using testing::MakeDeployment;

BatchShape Decode(int64_t seqs, int64_t ctx_each) {
  BatchShape b;
  b.decode_seqs = seqs;
  b.decode_context_tokens = seqs * ctx_each;
  return b;
}

TEST(StepTimeTest, EmptyBatchTakesNoTime) {
  const Deployment d =
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  EXPECT_EQ(PredictStepTime(d, BatchShape{}).total_s, 0);
}

TEST(StepTimeTest, Llama8bBatch1DecodeNoFasterThanWeightsOverBandwidth) {
  const Deployment d =
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  const double weights = model::WeightBytes(d.model, Precision::kBf16);
  const double roofline_s = weights / d.hardware.hbm_bandwidth_bytes_per_s;
  const StepTime t = PredictStepTime(d, Decode(1, 1024));
  EXPECT_GE(t.total_s, roofline_s);
  EXPECT_GE(t.memory_bound_s, roofline_s);
  // ... and within a plausible factor of it (weights at ~80% of peak plus
  // per-step overheads).
  EXPECT_LT(t.total_s, 2.5 * roofline_s);
}

TEST(StepTimeTest, DecodeStepGrowsWithBatchAndContext) {
  const CostModel c = BuildCostModel(
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  double last = 0;
  for (int64_t b : {1, 8, 32, 128, 256, 512}) {
    const double t = PredictStepTime(c, Decode(b, 2048)).total_s;
    EXPECT_GT(t, last) << "batch " << b;
    last = t;
  }
  EXPECT_GT(PredictStepTime(c, Decode(64, 8192)).total_s,
            PredictStepTime(c, Decode(64, 1024)).total_s);
}

TEST(StepTimeTest, LargePrefillIsComputeBound) {
  const Deployment d =
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1);
  const std::vector<PrefillChunk> chunks = {{8192, 0}};
  BatchShape b;
  b.prefill_chunks = chunks;
  const StepTime t = PredictStepTime(d, b);
  EXPECT_GT(t.compute_bound_s, t.memory_bound_s);
  const double flops =
      8192 * model::PrefillFlopsPerToken(d.model, 8192).total();
  EXPECT_GE(t.total_s, flops / d.hardware.bf16_flops);
}

TEST(StepTimeTest, TensorParallelSpeedsDecodeButPaysCommunication) {
  const BatchShape b = Decode(1, 1024);
  const StepTime tp1 = PredictStepTime(
      MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 1), b);
  const StepTime tp8 = PredictStepTime(
      MakeDeployment("llama-3.1-70b", H200(), Precision::kFp8, 8), b);
  EXPECT_LT(tp8.total_s, tp1.total_s);
  EXPECT_GT(tp8.total_s, tp1.total_s / 8);
  EXPECT_EQ(tp1.communication_s, 0);
  EXPECT_GT(tp8.communication_s, 0);
}

TEST(StepTimeTest, MoeBatchOneReadsOnlyActiveExperts) {
  const Deployment d =
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 8, false);
  const double all_weights_s = model::WeightBytes(d.model, Precision::kFp8) /
                               8 / d.hardware.hbm_bandwidth_bytes_per_s;
  const StepTime one = PredictStepTime(d, Decode(1, 1024));
  const StepTime many = PredictStepTime(d, Decode(256, 1024));
  EXPECT_LT(one.memory_bound_s, 0.3 * all_weights_s);
  EXPECT_GT(many.memory_bound_s, 2 * one.memory_bound_s);
}

TEST(StepTimeTest, SpeculativeVerifyCostsLessThanSeparateSteps) {
  const CostModel c = BuildCostModel(
      MakeDeployment("llama-3.1-8b", H200(), Precision::kBf16, 1));
  // Memory-bound at batch 8: verifying 4 tokens per sequence is free.
  BatchShape verify = Decode(8, 2048);
  verify.decode_tokens_per_seq = 4;
  const double one = PredictStepTime(c, Decode(8, 2048)).total_s;
  EXPECT_DOUBLE_EQ(PredictStepTime(c, verify).total_s, one);
  // Compute-bound at batch 256: 4x the tokens costs more, but the KV cache
  // is still read once.
  BatchShape big = Decode(256, 2048);
  const double big_one = PredictStepTime(c, big).total_s;
  big.decode_tokens_per_seq = 4;
  const double big_four = PredictStepTime(c, big).total_s;
  EXPECT_GT(big_four, big_one);
  EXPECT_LT(big_four, 4 * big_one);
}

BatchShape Prefill(const std::vector<PrefillChunk>& chunks) {
  BatchShape b;
  b.prefill_chunks = chunks;
  return b;
}

TEST(StepTimeTest, NativeFp4GemmsRunAtFp4Efficiency) {
  const std::vector<PrefillChunk> chunks = {{8192, 0}};
  Deployment fp8 =
      MakeDeployment("llama-3.1-70b", testing::B200(), Precision::kFp8, 1);
  Deployment fp4 =
      MakeDeployment("llama-3.1-70b", testing::B200(), Precision::kFp4, 1);
  const double t8 = PredictStepTime(fp8, Prefill(chunks)).compute_bound_s;
  const double t4 = PredictStepTime(fp4, Prefill(chunks)).compute_bound_s;
  // FP4 is faster than FP8, by less than the 2x of the peaks: the default
  // fp4_gemm_mfu is below gemm_mfu.
  EXPECT_LT(t4, t8);
  EXPECT_GT(t4, 0.7 * t8);
  // The GEMM part follows fp4_gemm_mfu: halving it slows the prefill.
  fp4.calibration.fp4_gemm_mfu /= 2;
  EXPECT_GT(PredictStepTime(fp4, Prefill(chunks)).compute_bound_s, 1.5 * t4);
  // Without FP4 tensor cores (H200) FP4 weights compute at the FP8 peak
  // with gemm_mfu; fp4_gemm_mfu does not apply.
  Deployment h200 = MakeDeployment("llama-3.1-70b", H200(), Precision::kFp4, 1);
  const double before = PredictStepTime(h200, Prefill(chunks)).total_s;
  h200.calibration.fp4_gemm_mfu /= 2;
  EXPECT_DOUBLE_EQ(PredictStepTime(h200, Prefill(chunks)).total_s, before);
}

TEST(StepTimeTest, RoutedExpertsRunAtMoeGemmEfficiency) {
  const std::vector<PrefillChunk> chunks = {{8192, 0}};
  Deployment d = MakeDeployment("qwen3-30b-a3b", H200(), Precision::kFp8, 1);
  const double base = PredictStepTime(d, Prefill(chunks)).compute_bound_s;
  d.calibration.moe_gemm_mfu /= 2;
  const double slower = PredictStepTime(d, Prefill(chunks)).compute_bound_s;
  EXPECT_GT(slower, base);
  // Dense models have no routed experts: the field does not matter.
  Deployment dense = MakeDeployment("qwen3-32b", H200(), Precision::kFp8, 1);
  const double dense_base = PredictStepTime(dense, Prefill(chunks)).total_s;
  dense.calibration.moe_gemm_mfu /= 2;
  EXPECT_DOUBLE_EQ(PredictStepTime(dense, Prefill(chunks)).total_s, dense_base);
}

TEST(StepTimeTest, BusiestExpertParallelRankSetsTheMoeTime) {
  // Batch 1 on EP8: the busiest rank holds ~2.4 of the token's 8 experts,
  // so it reads more expert bytes than a GPU of TP8 (1/8 of all 8).
  const Deployment tp8 =
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 1, false);
  const Deployment ep8 =
      MakeDeployment("deepseek-r1", H200(), Precision::kFp8, 8, 1, 8, false);
  EXPECT_GT(PredictStepTime(ep8, Decode(1, 1024)).memory_bound_s,
            PredictStepTime(tp8, Decode(1, 1024)).memory_bound_s);
  // Skewed expert popularity makes the busiest rank busier still under EP
  // and changes nothing without EP.
  const std::vector<PrefillChunk> chunks = {{8192, 0}};
  for (const Deployment& base : {tp8, ep8}) {
    Deployment skewed = base;
    skewed.calibration.expert_load_cv = 0.5;
    const StepTime a = PredictStepTime(base, Prefill(chunks));
    const StepTime b = PredictStepTime(skewed, Prefill(chunks));
    if (base.parallelism.ep > 1) {
      EXPECT_GT(b.compute_bound_s, a.compute_bound_s);
      EXPECT_GT(b.communication_s, a.communication_s);
    } else {
      EXPECT_DOUBLE_EQ(b.total_s, a.total_s);
    }
  }
}

TEST(StepTimeTest, DpAttentionBusiestRankTakesWholePrefillChunks) {
  // A sequence lives on one attention-DP rank, so a prompt's chunk is not
  // spread over the 8 ranks: the first chunk lengthens the step by its full
  // attention work, a second one (on another rank) mostly by its experts.
  const Deployment d =
      MakeDeployment("qwen3-235b-a22b", H200(), Precision::kFp8, 8, 1, 8, true);
  const CostModel c = BuildCostModel(d);
  auto time = [&](int chunks) {
    BatchShape b = Decode(512, 1500);
    const std::vector<PrefillChunk> list(static_cast<size_t>(chunks),
                                         PrefillChunk{2048, 0});
    b.prefill_chunks = list;
    return PredictStepTime(c, b).total_s;
  };
  const double first = time(1) - time(0);
  const double second = time(2) - time(1);
  EXPECT_GT(first, 0);
  EXPECT_GT(second, 0);
  EXPECT_LT(second, 0.7 * first);
  // Without DP-attention every chunk is split over TP: each costs the same.
  const CostModel tp = BuildCostModel(MakeDeployment(
      "qwen3-235b-a22b", H200(), Precision::kFp8, 8, 1, 8, false));
  auto tp_time = [&](int chunks) {
    BatchShape b = Decode(512, 1500);
    const std::vector<PrefillChunk> list(static_cast<size_t>(chunks),
                                         PrefillChunk{2048, 0});
    b.prefill_chunks = list;
    return PredictStepTime(tp, b).total_s;
  };
  EXPECT_NEAR((tp_time(2) - tp_time(1)) / (tp_time(1) - tp_time(0)), 1.0, 0.1);
}

TEST(StepTimeTest, DpAttentionRanksScheduleTheirOwnSequences) {
  // Host work per sequence runs on every attention-DP rank in parallel.
  const BatchShape b = Decode(256, 1500);
  const StepTime dpa = PredictStepTime(
      MakeDeployment("qwen3-235b-a22b", H200(), Precision::kFp8, 8, 1, 8, true),
      b);
  const StepTime tp =
      PredictStepTime(MakeDeployment("qwen3-235b-a22b", H200(), Precision::kFp8,
                                     8, 1, 8, false),
                      b);
  const Calibration cal = DefaultCalibration(H200(), Engine::kVllm);
  EXPECT_NEAR(tp.overhead_s - dpa.overhead_s,
              cal.per_seq_overhead_s * 256 * (1 - 1.0 / 8), 1e-12);
}

TEST(StepTimeTest, CostModelAndDeploymentOverloadsAgree) {
  const Deployment d =
      MakeDeployment("qwen3-30b-a3b", H200(), Precision::kBf16, 2);
  const std::vector<PrefillChunk> chunks = {{512, 1024}, {100, 0}};
  BatchShape b = Decode(40, 1500);
  b.prefill_chunks = chunks;
  EXPECT_DOUBLE_EQ(PredictStepTime(d, b).total_s,
                   PredictStepTime(BuildCostModel(d), b).total_s);
}

}  // namespace
}  // namespace infx::perf
