// Day-zero configs (issue 12, defects 13 and 14): real Hugging Face configs
// spell an absent sub-module as 0, null or -1. Spellings surveyed in public
// config.json files and model code (find_string over GitHub):
//   "shared_expert_intermediate_size": 0       Qwen3-MoE, Qwen3-Omni, Chimera
//   "num_experts": 0, "num_experts_per_tok": 0,
//   "moe_intermediate_size": 0                 Qwen3.5 / Qwen3-VL dense
//   "kv_lora_rank": null                       DeepSeek-VL2-small (no MLA)
//   "n_shared_experts": null                   Kimi Linear (384 experts)
//   "n_routed_experts": null,
//   "num_experts_per_tok": null,
//   "moe_intermediate_size": null              dense DeepSeek-style configs
//   "intermediate_size": null                  MoE-only configs (MLX ports)
//   "group_size": -1                           GPTQ per-channel quantization
// Each is loaded here from a small config written to disk. Nonsense
// (head_dim 0, an overflowing 1e999) is refused with the file named.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/files.h"
#include "model/model_loader.h"
#include "model/model_math.h"

namespace infx::model {
namespace {

using nlohmann::json;

json Base() {
  return {{"model_type", "qwen3_moe"},
          {"architectures", {"Qwen3MoeForCausalLM"}},
          {"hidden_size", 1024},
          {"num_hidden_layers", 4},
          {"num_attention_heads", 16},
          {"num_key_value_heads", 4},
          {"head_dim", 64},
          {"vocab_size", 32000},
          {"intermediate_size", 3072}};
}

std::string WriteConfig(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "day_zero_configs";
  std::filesystem::create_directories(dir);
  auto path = dir / (name + ".json");
  EXPECT_TRUE(WriteFileAtomic(path, text).ok());
  return path.string();
}

Result<ModelSpec> LoadJson(const std::string& name, const json& config) {
  return LoadModel(WriteConfig(name, config.dump(2)));
}

TEST(DayZeroConfigTest, SharedExpertSizeZeroMeansNoSharedExpert) {
  json c = Base();
  c["num_experts"] = 8;
  c["num_experts_per_tok"] = 2;
  c["moe_intermediate_size"] = 512;
  c["shared_expert_intermediate_size"] = 0;
  auto spec = LoadJson("shared-zero", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(spec->moe.has_value());
  EXPECT_EQ(spec->moe->num_shared_experts, 0);
  EXPECT_EQ(spec->moe->num_experts, 8);
  EXPECT_EQ(spec->moe->expert_intermediate_size, 512);
}

TEST(DayZeroConfigTest, ZeroExpertsMeansDense) {
  json c = Base();
  c["model_type"] = "qwen3";
  c["num_experts"] = 0;
  c["num_experts_per_tok"] = 0;
  c["moe_intermediate_size"] = 0;
  c["shared_expert_intermediate_size"] = 0;
  auto spec = LoadJson("zero-experts", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_FALSE(spec->moe.has_value());
}

TEST(DayZeroConfigTest, NullMoeFieldsMeanDense) {
  json c = Base();
  c["model_type"] = "deepseek_v3";
  c["n_routed_experts"] = nullptr;
  c["n_shared_experts"] = nullptr;
  c["num_experts_per_tok"] = nullptr;
  c["moe_intermediate_size"] = nullptr;
  c["q_lora_rank"] = nullptr;
  auto spec = LoadJson("null-moe", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_FALSE(spec->moe.has_value());
}

TEST(DayZeroConfigTest, NullSharedExpertsWithRoutedExperts) {
  json c = Base();
  c["model_type"] = "deepseek_v3";
  c["n_routed_experts"] = 16;
  c["n_shared_experts"] = nullptr;
  c["num_experts_per_tok"] = 4;
  c["moe_intermediate_size"] = 256;
  auto spec = LoadJson("null-shared", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(spec->moe.has_value());
  EXPECT_EQ(spec->moe->num_experts, 16);
  EXPECT_EQ(spec->moe->num_shared_experts, 0);
}

TEST(DayZeroConfigTest, NullOrZeroKvLoraRankMeansNoMla) {
  for (const json& rank : {json(nullptr), json(0)}) {
    json c = Base();
    c["model_type"] = "deepseek_v2";
    c["kv_lora_rank"] = rank;
    c["q_lora_rank"] = nullptr;
    auto spec = LoadJson("no-mla", c);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ(spec->attention.kind, AttentionKind::kGqa) << rank.dump();
  }
}

TEST(DayZeroConfigTest, NullIntermediateSizeIsFineWhenEveryLayerIsMoe) {
  json c = Base();
  c["intermediate_size"] = nullptr;
  c["num_experts"] = 8;
  c["num_experts_per_tok"] = 2;
  c["moe_intermediate_size"] = 512;
  auto spec = LoadJson("moe-only", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_GT(CountParams(*spec).total, 0);

  json dense = Base();
  dense["model_type"] = "qwen3";
  dense["intermediate_size"] = nullptr;
  auto bad = LoadJson("dense-no-mlp", dense);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("intermediate_size"),
            std::string::npos);
  EXPECT_NE(bad.status().message().find("dense-no-mlp.json"),
            std::string::npos);
}

TEST(DayZeroConfigTest, GptqGroupSizeMinusOneIsPerChannel) {
  json c = Base();
  c["model_type"] = "qwen3";
  c["quantization_config"] = {
      {"quant_method", "gptq"}, {"bits", 4}, {"group_size", -1}};
  auto spec = LoadJson("gptq-per-channel", c);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_TRUE(spec->quant.has_value());
  EXPECT_EQ(spec->quant->block_size, 0);
}

TEST(DayZeroConfigTest, HeadDimZeroIsRefusedNullIsDerived) {
  json c = Base();
  c["model_type"] = "qwen3";
  c["head_dim"] = 0;
  auto zero = LoadJson("head-dim-zero", c);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("head_dim"), std::string::npos);
  c["head_dim"] = nullptr;
  auto derived = LoadJson("head-dim-null", c);
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_EQ(derived->attention.head_dim, 1024 / 16);
}

TEST(DayZeroConfigTest, OverflowingNumberNamesTheFile) {
  const std::string path = WriteConfig(
      "overflow",
      R"({"model_type": "qwen3", "hidden_size": 1e999, "num_hidden_layers": 2,
          "num_attention_heads": 4, "vocab_size": 10,
          "intermediate_size": 8})");
  auto spec = LoadModel(path);
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("overflow.json"), std::string::npos)
      << spec.status().message();
}

}  // namespace
}  // namespace infx::model
