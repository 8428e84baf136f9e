// Sweeps with evals, end to end: `infx sweep` against the built-in emulator
// in answer-key mode (it answers each GSM8K question right with a set
// probability, the same draw for every config and concurrency) runs GSM8K
// evals at the chosen points, stores them in the SQLite results store beside
// the performance points, and `infx frontier`, `infx report` and the sweep
// summary show both filters with their standard errors and mark the config
// whose min score is not reached FAIL. Small on purpose (tiny workloads,
// model time scaled down, a few dozen questions): nothing here depends on
// timing, so it runs under ASan too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/files.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

constexpr int kQuestions = 24;
constexpr double kLowMin = 0.3;   // tp1: far below the answer key's 0.7
constexpr double kHighMin = 1.0;  // tp2: needs every answer right

std::string Gsm8kDir() { return testing::SharedData("gsm8k"); }

// Two configs that differ only in their min score (and tp); the answer key
// answers right with probability 0.7.
std::string Matrix(const std::string& points) {
  return R"(name: sweep-eval
seed: 5
target:
  emulator: {time_scale: 0.05}
configs:
  - {model: llama-3.1-8b, tp: 1, eval_min_score: )" +
         std::to_string(kLowMin) + R"(}
  - {model: llama-3.1-8b, tp: 2, eval_min_score: )" +
         std::to_string(kHighMin) + R"(}
workloads: [{isl: 32, osl: 8}]
concurrency: [1, 2, 4]
prompts: {per_concurrency: 2, min: 2}
eval:
  task: gsm8k
  num_questions: )" +
         std::to_string(kQuestions) + R"(
  data: )" +
         Gsm8kDir() +
         R"(
  points: )" +
         points +
         R"(
  answer_accuracy: "0.7"
)";
}

std::string WriteMatrix(const std::string& dir, const std::string& points) {
  const std::string path = dir + "/matrix.yaml";
  std::ofstream(path) << Matrix(points);
  return path;
}

struct Stored {
  std::vector<store::ConfigRecord> configs;
  std::vector<store::PointRecord> points;
  std::vector<store::EvalRecord> evals;
};

Stored Load(const std::string& db) {
  Stored s;
  auto store = store::OpenExistingResultsStore(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return s;
  auto run = (*store)->LatestRun();
  EXPECT_TRUE(run.ok());
  if (!run.ok()) return s;
  s.configs = (*store)->ListConfigs(run->run_id).value_or(s.configs);
  s.points = (*store)->ListPoints(run->run_id).value_or(s.points);
  s.evals = (*store)->ListEvals(run->run_id).value_or(s.evals);
  return s;
}

// The stored point an eval sits beside, or nullptr.
const store::PointRecord* PointOf(const Stored& s, const store::EvalRecord& e) {
  for (const auto& p : s.points) {
    if (e.point_id && p.point_id == *e.point_id) return &p;
  }
  return nullptr;
}

// Fraction of outcomes with `field` true.
double Fraction(const nlohmann::json& outcomes, const char* field) {
  int right = 0;
  for (const auto& o : outcomes) right += o.at(field).get<bool>() ? 1 : 0;
  return static_cast<double>(right) / static_cast<double>(outcomes.size());
}

std::string KeyOf(int tp) {
  return "llama-3.1-8b/h200/vllm/bf16/tp" + std::to_string(tp);
}

class SweepEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(Gsm8kDir() + "/test.jsonl") ||
        !std::filesystem::exists(Gsm8kDir() + "/train.jsonl")) {
      GTEST_SKIP() << "no GSM8K data in " << Gsm8kDir();
    }
  }
};

TEST_F(SweepEvalTest, HighestAndMedianEvalsStoredBesideThePointsAndJudged) {
  const std::string dir = ScratchDir("sweep-eval-highest-median");
  const std::string matrix = WriteMatrix(dir, "highest-and-median");
  const std::string db = dir + "/sweep.db";
  auto out = RunInfx(
      {"sweep", matrix, "--db", db, "--report", dir + "/sweep.html", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto summary = nlohmann::json::parse(out.stdout_text);
  EXPECT_EQ(summary["points_measured"], 6);
  EXPECT_EQ(summary["evals_run"], 4);
  EXPECT_EQ(summary["evals_failed"], 0);

  // Stored: per config, evals at the median (2) and highest (4) of its
  // concurrencies, each beside that point, with every question's outcome.
  const Stored s = Load(db);
  ASSERT_EQ(s.points.size(), 6u);
  ASSERT_EQ(s.evals.size(), 4u);
  std::map<std::string, std::set<int>> at;
  std::map<std::string, double> accuracy;  // strict-match per config
  for (const auto& e : s.evals) {
    const store::PointRecord* p = PointOf(s, e);
    ASSERT_NE(p, nullptr) << "eval " << e.eval_id << " has no stored point";
    EXPECT_EQ(p->key.config_key, e.config_key);
    at[e.config_key].insert(p->key.concurrency);
    EXPECT_EQ(e.task, "gsm8k");
    EXPECT_EQ(e.num_questions, kQuestions);
    ASSERT_EQ(e.outcomes.size(), static_cast<size_t>(kQuestions));
    // The headline is strict-match over the stored outcomes.
    EXPECT_DOUBLE_EQ(e.accuracy, Fraction(e.outcomes, "strict_correct"));
    accuracy[e.config_key] = e.accuracy;
  }
  const std::set<int> median_and_highest = {2, 4};
  EXPECT_EQ(at[KeyOf(1)], median_and_highest);
  EXPECT_EQ(at[KeyOf(2)], median_and_highest);
  for (const auto& c : s.configs) {
    EXPECT_DOUBLE_EQ(c.details.at("eval_min_score").get<double>(),
                     c.config_key == KeyOf(1) ? kLowMin : kHighMin);
  }
  // The answer key makes tp1 pass and tp2 fail (0.7^24 < 2e-4).
  const bool tp1_passes = accuracy[KeyOf(1)] >= kLowMin;
  const bool tp2_passes = accuracy[KeyOf(2)] >= kHighMin;
  ASSERT_TRUE(tp1_passes);
  ASSERT_FALSE(tp2_passes);

  // The sweep summary and its frontier say so.
  EXPECT_NE(out.stderr_text.find("evals: 4 run, 2 below their min score"),
            std::string::npos)
      << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("accuracy FAIL: " + KeyOf(2) + " c=4"),
            std::string::npos)
      << out.stderr_text;
  EXPECT_EQ(summary["failed_accuracy_configs"],
            nlohmann::json::array({KeyOf(2)}));
  const auto& fj = summary["frontier"];
  ASSERT_EQ(fj["accuracy"].size(), 4u);
  for (const auto& e : fj["accuracy"]) {
    const std::string key = e["config_key"];
    EXPECT_EQ(e["pass"], key == KeyOf(1));
    EXPECT_DOUBLE_EQ(e["strict_match"]["accuracy"].get<double>(),
                     accuracy[key]);
    EXPECT_GT(e["strict_match"]["stderr"].get<double>(), 0.0);
    EXPECT_EQ(e["flexible_extract"]["n"], kQuestions);
    EXPECT_EQ(e["num_questions"], kQuestions);
  }

  // `infx frontier`: table, JSON and CSV carry the accuracy (every point,
  // valid or not: run validity on a busy ASan host is not under test here).
  auto table = RunInfx({"frontier", "--db", db, "--include-invalid"});
  ASSERT_EQ(table.exit_code, 0) << table.stderr_text;
  EXPECT_NE(table.stdout_text.find("strict-match"), std::string::npos);
  EXPECT_NE(table.stdout_text.find("flexible-extract"), std::string::npos);
  EXPECT_NE(table.stdout_text.find("FAIL"), std::string::npos)
      << table.stdout_text;
  EXPECT_NE(table.stdout_text.find("PASS"), std::string::npos);
  char cell[32];
  std::snprintf(cell, sizeof(cell), "%.3f +- ", accuracy[KeyOf(1)]);
  EXPECT_NE(table.stdout_text.find(cell), std::string::npos)
      << cell << "\n"
      << table.stdout_text;

  auto json = RunInfx({"frontier", "--db", db, "--json", "--include-invalid"});
  ASSERT_EQ(json.exit_code, 0) << json.stderr_text;
  auto j = nlohmann::json::parse(json.stdout_text);
  int with_accuracy = 0;
  for (const auto& curve : j["scenarios"][0]["curves"]) {
    const std::string key = curve["config_key"];
    EXPECT_EQ(curve["accuracy_pass"], key == KeyOf(1));
    for (const auto& p : curve["measured"]) {
      const int conc = static_cast<int>(p["concurrency"].get<double>());
      if (median_and_highest.count(conc)) {
        ASSERT_FALSE(p["accuracy"].is_null()) << p.dump();
        EXPECT_EQ(p["accuracy_status"], key == KeyOf(1) ? "pass" : "fail");
        ++with_accuracy;
      } else {
        EXPECT_TRUE(p["accuracy"].is_null());
        EXPECT_EQ(p["accuracy_status"],
                  key == KeyOf(1) ? nlohmann::json() : "config_fail");
      }
    }
  }
  EXPECT_EQ(with_accuracy, 4);

  auto excluded = RunInfx({"frontier", "--db", db, "--json",
                           "--exclude-failed-accuracy", "--include-invalid"});
  ASSERT_EQ(excluded.exit_code, 0) << excluded.stderr_text;
  auto je = nlohmann::json::parse(excluded.stdout_text);
  EXPECT_EQ(je["excluded_configs"], nlohmann::json::array({KeyOf(2)}));
  ASSERT_FALSE(je["scenarios"].empty());
  for (const auto& p : je["scenarios"][0]["frontier"]) {
    EXPECT_EQ(p["config_key"], KeyOf(1));
  }

  auto csv = RunInfx(
      {"frontier", "--db", db, "--csv", dir + "/f.csv", "--include-invalid"});
  ASSERT_EQ(csv.exit_code, 0) << csv.stderr_text;
  auto csv_text = ReadFile(dir + "/f.csv");
  ASSERT_TRUE(csv_text.ok());
  EXPECT_NE(csv_text->find("strict_match,strict_match_stderr"),
            std::string::npos);

  // `infx report`: the accuracy section with both filters and the verdicts.
  auto report = RunInfx(
      {"report", "--db", db, "--static-svg", "-o", dir + "/report.html"});
  ASSERT_EQ(report.exit_code, 0) << report.stderr_text;
  auto html = ReadFile(dir + "/report.html");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("<h2>Accuracy</h2>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"fail\">FAIL</td>"), std::string::npos);
  EXPECT_NE(html->find("Accuracy FAIL: " + KeyOf(2)), std::string::npos);
  char pct[32];
  std::snprintf(pct, sizeof(pct), "%.2f%% \u00b1", accuracy[KeyOf(2)] * 100);
  EXPECT_NE(html->find(pct), std::string::npos) << pct;

  // --resume of the finished run measures and evaluates nothing again.
  auto again = RunInfx({"sweep", matrix, "--db", db, "--resume", "--report",
                        dir + "/again.html"});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_NE(again.stderr_text.find("6 resumed"), std::string::npos)
      << again.stderr_text;
  EXPECT_EQ(Load(db).evals.size(), 4u);
}

TEST_F(SweepEvalTest, FrontierModeEvaluatesExactlyTheFrontierPoints) {
  const std::string dir = ScratchDir("sweep-eval-frontier");
  const std::string db = dir + "/sweep.db";
  auto out = RunInfx({"sweep", WriteMatrix(dir, "frontier"), "--db", db,
                      "--report", dir + "/sweep.html", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto summary = nlohmann::json::parse(out.stdout_text);
  std::set<std::pair<std::string, int>> on_frontier;
  for (const auto& scenario : summary["frontier"]["scenarios"]) {
    for (const auto& p : scenario["frontier"]) {
      on_frontier.insert(
          {p["config_key"], static_cast<int>(p["concurrency"].get<double>())});
      EXPECT_FALSE(p["accuracy"].is_null()) << p.dump();
    }
  }
  const Stored s = Load(db);
  if (on_frontier.empty()) {
    // A frontier leaves INVALID points off (run validity). At time_scale
    // 0.05 the emulator's ITL is a fraction of a millisecond, so a loaded
    // host's read lag can judge every point INVALID (read_lag): then no
    // eval may run, and there is nothing else to check. Any valid point
    // with an empty frontier is a failure.
    for (const auto& p : s.points) {
      ASSERT_FALSE(p.metrics.valid)
          << "valid point off the frontier: " << p.key.config_key
          << " c=" << p.key.concurrency;
    }
    EXPECT_TRUE(s.evals.empty());
    EXPECT_EQ(summary["evals_run"], 0);
    GTEST_SKIP() << "every point was judged INVALID (host too loaded to "
                    "time the emulator's sub-millisecond ITL)";
  }
  std::set<std::pair<std::string, int>> evaluated;
  for (const auto& e : s.evals) {
    const store::PointRecord* p = PointOf(s, e);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(evaluated.insert({e.config_key, p->key.concurrency}).second)
        << "two evals at one point";
  }
  EXPECT_EQ(evaluated, on_frontier);
  EXPECT_EQ(summary["evals_run"], static_cast<int>(on_frontier.size()));
}

}  // namespace
}  // namespace infx
