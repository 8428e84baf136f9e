// End-to-end test of living benchmarks (issue 14): a small matrix swept
// against the emulator five times, then twice with the engine slowed by 15%
// (`time_scale` x 1.15) and a new emulator version. `infx compare` must call
// the slowed throughput "worse" and identical re-runs not worse, exit 4 with
// --fail-on-regression; `infx history` must find one change point at the
// first slowed run with the version change among its suspects. Bad input:
// unknown run ids, metrics and configs, and a store without history.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

// Step time x kBaseScale: long enough steps that sleep jitter on a busy
// machine stays small next to a 15% slowdown, short enough to run fast.
constexpr double kBaseScale = 2.0;

std::string Matrix(double time_scale, const std::string& version) {
  return "name: living\nseed: 5\nrepetitions: 3\n"
         "target:\n  type: emulator\n  emulator: {time_scale: " +
         std::to_string(time_scale) + ", noise: 0.02, version: \"" + version +
         "\"}\n"
         "configs:\n"
         "  - {model: llama-3.1-8b, hardware: h200, precision: bf16, tp: [1, "
         "2]}\n"
         "workloads: [{isl: 32, osl: 16}]\n"
         "concurrency: [1]\n"
         "prompts: {per_concurrency: 2, min: 4}\n";
}

void Sweep(const std::string& dir, const std::string& db, double time_scale,
           const std::string& version) {
  const std::string path = dir + "/matrix.yaml";
  std::ofstream(path) << Matrix(time_scale, version);
  auto out = RunInfx({"sweep", path, "--db", db, "--quiet"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
}

nlohmann::json Json(const testing::CommandOutput& out) {
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  return nlohmann::json::parse(out.stdout_text, nullptr, false);
}

class LivingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One store per process: ctest runs each test in its own process,
    // in parallel, and each builds its own seven-run history.
    dir_ = new std::string(ScratchDir("living-" + std::to_string(::getpid())));
    db_ = new std::string(*dir_ + "/living.db");
    for (int i = 0; i < 5; ++i) Sweep(*dir_, *db_, kBaseScale, "0.9.1");
    for (int i = 0; i < 2; ++i) Sweep(*dir_, *db_, kBaseScale * 1.15, "0.9.2");
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete db_;
  }
  static std::string* dir_;
  static std::string* db_;
};
std::string* LivingTest::dir_ = nullptr;
std::string* LivingTest::db_ = nullptr;

// Verdicts of the throughput rows of the configs' series (not frontier).
std::vector<std::string> ThroughputVerdicts(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& r : j["rows"]) {
    if (r["metric"] == "tput_per_gpu" &&
        r["series"].get<std::string>().rfind("frontier/", 0) != 0) {
      out.push_back(r["verdict"]);
    }
  }
  return out;
}

TEST_F(LivingTest, CompareCallsTheSlowdownWorseAndReRunsNot) {
  const auto slowed = Json(RunInfx(
      {"compare", "--db", *db_, "--baseline", "5", "--run", "6", "--json"}));
  ASSERT_TRUE(slowed.contains("rows")) << slowed.dump();
  const auto verdicts = ThroughputVerdicts(slowed);
  ASSERT_EQ(verdicts.size(), 2u) << slowed.dump(1);  // tp1 and tp2
  for (const auto& v : verdicts) EXPECT_EQ(v, "worse") << slowed.dump(1);
  for (const auto& r : slowed["rows"]) {
    if (r["metric"] == "tput_per_gpu" &&
        r["series"].get<std::string>().rfind("frontier/", 0) != 0) {
      EXPECT_LT(r["ratio"].get<double>(), 0.95);
      EXPECT_LT(r["ci_high"].get<double>(), 1.0);
      EXPECT_LE(r["p_value"].get<double>(), r["q_value"].get<double>());
    }
  }
  // Identical re-runs: the default pair (latest vs previous of the matrix)
  // is run 7 vs run 6, both slowed; and run 5 vs run 4, both fast.
  for (const auto& args :
       {std::vector<std::string>{"compare", "--db", *db_, "--json"},
        std::vector<std::string>{"compare", "--db", *db_, "--baseline", "4",
                                 "--run", "5", "--json"}}) {
    const auto same = Json(RunInfx(args));
    for (const auto& v : ThroughputVerdicts(same)) {
      EXPECT_TRUE(v == "same" || v == "unknown") << same.dump(1);
    }
  }
  const auto latest = Json(RunInfx({"compare", "--db", *db_, "--json"}));
  EXPECT_EQ(latest["baseline_run"], 6);
  EXPECT_EQ(latest["current_run"], 7);
}

TEST_F(LivingTest, FailOnRegressionExitsFourAndMarkdownSummarizes) {
  auto out = RunInfx({"compare", "--db", *db_, "--baseline", "5", "--run", "6",
                      "--markdown", "--fail-on-regression"});
  EXPECT_EQ(out.exit_code, 4) << out.stderr_text;
  EXPECT_NE(out.stdout_text.find("regression"), std::string::npos);
  EXPECT_NE(out.stdout_text.find("**worse**"), std::string::npos);
  // Without the flag a regression is still a successful comparison.
  out = RunInfx({"compare", "--db", *db_, "--baseline", "5", "--run", "6"});
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stdout_text.find("worse"), std::string::npos);
}

TEST_F(LivingTest, HistoryFindsTheChangeAndItsSuspect) {
  const auto cmp = Json(RunInfx({"compare", "--db", *db_, "--json"}));
  std::string series;
  for (const auto& r : cmp["rows"]) {
    const std::string s = r["series"];
    if (s.rfind("frontier/", 0) != 0 && s.find("/tp1/") != std::string::npos) {
      series = s;
    }
  }
  ASSERT_FALSE(series.empty()) << cmp.dump(1);
  const auto h = Json(RunInfx({"history", "--db", *db_, "--config", series,
                               "--metric", "tput_per_gpu", "--json"}));
  EXPECT_EQ(h["series"], series);
  ASSERT_EQ(h["runs"].size(), 7u);
  ASSERT_EQ(h["change_points"].size(), 1u) << h.dump(1);
  const auto& cp = h["change_points"][0];
  EXPECT_EQ(cp["run"], 6);
  EXPECT_LT(cp["change"].get<double>(), -0.05);
  EXPECT_GT(cp["before"].get<double>(), cp["after"].get<double>());
  bool version_suspect = false;
  for (const auto& s : cp["suspects"]) {
    if (s["attribute"] == "engine_version" &&
        s["before"].get<std::string>().find("0.9.1") != std::string::npos &&
        s["after"].get<std::string>().find("0.9.2") != std::string::npos) {
      version_suspect = true;
    }
  }
  EXPECT_TRUE(version_suspect) << cp.dump(1);
  // CSV and SVG outputs.
  const std::string svg = *dir_ + "/history.svg";
  auto out = RunInfx({"history", "--db", *db_, "--config", series, "--csv",
                      *dir_ + "/history.csv", "--svg", svg});
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("<svg"), std::string::npos);
  // The frontier at an iso-interactivity level compare judged has a
  // history too.
  for (const auto& r : cmp["rows"]) {
    const std::string s = r["series"];
    const size_t at = s.find('@');
    if (s.rfind("frontier/", 0) != 0 || at == std::string::npos) continue;
    const std::string level = s.substr(at + 1, s.find("tok/s") - at - 1);
    out = RunInfx({"history", "--db", *db_, "--iso", level, "--json"});
    EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
    EXPECT_EQ(Json(out)["series"], s);
    break;
  }
}

TEST_F(LivingTest, BadInputIsOneClearError) {
  auto out = RunInfx({"compare", "--db", *db_, "--baseline", "99"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("unknown run id 99"), std::string::npos)
      << out.stderr_text;
  out = RunInfx({"history", "--db", *db_, "--config", "nope/x", "--metric",
                 "tput_per_gpu"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("unknown config 'nope/x'"), std::string::npos)
      << out.stderr_text;
  out =
      RunInfx({"history", "--db", *db_, "--config", "x", "--metric", "speed"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("unknown metric 'speed'"), std::string::npos)
      << out.stderr_text;
}

TEST(LivingStoreTest, StoreWithoutHistorySaysSo) {
  const std::string dir = ScratchDir("living-one-run");
  const std::string db = dir + "/one.db";
  Sweep(dir, db, 0.2, "1");
  auto out = RunInfx({"compare", "--db", db});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("no history"), std::string::npos)
      << out.stderr_text;
}

}  // namespace
}  // namespace infx
