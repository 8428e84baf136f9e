// `infx plan` end to end: every shared model config on H200 and B200 at
// 1k/1k and 8k/1k plans, keeps a config wherever one fits and explains
// every cut; the JSON document follows docs/plan.md; the chart is an SVG;
// bad input is one error line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
#include "test_support.h"

namespace infx {
namespace {

using ::testing::HasSubstr;
using testing::RunInfx;

std::vector<std::string> SharedModelConfigs() {
  std::vector<std::string> out;
  const auto dir = std::filesystem::path(testing::SharedData("models"));
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    if (name.find("hf_quant_config") != std::string::npos) continue;
    out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  std::string model;
  std::string hardware;
  int isl;
  int osl;
};

void CheckPlan(const Case& c) {
  SCOPED_TRACE(c.model + " on " + c.hardware + " " + std::to_string(c.isl) +
               "/" + std::to_string(c.osl));
  const testing::CommandOutput out =
      RunInfx({"plan", "--model", c.model, "--hardware", c.hardware, "--isl",
               std::to_string(c.isl), "--osl", std::to_string(c.osl),
               "--explain", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  const auto doc = nlohmann::json::parse(out.stdout_text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["schema"], "infx.plan/1");
  bool any_fits = false;
  for (const auto& p : doc["pruned"]) {
    EXPECT_NE(p["cut"], "kept");
    EXPECT_FALSE(p["reason"].get<std::string>().empty()) << p["config"];
    if (p["memory"]["fits"].get<bool>() && p["cut"] != "fit") any_fits = true;
  }
  for (const auto& k : doc["kept"]) {
    EXPECT_EQ(k["cut"], "kept");
    EXPECT_FALSE(k["points"].empty()) << k["config"];
    any_fits = true;
  }
  if (any_fits) {
    EXPECT_GE(doc["kept"].size(), 1u);
    EXPECT_GE(doc["frontier"].size(), 1u);
  }
}

TEST(PlanCliTest, EverySharedModelOnH200AndB200PlansAndExplains) {
  const std::vector<std::string> models = SharedModelConfigs();
  if (models.empty()) GTEST_SKIP() << "no shared model configs";
  for (const std::string& model : models) {
    for (const char* hw : {"h200", "b200"}) {
      for (const auto& [isl, osl] :
           std::vector<std::pair<int, int>>{{1024, 1024}, {8192, 1024}}) {
        CheckPlan({model, hw, isl, osl});
      }
    }
  }
}

TEST(PlanCliTest, HumanOutputListsSurvivorsFrontierAndCuts) {
  const testing::CommandOutput out =
      RunInfx({"plan", "--model", "llama-3.1-8b", "--hardware", "h200",
               "--frontier", "--explain", "--budget", "5"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_THAT(out.stdout_text, HasSubstr("tp1 x8 bf16"));
  EXPECT_THAT(out.stdout_text, HasSubstr("predicted frontier"));
  EXPECT_THAT(out.stdout_text, HasSubstr("benchmark these 5 points"));
  EXPECT_THAT(out.stdout_text, HasSubstr("ep-dense"));
  EXPECT_THAT(out.stdout_text, HasSubstr("heuristic cut"));
}

TEST(PlanCliTest, Llama70bBf16OnOneH100SaysHowManyGb) {
  const testing::CommandOutput out =
      RunInfx({"plan", "--model", "llama-3.1-70b", "--hardware", "h100",
               "--gpus", "1", "--explain", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  const auto doc = nlohmann::json::parse(out.stdout_text);
  EXPECT_TRUE(doc["kept"].empty());
  ASSERT_FALSE(doc["pruned"].empty());
  EXPECT_EQ(doc["pruned"][0]["cut"], "fit");
  EXPECT_THAT(doc["pruned"][0]["reason"].get<std::string>(),
              HasSubstr("GB per GPU"));
}

TEST(PlanCliTest, ChartIsAnSvgFile) {
  const std::string dir = testing::ScratchDir("plan_chart");
  const std::string path = dir + "/frontier.svg";
  const testing::CommandOutput out = RunInfx(
      {"plan", "--model", "qwen3-8b", "--hardware", "h200", "--chart", path});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto svg = ReadFile(path);
  ASSERT_TRUE(svg.ok());
  EXPECT_THAT(*svg, HasSubstr("<svg"));
  EXPECT_THAT(*svg, HasSubstr("predicted frontier"));
  EXPECT_THAT(*svg, HasSubstr("<polyline"));
}

TEST(PlanCliTest, BadInputIsOneErrorLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"plan", "--model", "no-such-model"},
      {"plan", "--model", "llama-3.1-8b", "--hardware", "h999"},
      {"plan", "--model", "llama-3.1-8b", "--engine", "tgi"},
      {"plan", "--model", "llama-3.1-8b", "--precision", "int3"},
      {"plan", "--model", "llama-3.1-8b", "--chart", "/tmp/x.png"}};
  for (const std::vector<std::string>& args : cases) {
    const testing::CommandOutput out = RunInfx(args);
    EXPECT_EQ(out.exit_code, 1) << args[args.size() - 1];
    EXPECT_THAT(out.stderr_text, HasSubstr("infx: error:"));
    EXPECT_EQ(std::count(out.stderr_text.begin(), out.stderr_text.end(), '\n'),
              1)
        << out.stderr_text;
  }
}

}  // namespace
}  // namespace infx
