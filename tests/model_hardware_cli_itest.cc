// End-to-end: `infx model` and `infx hardware` as a user runs them. Every
// shared model config through `model show --json` within 1% of its card,
// the catalog through `hardware list --json`, and each kind of bad input
// giving exactly one error line and a non-zero exit.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

namespace infx {
namespace {

using testing::CommandOutput;
using testing::RunInfx;

nlohmann::json StdoutJson(const CommandOutput& out) {
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  try {
    return nlohmann::json::parse(out.stdout_text);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\n"
                  << out.stdout_text;
    return nlohmann::json::object();
  }
}

// Exactly one line on stderr, "infx: error: ...", mentioning `needle`;
// nothing on stdout; exit code 1.
void ExpectOneErrorLine(const CommandOutput& out, const std::string& needle) {
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_TRUE(out.stdout_text.empty()) << out.stdout_text;
  EXPECT_EQ(std::count(out.stderr_text.begin(), out.stderr_text.end(), '\n'), 1)
      << out.stderr_text;
  EXPECT_EQ(out.stderr_text.rfind("infx: error: ", 0), 0u) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find(needle), std::string::npos)
      << "expected '" << needle << "' in: " << out.stderr_text;
}

std::string WriteScratch(const std::string& test, const std::string& name,
                         const std::string& text) {
  const std::string path = testing::ScratchDir(test) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// Model-card totals (and where the card counts more than the decoder
// stack, which figure it matches): see docs/models.md.
const std::map<std::string, double> kCardTotals = {
    {"meta-llama--Meta-Llama-3.1-8B", 8.03e9},
    {"meta-llama--Meta-Llama-3.1-70B", 70.6e9},
    {"meta-llama--Meta-Llama-3.1-405B", 405.9e9},
    {"nvidia--Llama-3.1-70B-Instruct-FP8", 70.6e9},
    {"Qwen--Qwen3-0.6B", 0.6e9},
    {"Qwen--Qwen3-8B", 8.2e9},
    {"Qwen--Qwen3-32B", 32.8e9},
    {"Qwen--Qwen3-30B-A3B", 30.5e9},
    {"Qwen--Qwen3-235B-A22B", 235.1e9},
    {"mistralai--Mixtral-8x7B-v0.1", 46.7e9},
    {"openai--gpt-oss-20b", 20.9e9},
    {"openai--gpt-oss-120b", 116.8e9},
    {"deepseek-ai--DeepSeek-V3", 671e9},
    {"deepseek-ai--DeepSeek-R1", 671e9},
    {"moonshotai--Kimi-K2-Instruct", 1.03e12},
    {"meta-llama--Llama-4-Scout-17B-16E-Instruct", 109e9},  // with vision
};

TEST(ModelHardwareCliTest, ModelShowJsonMatchesTheCardForEverySharedConfig) {
  const std::filesystem::path dir = testing::SharedData("models");
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.find("hf_quant_config") != std::string::npos) continue;
    SCOPED_TRACE(file);
    const std::string stem = entry.path().stem().string();
    ASSERT_TRUE(kCardTotals.count(stem)) << "no card figure for " << stem;
    const nlohmann::json out =
        StdoutJson(RunInfx({"model", "show", entry.path().string(), "--json"}));
    const nlohmann::json& params = out["params"];
    const double total = stem.find("Llama-4") != std::string::npos
                             ? params["total_with_extra"].get<double>()
                             : params["total"].get<double>();
    EXPECT_NEAR(total / kCardTotals.at(stem), 1.0, 0.01);
    EXPECT_GT(params["active"].get<double>(), 0);
    EXPECT_LE(params["active"].get<double>(), params["total"].get<double>());
    EXPECT_GT(out["weight_bytes"]["bf16"].get<double>(),
              out["weight_bytes"]["fp8"].get<double>());
    EXPECT_GT(out["weight_bytes"]["fp8"].get<double>(),
              out["weight_bytes"]["fp4"].get<double>());
    EXPECT_GT(out["kv_bytes"]["per_token"]["bf16"].get<double>(), 0);
    EXPECT_FALSE(out["flops_per_token"].empty());
    ++seen;
  }
  EXPECT_EQ(seen, static_cast<int>(kCardTotals.size()));
}

TEST(ModelHardwareCliTest, ModelShowJsonGivesKvBytesAndQuantization) {
  const nlohmann::json llama =
      StdoutJson(RunInfx({"model", "show", "llama-3.1-8b", "--json"}));
  EXPECT_EQ(llama["kv_bytes"]["per_token"]["bf16"].get<double>(), 131072);
  const nlohmann::json r1 = StdoutJson(
      RunInfx({"model", "show", "deepseek-r1", "--json", "--context", "4096"}));
  EXPECT_EQ(r1["kv_bytes"]["per_token"]["bf16"].get<double>(),
            (512 + 64) * 61 * 2);
  EXPECT_EQ(r1["quantization"]["weight_precision"], "fp8");
  ASSERT_EQ(r1["flops_per_token"].size(), 1u);
  EXPECT_EQ(r1["flops_per_token"][0]["context_tokens"], 4096);
  EXPECT_NEAR(r1["params"]["total_with_mtp"].get<double>() / 685e9, 1.0, 0.01);
}

TEST(ModelHardwareCliTest, ModelShowAndListPrintTables) {
  const CommandOutput show = RunInfx({"model", "show", "mixtral-8x7b"});
  EXPECT_EQ(show.exit_code, 0) << show.stderr_text;
  EXPECT_NE(show.stdout_text.find("46.70 B"), std::string::npos)
      << show.stdout_text;
  EXPECT_NE(show.stdout_text.find("routed experts"), std::string::npos);
  const CommandOutput list = RunInfx({"model", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.stdout_text.find("kimi-k2"), std::string::npos);
}

TEST(ModelHardwareCliTest, HardwareListJsonHasTheCatalog) {
  const nlohmann::json list =
      StdoutJson(RunInfx({"hardware", "list", "--json"}));
  ASSERT_TRUE(list.is_array());
  std::set<std::string> names;
  for (const auto& entry : list) {
    names.insert(entry["name"].get<std::string>());
    EXPECT_GT(entry["hbm_capacity_bytes"].get<double>(), 0);
    EXPECT_FALSE(entry["source"].get<std::string>().empty());
  }
  for (const char* name :
       {"h100", "h200", "b200", "b300", "gb200-nvl72", "gb300-nvl72", "mi300x",
        "mi325x", "mi355x", "tpu-v5e", "tpu-v6e"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
}

TEST(ModelHardwareCliTest, HardwareFileOverridesAField) {
  const std::string file =
      WriteScratch("HardwareFileOverridesAField", "hw.yaml",
                   "hardware:\n  - name: h200\n    usd_per_gpu_hour: 9.5\n");
  const nlohmann::json h200 = StdoutJson(
      RunInfx({"hardware", "show", "H200", "--json", "--hardware-file", file}));
  EXPECT_EQ(h200["usd_per_gpu_hour"].get<double>(), 9.5);
  EXPECT_EQ(h200["tdp_watts"].get<double>(), 700);
  const CommandOutput table = RunInfx({"hardware", "list"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.stdout_text.find("gb300-nvl72"), std::string::npos);
}

TEST(ModelHardwareCliTest, HelpShowsAnExample) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"model", "show", "--help"},
                                             {"model", "list", "--help"},
                                             {"hardware", "list", "--help"},
                                             {"hardware", "show", "--help"}}) {
    const CommandOutput out = RunInfx(args);
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_NE(out.stdout_text.find("Example:"), std::string::npos)
        << args[0] << " " << args[1];
  }
}

TEST(ModelHardwareCliTest, MalformedJsonIsOneErrorLine) {
  const std::string file =
      WriteScratch("MalformedJson", "bad.json", "{\"hidden_size\": 4096,,}");
  ExpectOneErrorLine(RunInfx({"model", "show", file}), "bad.json");
}

TEST(ModelHardwareCliTest, MissingFieldIsOneErrorLineNamingIt) {
  const std::string file =
      WriteScratch("MissingField", "config.json",
                   R"({"model_type": "llama", "hidden_size": 4096,
          "num_hidden_layers": 32, "num_attention_heads": 32,
          "vocab_size": 128256})");
  ExpectOneErrorLine(RunInfx({"model", "show", file, "--json"}),
                     "field 'intermediate_size' is missing");
}

TEST(ModelHardwareCliTest, UnknownModelIsOneErrorLine) {
  ExpectOneErrorLine(RunInfx({"model", "show", "llama-9-1t"}),
                     "unknown model 'llama-9-1t'");
  ExpectOneErrorLine(RunInfx({"model", "show", "/no/such/config.json"}),
                     "/no/such/config.json");
}

TEST(ModelHardwareCliTest, UnknownGpuIsOneErrorLine) {
  ExpectOneErrorLine(RunInfx({"hardware", "show", "h300"}),
                     "unknown GPU 'h300'");
}

TEST(ModelHardwareCliTest, BadYamlIsOneErrorLine) {
  const std::string file =
      WriteScratch("BadYaml", "bad.yaml", "hardware: [\n  - name: {h200\n");
  ExpectOneErrorLine(RunInfx({"hardware", "list", "--hardware-file", file}),
                     "bad.yaml");
}

TEST(ModelHardwareCliTest, YamlUnknownKeyIsOneErrorLineNamingIt) {
  const std::string file =
      WriteScratch("YamlUnknownKey", "hw.yaml",
                   "hardware:\n  - name: h200\n    hbm_gb: 141\n");
  ExpectOneErrorLine(
      RunInfx({"hardware", "show", "h200", "--hardware-file", file}),
      "unknown key 'hbm_gb'");
}

TEST(ModelHardwareCliTest, YamlNewEntryMissingFieldsIsOneErrorLine) {
  const std::string file =
      WriteScratch("YamlMissing", "hw.yaml",
                   "hardware:\n  - name: mystery\n    bf16_tflops: 100\n");
  ExpectOneErrorLine(RunInfx({"hardware", "list", "--hardware-file", file}),
                     "hbm_capacity_bytes");
}

}  // namespace
}  // namespace infx
