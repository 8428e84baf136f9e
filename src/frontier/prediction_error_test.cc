#include "frontier/prediction_error.h"

#include <gtest/gtest.h>

#include "frontier/analysis.h"
#include "frontier/format.h"

namespace infx::frontier {
namespace {

using store::ConfigRecord;
using store::PointRecord;

ConfigRecord Config(const std::string& key, nlohmann::json predicted) {
  ConfigRecord c;
  c.run_id = 1;
  c.config_key = key;
  c.hardware = "h200";
  c.details = {{"model", "m"}, {"predicted_points", std::move(predicted)}};
  return c;
}

PointRecord Point(const std::string& key, int isl, int conc, double tput,
                  double interactivity, int rep = 0) {
  PointRecord p;
  p.point_id = isl + conc * 10 + rep;
  p.key = {1, key, isl, 128, 1.0, conc, 0, rep};
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.interactivity_tok_s_user = interactivity;
  p.metrics.median_e2el_ms = 1000;
  p.metrics.completed = 4;
  return p;
}

nlohmann::json Pred(int isl, int conc, double tput, double interactivity) {
  return {{"isl", isl},
          {"osl", 128},
          {"concurrency", conc},
          {"tput_per_gpu_total", tput},
          {"interactivity_tok_s_user", interactivity}};
}

TEST(PredictionErrorTest, PairsEachMeasuredPointWithItsPrediction) {
  std::vector<ConfigRecord> configs = {
      Config("a", {Pred(256, 1, 110, 45), Pred(256, 8, 800, 30),
                   Pred(1024, 1, 90, 50)}),
      Config("b", nlohmann::json::array())};
  std::vector<PointRecord> points = {
      // Repetitions are averaged: (90 + 110) / 2 = 100 measured.
      Point("a", 256, 1, 90, 50, 0), Point("a", 256, 1, 110, 50, 1),
      Point("a", 256, 8, 1000, 25),
      // Same concurrency, other ISL: its own prediction.
      Point("a", 1024, 1, 100, 40),
      // No prediction at this concurrency, or for this config: no row.
      Point("a", 256, 64, 3000, 10), Point("b", 256, 1, 100, 50)};
  auto rows = PredictionErrorsOf(1, configs, points);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].isl, 256);
  EXPECT_EQ(rows[0].concurrency, 1);
  EXPECT_EQ(rows[0].repetitions, 2);
  EXPECT_DOUBLE_EQ(rows[0].measured_tput_per_gpu_total, 100);
  EXPECT_DOUBLE_EQ(*rows[0].tput_error_pct, 10);
  EXPECT_DOUBLE_EQ(*rows[0].interactivity_error_pct, -10);
  EXPECT_EQ(rows[1].concurrency, 8);
  EXPECT_DOUBLE_EQ(*rows[1].tput_error_pct, -20);
  EXPECT_EQ(rows[2].isl, 1024);
  EXPECT_DOUBLE_EQ(*rows[2].tput_error_pct, -10);
  // |10|, |-20|, |-10| -> 10.
  EXPECT_DOUBLE_EQ(*MedianAbsTputErrorPct(rows), 10);
  rows.pop_back();  // even count: mean of the middle two
  EXPECT_DOUBLE_EQ(*MedianAbsTputErrorPct(rows), 15);
  EXPECT_FALSE(MedianAbsTputErrorPct({}).has_value());
}

TEST(PredictionErrorTest, MissingFiguresGiveNullErrorsNotZero) {
  // A prediction without isl/osl applies to every workload; one without
  // interactivity has no interactivity error.
  std::vector<ConfigRecord> configs = {
      Config("a", {{{"concurrency", 1}, {"tput_per_gpu_total", 50}}})};
  auto rows = PredictionErrorsOf(
      1, configs, {Point("a", 512, 1, 0, 20), Point("a", 512, 2, 10, 20)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].tput_error_pct.has_value());  // measured 0
  EXPECT_FALSE(rows[0].interactivity_error_pct.has_value());
  const nlohmann::json j = PredictionErrorJson(rows[0]);
  EXPECT_TRUE(j["tput_error_pct"].is_null());
  EXPECT_EQ(j["predicted"]["tput_per_gpu_total"], 50);
  EXPECT_FALSE(MedianAbsTputErrorPct(rows).has_value());
  EXPECT_NE(FormatPredictionErrors(rows).find("median |error| of tok/s/GPU: "
                                              "- over 1 points"),
            std::string::npos);
}

TEST(PredictionErrorTest, FrontierOutputsCarryThePointsTheCurvesUse) {
  std::vector<ConfigRecord> configs = {
      Config("a", {Pred(256, 1, 110, 45), Pred(256, 8, 750, 30)})};
  PointRecord invalid = Point("a", 256, 8, 1000, 25);
  invalid.metrics.valid = false;
  invalid.metrics.invalid_reasons = "too few completed";
  std::vector<PointRecord> points = {Point("a", 256, 1, 100, 50), invalid};
  RunAnalysis a = AnalyzePoints(1, configs, points, {}, {});
  // The INVALID point is off the curves, so off the comparison too.
  ASSERT_EQ(a.predictions.size(), 1u);
  EXPECT_DOUBLE_EQ(*a.predictions[0].tput_error_pct, 10);
  const nlohmann::json j = FrontierJson(a);
  EXPECT_EQ(j["predictions"]["points"].size(), 1u);
  EXPECT_DOUBLE_EQ(j["predictions"]["median_abs_tput_error_pct"], 10);
  const std::string table = FormatFrontierTable(a);
  EXPECT_NE(table.find("planner predictions vs measured"), std::string::npos);
  EXPECT_NE(table.find("median |error| of tok/s/GPU: 10.0% over 1 points"),
            std::string::npos);

  AnalysisOptions with_invalid;
  with_invalid.include_invalid = true;
  a = AnalyzePoints(1, configs, points, with_invalid, {});
  ASSERT_EQ(a.predictions.size(), 2u);
  EXPECT_DOUBLE_EQ(*a.predictions[1].tput_error_pct, -25);
  // No predictions stored: no section, null median.
  a = AnalyzePoints(1, {Config("a", nlohmann::json::array())}, points, {}, {});
  EXPECT_TRUE(FrontierJson(a)["predictions"]["points"].empty());
  EXPECT_TRUE(
      FrontierJson(a)["predictions"]["median_abs_tput_error_pct"].is_null());
  EXPECT_EQ(FormatFrontierTable(a).find("planner predictions"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::frontier
