#include "frontier/accuracy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "frontier/analysis.h"
#include "frontier/format.h"

namespace infx::frontier {
namespace {

using store::ConfigRecord;
using store::EvalRecord;
using store::PointRecord;

// Outcomes as the eval module stores them: both filters per question.
nlohmann::json Outcomes(const std::vector<std::pair<bool, bool>>& answers) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < answers.size(); ++i) {
    out.push_back({{"index", i},
                   {"strict_correct", answers[i].first},
                   {"flexible_correct", answers[i].second},
                   {"correct", answers[i].first}});
  }
  return out;
}

// `strict` of n questions right under strict-match, `flexible` under
// flexible-extract (the first ones).
EvalRecord Eval(int64_t id, const std::string& key, int64_t point_id,
                int strict, int flexible, int n) {
  std::vector<std::pair<bool, bool>> answers;
  for (int i = 0; i < n; ++i) answers.push_back({i < strict, i < flexible});
  EvalRecord e;
  e.eval_id = id;
  e.run_id = 1;
  e.config_key = key;
  e.point_id = point_id;
  e.task = "gsm8k";
  e.accuracy = static_cast<double>(strict) / n;
  e.num_questions = n;
  e.outcomes = Outcomes(answers);
  return e;
}

ConfigRecord Config(const std::string& key, std::optional<double> min_score) {
  ConfigRecord c;
  c.run_id = 1;
  c.config_key = key;
  c.hardware = "h200";
  c.details = {{"model", "m"}};
  if (min_score) c.details["eval_min_score"] = *min_score;
  return c;
}

PointRecord Point(const std::string& key, int64_t id, int conc, double x,
                  double y) {
  PointRecord p;
  p.point_id = id;
  p.key = {1, key, 1024, 1024, 1.0, conc, 0, 0};
  p.metrics.interactivity_tok_s_user = x;
  p.metrics.tput_per_gpu_total = y;
  p.metrics.completed = 10;
  return p;
}

TEST(SummarizeCorrectTest, LmEvalMeanStderr) {
  // 3 of 4: sample sd sqrt(4 * 0.75 * 0.25 / 3) = 0.5; / sqrt(4) = 0.25.
  FilterAccuracy a = SummarizeCorrect(3, 4);
  EXPECT_DOUBLE_EQ(a.accuracy, 0.75);
  EXPECT_NEAR(a.standard_error, 0.25, 1e-12);
  EXPECT_EQ(a.correct, 3);
  EXPECT_EQ(a.n, 4);
  // Direct sum over the values for an uneven case.
  const int correct = 7, n = 19;
  const double mean = static_cast<double>(correct) / n;
  double squares = 0;
  for (int i = 0; i < n; ++i) {
    const double v = i < correct ? 1.0 : 0.0;
    squares += (v - mean) * (v - mean);
  }
  EXPECT_NEAR(SummarizeCorrect(correct, n).standard_error,
              std::sqrt(squares / (n - 1) / n), 1e-12);
  EXPECT_EQ(SummarizeCorrect(1, 1).standard_error, 0.0);
  EXPECT_EQ(SummarizeCorrect(0, 0).accuracy, 0.0);
}

TEST(SummarizeEvalsTest, BothFiltersMustReachTheMinScore) {
  std::vector<ConfigRecord> configs = {Config("a", std::nullopt),
                                       Config("b", 0.5)};
  std::vector<PointRecord> points = {Point("a", 11, 4, 50, 100),
                                     Point("a", 12, 16, 20, 300),
                                     Point("b", 21, 16, 30, 200)};
  std::vector<EvalRecord> evals = {
      Eval(2, "a", 12, 19, 20, 20),   // 0.95 / 1.00 >= 0.90: PASS
      Eval(1, "a", 11, 20, 17, 20),   // flexible 0.85 < 0.90: FAIL
      Eval(3, "b", 21, 12, 12, 20)};  // 0.60 >= 0.5: PASS
  RunAccuracy acc = SummarizeEvals(configs, points, evals);
  ASSERT_EQ(acc.evals.size(), 3u);
  EXPECT_EQ(acc.evals[0].eval_id, 1);  // eval_id order
  const EvalAccuracy& low = acc.evals[0];
  EXPECT_EQ(low.concurrency, 4);
  EXPECT_DOUBLE_EQ(low.min_score, kDefaultMinScore);
  ASSERT_TRUE(low.strict_match && low.flexible_extract);
  EXPECT_DOUBLE_EQ(low.strict_match->accuracy, 1.0);
  EXPECT_DOUBLE_EQ(low.flexible_extract->accuracy, 0.85);
  EXPECT_FALSE(low.pass);
  EXPECT_TRUE(acc.evals[1].pass);
  EXPECT_TRUE(acc.evals[2].pass);
  EXPECT_DOUBLE_EQ(acc.evals[2].min_score, 0.5);

  EXPECT_EQ(acc.ConfigPasses("a"), false);
  EXPECT_EQ(acc.ConfigPasses("b"), true);
  EXPECT_FALSE(acc.ConfigPasses("c").has_value());
  EXPECT_EQ(acc.FailedConfigs(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(StatusAt(acc, "a", 4), PointStatus::kFail);
  EXPECT_EQ(StatusAt(acc, "a", 16), PointStatus::kPass);
  EXPECT_EQ(StatusAt(acc, "a", 64), PointStatus::kConfigFail);
  EXPECT_EQ(StatusAt(acc, "b", 1), PointStatus::kNone);

  auto j = EvalAccuracyJson(low);
  EXPECT_EQ(j["concurrency"], 4);
  EXPECT_EQ(j["pass"], false);
  EXPECT_EQ(j["flexible_extract"]["correct"], 17);
  EXPECT_EQ(j["strict_match"]["n"], 20);
}

TEST(SummarizeEvalsTest, RecordsWithoutPerFilterOutcomesUseTheHeadline) {
  EvalRecord e;
  e.eval_id = 1;
  e.config_key = "a";
  e.task = "gsm8k";
  e.accuracy = 0.8;
  e.accuracy_stderr = 0.04;
  e.num_questions = 100;
  e.outcomes = nlohmann::json::array({{{"index", 0}, {"correct", true}}});
  RunAccuracy acc = SummarizeEvals({}, {}, {e});
  ASSERT_EQ(acc.evals.size(), 1u);
  EXPECT_FALSE(acc.evals[0].strict_match.has_value());
  EXPECT_EQ(acc.evals[0].concurrency, 0);  // config-level
  EXPECT_FALSE(acc.evals[0].pass);         // 0.8 < 0.90
  EXPECT_EQ(acc.AtPoint("a", 0), nullptr);
  EXPECT_EQ(acc.ConfigPasses("a"), false);
}

TEST(SummarizeEvalsTest, LatestEvalAtAPointWins) {
  std::vector<PointRecord> points = {Point("a", 11, 4, 50, 100)};
  RunAccuracy acc = SummarizeEvals(
      {}, points, {Eval(1, "a", 11, 5, 5, 20), Eval(2, "a", 11, 19, 19, 20)});
  const EvalAccuracy* e = acc.AtPoint("a", 4);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->eval_id, 2);
  // The older failing eval still fails the config.
  EXPECT_EQ(acc.ConfigPasses("a"), false);
}

TEST(AnalysisAccuracyTest, FlaggedByDefaultExcludedOnRequest) {
  // "fast" dominates the top of the frontier but fails its eval.
  std::vector<ConfigRecord> configs = {Config("fast", std::nullopt),
                                       Config("slow", std::nullopt)};
  std::vector<PointRecord> points = {
      Point("fast", 1, 4, 60, 500), Point("fast", 2, 16, 30, 900),
      Point("slow", 3, 4, 80, 300), Point("slow", 4, 16, 40, 600)};
  std::vector<EvalRecord> evals = {Eval(1, "fast", 2, 10, 10, 20),
                                   Eval(2, "slow", 4, 19, 19, 20)};
  AnalysisOptions o;
  auto flagged = AnalyzePoints(1, configs, points, o, {}, evals);
  ASSERT_EQ(flagged.scenarios.size(), 1u);
  EXPECT_EQ(flagged.scenarios[0].frontier.size(), 4u);
  EXPECT_TRUE(flagged.excluded_configs.empty());
  const std::string table = FormatFrontierTable(flagged);
  EXPECT_NE(table.find("FAIL (config)"), std::string::npos) << table;
  EXPECT_NE(table.find("0.500 +- 0.115"), std::string::npos) << table;
  EXPECT_NE(table.find("PASS"), std::string::npos) << table;
  EXPECT_NE(table.find("still on the frontier"), std::string::npos) << table;

  auto j = FrontierJson(flagged);
  EXPECT_EQ(j["failed_accuracy_configs"], nlohmann::json({"fast"}));
  EXPECT_EQ(j["accuracy"].size(), 2u);
  int failing = 0;
  for (const auto& p : j["scenarios"][0]["frontier"]) {
    if (p["config_key"] == "fast" && p["concurrency"] == 16) {
      EXPECT_EQ(p["accuracy_status"], "fail");
      EXPECT_EQ(p["accuracy"]["strict_match"]["accuracy"], 0.5);
      ++failing;
    }
    if (p["config_key"] == "fast" && p["concurrency"] == 4) {
      EXPECT_EQ(p["accuracy_status"], "config_fail");
      EXPECT_TRUE(p["accuracy"].is_null());
    }
  }
  EXPECT_EQ(failing, 1);

  const std::string csv = FrontierCsv(flagged);
  const std::string header = csv.substr(0, csv.find('\n'));
  const auto columns = std::count(header.begin(), header.end(), ',');
  size_t start = 0;
  while (start < csv.size()) {
    const size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start);
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line;
    start = end + 1;
  }
  EXPECT_NE(csv.find(",gsm8k,0.5,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",fail\n"), std::string::npos) << csv;

  o.exclude_failed_accuracy = true;
  auto excluded = AnalyzePoints(1, configs, points, o, {}, evals);
  EXPECT_EQ(excluded.excluded_configs, (std::vector<std::string>{"fast"}));
  ASSERT_EQ(excluded.scenarios.size(), 1u);
  for (const auto& p : excluded.scenarios[0].frontier) {
    EXPECT_EQ(p.config_key, "slow");
  }
  EXPECT_EQ(excluded.scenarios[0].curves.size(), 1u);
  EXPECT_NE(FormatFrontierTable(excluded).find("left off the frontier"),
            std::string::npos);
}

TEST(AnalysisAccuracyTest, NoEvalsNoAccuracyColumns) {
  auto a = AnalyzePoints(1, {Config("a", std::nullopt)},
                         {Point("a", 1, 4, 60, 500)}, {}, {});
  EXPECT_TRUE(a.accuracy.empty());
  EXPECT_EQ(FormatFrontierTable(a).find("strict-match"), std::string::npos);
  EXPECT_TRUE(FrontierJson(a)["accuracy"].empty());
}

}  // namespace
}  // namespace infx::frontier
