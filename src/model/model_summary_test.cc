// Layer grouping and the `model show --json` summary.
#include "model/model_summary.h"

#include <gtest/gtest.h>

#include "model/model_loader.h"
#include "model/model_math.h"

namespace infx::model {
namespace {

TEST(ModelSummaryTest, GroupsGptOssLayersBySpan) {
  Result<ModelSpec> spec = LoadModel("gpt-oss-20b");
  ASSERT_TRUE(spec.ok());
  const std::vector<LayerKind> kinds = GroupLayerKinds(*spec);
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0].attention, LayerAttention::kSlidingWindow);
  EXPECT_EQ(kinds[0].window_tokens, 128);
  EXPECT_EQ(kinds[0].count, 12);
  EXPECT_EQ(kinds[1].attention, LayerAttention::kFull);
  EXPECT_EQ(kinds[1].count, 12);
}

TEST(ModelSummaryTest, GroupsDeepSeekDenseAndMoeLayers) {
  Result<ModelSpec> spec = LoadModel("deepseek-v3");
  ASSERT_TRUE(spec.ok());
  const std::vector<LayerKind> kinds = GroupLayerKinds(*spec);
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_FALSE(kinds[0].moe);
  EXPECT_EQ(kinds[0].count, 3);
  EXPECT_TRUE(kinds[1].moe);
  EXPECT_EQ(kinds[1].count, 58);
}

TEST(ModelSummaryTest, JsonCarriesTheDerivedFigures) {
  Result<ModelSpec> spec = LoadModel("deepseek-r1");
  ASSERT_TRUE(spec.ok());
  const nlohmann::json j = ModelSummaryJson(*spec, {1000, 2000});
  const ParamCounts p = CountParams(*spec);
  EXPECT_EQ(j["name"], "deepseek-r1");
  EXPECT_EQ(j["shape"]["attention"]["kind"], "mla");
  EXPECT_EQ(j["shape"]["attention"]["mla"]["kv_lora_rank"], 512);
  EXPECT_EQ(j["params"]["total"].get<double>(), p.total);
  EXPECT_EQ(j["params"]["total_with_mtp"].get<double>(), p.total + p.mtp);
  EXPECT_EQ(j["weight_bytes"]["fp8"].get<double>(),
            WeightBytes(*spec, Precision::kFp8));
  EXPECT_EQ(j["kv_bytes"]["per_token"]["bf16"].get<double>(),
            KvBytesPerToken(*spec, Precision::kBf16));
  ASSERT_EQ(j["flops_per_token"].size(), 2u);
  EXPECT_EQ(j["flops_per_token"][1]["context_tokens"], 2000);
  EXPECT_EQ(j["flops_per_token"][1]["decode"]["total"].get<double>(),
            DecodeFlopsPerToken(*spec, 2000).total());
  EXPECT_EQ(j["quantization"]["method"], "fp8");
  EXPECT_TRUE(j["quantization"]["kv_cache_precision"].is_null());
}

TEST(ModelSummaryTest, UnquantizedDenseModelHasNullMoeAndQuant) {
  Result<ModelSpec> spec = LoadModel("qwen3-8b");
  ASSERT_TRUE(spec.ok());
  const nlohmann::json j = ModelSummaryJson(*spec, DefaultContextTokens());
  EXPECT_TRUE(j["shape"]["moe"].is_null());
  EXPECT_TRUE(j["quantization"].is_null());
  EXPECT_TRUE(j["shape"]["attention"]["qk_norm"].get<bool>());
  EXPECT_EQ(j["kv_bytes"]["per_token_at_context"].size(), 4u);
}

}  // namespace
}  // namespace infx::model
