// KV bytes, sliding-window capping, weight bytes and FLOPs per token.
#include "model/model_math.h"

#include <gtest/gtest.h>

#include "model/model_loader.h"

namespace infx::model {
namespace {

ModelSpec MustLoad(const std::string& name) {
  Result<ModelSpec> spec = LoadModel(name);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : ModelSpec{};
}

TEST(ModelMathTest, Llama8bKvBytesPerTokenIsTwoKvHeadsHeadDimLayers) {
  const ModelSpec spec = MustLoad("llama-3.1-8b");
  EXPECT_DOUBLE_EQ(KvElementsPerTokenLayer(spec), 2 * 8 * 128);
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kBf16), 131072);
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kFp8), 65536);
  // Full attention: per-token figure does not depend on the context.
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kBf16, 100000), 131072);
  EXPECT_DOUBLE_EQ(KvBytesForSequence(spec, Precision::kBf16, 1000),
                   131072.0 * 1000);
}

TEST(ModelMathTest, DeepSeekMlaKvIsLatentPlusRopeDim) {
  const ModelSpec spec = MustLoad("deepseek-r1");
  EXPECT_DOUBLE_EQ(KvElementsPerTokenLayer(spec), 512 + 64);
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kBf16),
                   (512 + 64) * 61 * 2.0);
}

TEST(ModelMathTest, SlidingWindowLayersAreCappedAtTheWindow) {
  const ModelSpec spec = MustLoad("gpt-oss-120b");
  const double per_layer = 2 * 8 * 64 * 2.0;  // bf16 bytes per token-layer
  // Short context: nothing capped.
  EXPECT_DOUBLE_EQ(KvBytesForSequence(spec, Precision::kBf16, 100),
                   per_layer * 36 * 100);
  // 10000 tokens: 18 full layers hold 10000, 18 sliding layers hold 128.
  EXPECT_DOUBLE_EQ(KvBytesForSequence(spec, Precision::kBf16, 10000),
                   per_layer * (18 * 10000.0 + 18 * 128.0));
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kBf16, 10000),
                   per_layer * (18 * 10000.0 + 18 * 128.0) / 10000);
  EXPECT_DOUBLE_EQ(KvBytesPerToken(spec, Precision::kBf16), per_layer * 36);
}

TEST(ModelMathTest, ChunkedLayersHoldAtMostOneChunk) {
  const ModelSpec spec = MustLoad("llama-4-scout");
  const double per_layer = 2 * 8 * 128 * 2.0;
  // 36 chunked (RoPE) layers capped at 8192, 12 global NoPE layers.
  EXPECT_DOUBLE_EQ(KvBytesForSequence(spec, Precision::kBf16, 100000),
                   per_layer * (36 * 8192.0 + 12 * 100000.0));
}

TEST(ModelMathTest, DecodeLinearFlopsAreTwiceActiveMatmulWeights) {
  for (const char* name : {"llama-3.1-8b", "mixtral-8x7b", "deepseek-r1"}) {
    SCOPED_TRACE(name);
    const ModelSpec spec = MustLoad(name);
    const ParamCounts p = CountParams(spec);
    const TokenFlops at_zero = DecodeFlopsPerToken(spec, 0);
    EXPECT_EQ(at_zero.attention, 0);
    // ~2 x active params (minus the embedding gather and norms).
    EXPECT_NEAR(at_zero.linear / (2 * (p.active - p.embedding)), 1.0, 0.001);
  }
}

TEST(ModelMathTest, DecodeAttentionFlopsGrowLinearlyWithContext) {
  const ModelSpec spec = MustLoad("llama-3.1-8b");
  const TokenFlops f = DecodeFlopsPerToken(spec, 4096);
  // QK^T and PV: 2 x 2 x heads x head_dim x context per layer.
  EXPECT_DOUBLE_EQ(f.attention, 32 * 4.0 * 32 * 128 * 4096);
  EXPECT_DOUBLE_EQ(DecodeFlopsPerToken(spec, 8192).attention, 2 * f.attention);
}

TEST(ModelMathTest, MlaDecodeAttentionUsesTheAbsorbedLatentForm) {
  const ModelSpec spec = MustLoad("deepseek-r1");
  const TokenFlops f = DecodeFlopsPerToken(spec, 1000);
  EXPECT_DOUBLE_EQ(f.attention,
                   61 * (2.0 * 128 * (512 + 64) + 2.0 * 128 * 512) * 1000);
}

TEST(ModelMathTest, PrefillAttentionUsesTheCausalMean) {
  const ModelSpec spec = MustLoad("llama-3.1-8b");
  const TokenFlops f = PrefillFlopsPerToken(spec, 1000);
  EXPECT_DOUBLE_EQ(f.attention, 32 * 4.0 * 32 * 128 * (1001 / 2.0));
  // lm_head only for the last token.
  const double lm_head = 128256.0 * 4096;
  EXPECT_NEAR(DecodeFlopsPerToken(spec, 0).linear - f.linear,
              2 * lm_head * (1 - 1 / 1000.0), 1.0);
}

TEST(ModelMathTest, SlidingPrefillSpanIsCappedAtTheWindow) {
  const ModelSpec spec = MustLoad("gpt-oss-20b");
  const double per_key = 4.0 * 64 * 64;  // 4 x heads x head_dim
  const TokenFlops f = PrefillFlopsPerToken(spec, 1128);
  const double sliding_mean = (128 * 129 / 2.0 + 1000 * 128.0) / 1128;
  EXPECT_NEAR(f.attention, 12 * per_key * (1129 / 2.0 + sliding_mean), 1e-3);
}

TEST(ModelMathTest, WeightBytesKeepEmbeddingsAtBf16) {
  const ModelSpec spec = MustLoad("llama-3.1-8b");
  const ParamCounts p = CountParams(spec);
  EXPECT_DOUBLE_EQ(WeightBytes(spec, Precision::kBf16), 2 * p.total);
  const double bf16_part = p.embedding + p.lm_head + p.norms + p.router;
  EXPECT_DOUBLE_EQ(WeightBytes(spec, Precision::kFp8),
                   2 * bf16_part + (p.total - bf16_part) *
                                       WeightBytesPerElement(Precision::kFp8));
  EXPECT_LT(WeightBytes(spec, Precision::kFp4),
            WeightBytes(spec, Precision::kFp8));
}

TEST(ModelMathTest, CheckpointBytesFollowTheQuantConfig) {
  // gpt-oss-120b: MXFP4 experts, BF16 attention: about 65 GB on disk.
  const ModelSpec oss = MustLoad("gpt-oss-120b");
  const ParamCounts p = CountParams(oss);
  const double expected =
      p.routed_experts * (0.5 + 1.0 / 32) + (p.total - p.routed_experts) * 2.0;
  EXPECT_DOUBLE_EQ(CheckpointWeightBytes(oss), expected);
  EXPECT_NEAR(CheckpointWeightBytes(oss) / 65e9, 1.0, 0.03);
  // Unquantized checkpoint: BF16.
  const ModelSpec llama = MustLoad("llama-3.1-8b");
  EXPECT_DOUBLE_EQ(CheckpointWeightBytes(llama),
                   WeightBytes(llama, Precision::kBf16));
}

TEST(ModelMathTest, LayerParamsSplitExpertsForSharding) {
  const ModelSpec spec = MustLoad("deepseek-v3");
  const LayerParams dense = CountLayerParams(spec, 0);
  EXPECT_DOUBLE_EQ(dense.dense_mlp, 3.0 * 7168 * 18432);
  EXPECT_EQ(dense.num_routed_experts, 0);
  const LayerParams moe = CountLayerParams(spec, 10);
  EXPECT_EQ(moe.num_routed_experts, 256);
  EXPECT_DOUBLE_EQ(moe.routed_expert_each, 3.0 * 7168 * 2048);
  EXPECT_DOUBLE_EQ(moe.shared_experts, 3.0 * 7168 * 2048);
  EXPECT_DOUBLE_EQ(moe.router, 7168.0 * 256);
}

}  // namespace
}  // namespace infx::model
