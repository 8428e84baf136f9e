// Reads every config in the shared data and checks parameter counts against
// the model cards.
#include "model/model_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/files.h"
#include "model/model_math.h"

namespace infx::model {
namespace {

std::string ModelFile(const std::string& stem) {
  return (SharedDataDir(INFX_SOURCE_DIR) / "models" / (stem + ".json"))
      .string();
}

ModelSpec MustLoad(const std::string& name_or_path) {
  Result<ModelSpec> spec = LoadModel(name_or_path);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : ModelSpec{};
}

struct CardFigures {
  std::string stem;
  std::string known_name;
  double total;   // model card total parameters
  double active;  // 0: dense (active == total)
  // The card's active figure leaves out the embedding table (a lookup, not
  // a matmul): OpenAI's gpt-oss card does.
  bool active_excludes_embedding = false;
  // The card rounds to one decimal: Qwen3-30B-A3B "3.3B" is 3.35B counted.
  double active_tolerance = 0.01;
};

// Figures from the Hugging Face model cards / technical reports.
const CardFigures kCards[] = {
    {"meta-llama--Meta-Llama-3.1-8B", "llama-3.1-8b", 8.03e9, 0},
    {"meta-llama--Meta-Llama-3.1-70B", "llama-3.1-70b", 70.6e9, 0},
    {"meta-llama--Meta-Llama-3.1-405B", "llama-3.1-405b", 405.9e9, 0},
    {"nvidia--Llama-3.1-70B-Instruct-FP8", "llama-3.1-70b-fp8", 70.6e9, 0},
    {"Qwen--Qwen3-0.6B", "qwen3-0.6b", 0.6e9, 0},
    {"Qwen--Qwen3-8B", "qwen3-8b", 8.2e9, 0},
    {"Qwen--Qwen3-32B", "qwen3-32b", 32.8e9, 0},
    {"Qwen--Qwen3-30B-A3B", "qwen3-30b-a3b", 30.5e9, 3.3e9, false, 0.02},
    {"Qwen--Qwen3-235B-A22B", "qwen3-235b-a22b", 235.1e9, 22.2e9},
    {"mistralai--Mixtral-8x7B-v0.1", "mixtral-8x7b", 46.7e9, 12.9e9},
    {"openai--gpt-oss-20b", "gpt-oss-20b", 20.9e9, 3.61e9, true},
    {"openai--gpt-oss-120b", "gpt-oss-120b", 116.8e9, 5.13e9, true},
    {"deepseek-ai--DeepSeek-V3", "deepseek-v3", 671e9, 37.6e9},
    {"deepseek-ai--DeepSeek-R1", "deepseek-r1", 671e9, 37.6e9},
    {"moonshotai--Kimi-K2-Instruct", "kimi-k2", 1.03e12, 32.9e9},
};

TEST(ModelLoaderTest, EveryConfigMatchesItsModelCardWithinOnePercent) {
  for (const CardFigures& card : kCards) {
    SCOPED_TRACE(card.stem);
    const ParamCounts p = CountParams(MustLoad(ModelFile(card.stem)));
    EXPECT_NEAR(p.total / card.total, 1.0, 0.01) << p.total;
    const double card_active = card.active > 0 ? card.active : card.total;
    const double active =
        card.active_excludes_embedding ? p.active - p.embedding : p.active;
    EXPECT_NEAR(active / card_active, 1.0, card.active_tolerance) << active;
  }
}

TEST(ModelLoaderTest, BuiltinCatalogMatchesTheSharedConfigs) {
  for (const CardFigures& card : kCards) {
    SCOPED_TRACE(card.known_name);
    const ParamCounts from_file = CountParams(MustLoad(ModelFile(card.stem)));
    const ParamCounts builtin = CountParams(MustLoad(card.known_name));
    EXPECT_DOUBLE_EQ(from_file.total, builtin.total);
    EXPECT_DOUBLE_EQ(from_file.active, builtin.active);
    EXPECT_DOUBLE_EQ(from_file.mtp, builtin.mtp);
  }
}

TEST(ModelLoaderTest, DeepSeekR1CountsMtpSeparately) {
  const ModelSpec spec = MustLoad(ModelFile("deepseek-ai--DeepSeek-R1"));
  EXPECT_EQ(spec.attention.kind, AttentionKind::kMla);
  EXPECT_EQ(spec.num_mtp_layers, 1);
  ASSERT_EQ(spec.layers.size(), 61u);
  EXPECT_FALSE(spec.layers[2].moe);  // first_k_dense_replace = 3
  EXPECT_TRUE(spec.layers[3].moe);
  const ParamCounts p = CountParams(spec);
  EXPECT_NEAR((p.total + p.mtp) / 685e9, 1.0, 0.01);
  ASSERT_TRUE(spec.quant.has_value());
  EXPECT_EQ(spec.quant->weight_precision, Precision::kFp8);
  EXPECT_EQ(spec.quant->block_size, 128 * 128);
}

TEST(ModelLoaderTest, KimiK2HasOneLeadingDenseLayerAndNoMtp) {
  const ModelSpec spec = MustLoad("kimi-k2");
  EXPECT_FALSE(spec.layers[0].moe);
  EXPECT_TRUE(spec.layers[1].moe);
  EXPECT_EQ(spec.num_mtp_layers, 0);
  EXPECT_EQ(CountParams(spec).mtp, 0);
}

TEST(ModelLoaderTest, GptOssAlternatesSlidingWindowLayers) {
  const ModelSpec spec = MustLoad(ModelFile("openai--gpt-oss-120b"));
  ASSERT_EQ(spec.layers.size(), 36u);
  EXPECT_EQ(spec.layers[0].attention, LayerAttention::kSlidingWindow);
  EXPECT_EQ(spec.layers[0].window_tokens, 128);
  EXPECT_EQ(spec.layers[1].attention, LayerAttention::kFull);
  EXPECT_TRUE(spec.attention.sinks);
  EXPECT_TRUE(spec.attention.qkv_bias);
  EXPECT_TRUE(spec.moe->expert_bias);
  ASSERT_TRUE(spec.quant.has_value());
  EXPECT_EQ(spec.quant->method, "mxfp4");
  EXPECT_EQ(spec.quant->weight_precision, Precision::kFp4);
}

TEST(ModelLoaderTest, Llama4ScoutNestedTextConfigWithVisionAsExtra) {
  const ModelSpec spec =
      MustLoad(ModelFile("meta-llama--Llama-4-Scout-17B-16E-Instruct"));
  EXPECT_EQ(spec.hidden_size, 5120);
  ASSERT_TRUE(spec.moe.has_value());
  EXPECT_EQ(spec.moe->num_experts, 16);
  EXPECT_EQ(spec.moe->num_shared_experts, 1);
  EXPECT_TRUE(spec.layers[0].moe);  // interleave_moe_layer_step = 1
  EXPECT_EQ(spec.layers[0].attention, LayerAttention::kChunked);
  EXPECT_EQ(spec.layers[0].window_tokens, 8192);
  EXPECT_EQ(spec.layers[3].attention, LayerAttention::kFull);  // NoPE layer
  const ParamCounts p = CountParams(spec);
  // The card's 109B counts the vision encoder; total excludes it.
  EXPECT_GT(spec.extra_params, 0.5e9);
  EXPECT_NEAR((p.total + spec.extra_params) / 109e9, 1.0, 0.01);
  EXPECT_NEAR(p.active / 17e9, 1.0, 0.02);
}

TEST(ModelLoaderTest, Llama4MaverickInterleavesDenseAndMoeLayers) {
  const ModelSpec spec = MustLoad("llama-4-maverick");
  EXPECT_FALSE(spec.layers[0].moe);
  EXPECT_TRUE(spec.layers[1].moe);
  const ParamCounts p = CountParams(spec);
  EXPECT_NEAR((p.total + spec.extra_params) / 400e9, 1.0, 0.01);
  EXPECT_NEAR(p.active / 17e9, 1.0, 0.02);
}

TEST(ModelLoaderTest, ModeloptQuantConfigBesideTheFileIsApplied) {
  const ModelSpec spec =
      MustLoad(ModelFile("nvidia--Llama-3.1-70B-Instruct-FP8"));
  ASSERT_TRUE(spec.quant.has_value());
  EXPECT_EQ(spec.quant->method, "modelopt");
  EXPECT_EQ(spec.quant->weight_precision, Precision::kFp8);
  ASSERT_TRUE(spec.quant->kv_cache_precision.has_value());
  EXPECT_EQ(*spec.quant->kv_cache_precision, Precision::kFp8);
  EXPECT_EQ(spec.quant->excluded_modules, std::vector<std::string>{"lm_head"});
}

TEST(ModelLoaderTest, KnownNamesAreCaseInsensitiveAndAcceptHfIds) {
  EXPECT_TRUE(LoadModel("Llama-3.1-8B").ok());
  EXPECT_TRUE(LoadModel("deepseek-ai/DeepSeek-R1").ok());
  EXPECT_FALSE(KnownModelNames().empty());
}

TEST(ModelLoaderTest, UnknownNameIsNotFoundAndListsKnownNames) {
  Result<ModelSpec> spec = LoadModel("llama-9");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(spec.status().message().find("llama-9"), std::string::npos);
  EXPECT_NE(spec.status().message().find("llama-3.1-8b"), std::string::npos);
}

TEST(ModelLoaderTest, MissingPathIsNotFoundNamingIt) {
  Result<ModelSpec> spec = LoadModel("/nonexistent/config.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("/nonexistent/config.json"),
            std::string::npos);
}

nlohmann::json MinimalConfig() {
  return {
      {"model_type", "brand_new"}, {"architectures", {"BrandNewForCausalLM"}},
      {"hidden_size", 1024},       {"num_hidden_layers", 4},
      {"num_attention_heads", 8},  {"num_key_value_heads", 2},
      {"intermediate_size", 4096}, {"vocab_size", 1000}};
}

TEST(ModelLoaderTest, UnknownArchitectureIsReadGenericallyWithANote) {
  Result<ModelSpec> spec = ParseHfConfig(MinimalConfig(), "new", "new.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->attention.head_dim, 128);
  ASSERT_FALSE(spec->notes.empty());
  EXPECT_NE(spec->notes.back().find("BrandNewForCausalLM"), std::string::npos);
  // 4 x (attention 1024*(1024+256+256+1024) + mlp 3*1024*4096 + norms) +
  // embeddings 2*1000*1024 + final norm.
  const double expected =
      4 * (1024.0 * 2560 + 3 * 1024.0 * 4096 + 2048) + 2 * 1000.0 * 1024 + 1024;
  EXPECT_DOUBLE_EQ(CountParams(*spec).total, expected);
}

TEST(ModelLoaderTest, MissingFieldNamesTheFieldAndTheFile) {
  nlohmann::json config = MinimalConfig();
  config.erase("vocab_size");
  Result<ModelSpec> spec = ParseHfConfig(config, "new", "new.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(), "new.json: missing field 'vocab_size'");
  // intermediate_size may be absent only when every layer is MoE.
  config = MinimalConfig();
  config.erase("intermediate_size");
  spec = ParseHfConfig(config, "new", "new.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "new.json: field 'intermediate_size' is missing (or 0/null) but "
            "layer 0 is a dense MLP layer");
}

TEST(ModelLoaderTest, WrongTypeNamesTheField) {
  nlohmann::json config = MinimalConfig();
  config["hidden_size"] = "big";
  Result<ModelSpec> spec = ParseHfConfig(config, "new", "new.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("'hidden_size'"), std::string::npos);
}

TEST(ModelLoaderTest, LayerTypesOfTheWrongLengthAreAnError) {
  nlohmann::json config = MinimalConfig();
  config["sliding_window"] = 128;
  config["layer_types"] = {"sliding_attention", "full_attention"};
  Result<ModelSpec> spec = ParseHfConfig(config, "new", "new.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("layer_types"), std::string::npos);
}

TEST(ModelLoaderTest, ImplausibleShapesAreErrorsNotCrashes) {
  nlohmann::json config = MinimalConfig();
  config["num_hidden_layers"] = 1e15;
  EXPECT_NE(ParseHfConfig(config, "new", "new.json")
                .status()
                .message()
                .find("num_hidden_layers"),
            std::string::npos);
  config = MinimalConfig();
  config["num_key_value_heads"] = 3;
  EXPECT_NE(ParseHfConfig(config, "new", "new.json")
                .status()
                .message()
                .find("num_key_value_heads"),
            std::string::npos);
  config = MinimalConfig();
  config["num_local_experts"] = 4;
  config["num_experts_per_tok"] = 8;
  EXPECT_FALSE(ParseHfConfig(config, "new", "new.json").ok());
}

TEST(ModelLoaderTest, HostileQuantAndVisionFieldsAreErrorsNotCrashes) {
  nlohmann::json config = MinimalConfig();
  config["quantization_config"] = {{"quant_method", "fp8"},
                                   {"weight_block_size", {1e9, 1e9, 1e9}}};
  EXPECT_FALSE(ParseHfConfig(config, "new", "new.json").ok());
  config["quantization_config"] = {
      {"quant_method", "compressed-tensors"},
      {"config_groups", {{"g", {{"weights", {{"num_bits", "eight"}}}}}}}};
  Result<ModelSpec> spec = ParseHfConfig(config, "new", "new.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("num_bits"), std::string::npos);
  config = MinimalConfig();
  config["model_type"] = "llama4";
  config["vision_config"] = {{"hidden_size", 1e30}, {"num_hidden_layers", -3}};
  EXPECT_TRUE(ParseHfConfig(config, "new", "new.json").ok());
}

TEST(ModelLoaderTest, MistralSlidesEveryLayerQwen2OnlyAboveMaxWindowLayers) {
  nlohmann::json mistral = MinimalConfig();
  mistral["model_type"] = "mistral";
  mistral["sliding_window"] = 4096;
  Result<ModelSpec> m = ParseHfConfig(mistral, "m", "m.json");
  ASSERT_TRUE(m.ok());
  for (const LayerSpec& layer : m->layers) {
    EXPECT_EQ(layer.attention, LayerAttention::kSlidingWindow);
    EXPECT_EQ(layer.window_tokens, 4096);
  }
  nlohmann::json qwen2 = MinimalConfig();
  qwen2["model_type"] = "qwen2";
  qwen2["sliding_window"] = 4096;
  qwen2["use_sliding_window"] = true;
  qwen2["max_window_layers"] = 2;
  Result<ModelSpec> q = ParseHfConfig(qwen2, "q", "q.json");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->layers[1].attention, LayerAttention::kFull);
  EXPECT_EQ(q->layers[2].attention, LayerAttention::kSlidingWindow);
  EXPECT_TRUE(q->attention.qkv_bias);
  EXPECT_FALSE(q->attention.o_bias);
  qwen2["use_sliding_window"] = false;
  EXPECT_EQ(ParseHfConfig(qwen2, "q", "q.json")->layers[3].attention,
            LayerAttention::kFull);
}

TEST(ModelLoaderTest, DirectoryWithConfigAndQuantConfigLoadsAsTheDirName) {
  const auto dir = std::filesystem::temp_directory_path() /
                   "infx_model_dir_test" / "Llama-FP8";
  std::filesystem::create_directories(dir);
  const auto shared = SharedDataDir(INFX_SOURCE_DIR) / "models";
  std::filesystem::copy_file(shared / "nvidia--Llama-3.1-70B-Instruct-FP8.json",
                             dir / "config.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(
      shared / "nvidia--Llama-3.1-70B-Instruct-FP8.hf_quant_config.json",
      dir / "hf_quant_config.json",
      std::filesystem::copy_options::overwrite_existing);
  const ModelSpec spec = MustLoad(dir.string());
  EXPECT_EQ(spec.name, "Llama-FP8");
  ASSERT_TRUE(spec.quant.has_value());
  EXPECT_EQ(spec.quant->weight_precision, Precision::kFp8);
  std::filesystem::remove_all(dir.parent_path());
}

TEST(ModelLoaderTest, NonObjectConfigIsAnError) {
  EXPECT_FALSE(ParseHfConfig(nlohmann::json::array(), "x", "x.json").ok());
}

}  // namespace
}  // namespace infx::model
