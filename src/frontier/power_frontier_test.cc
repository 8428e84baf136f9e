// Power y metrics (issue 19): `--y tokens_per_mw | joules_per_token` take a
// point's measured GPU power when every repetition has valid power, else
// the catalog's all-in watts (y_source says which); lower J/token is
// better on the Pareto frontier; tables show measured beside catalog.
#include <gtest/gtest.h>

#include "frontier/analysis.h"
#include "frontier/format.h"

namespace infx::frontier {
namespace {

using store::PointRecord;

store::ConfigRecord Config(const std::string& key, const std::string& hw) {
  store::ConfigRecord c;
  c.run_id = 1;
  c.config_key = key;
  c.hardware = hw;
  c.details = {{"model", "m"}};
  return c;
}

PointRecord Point(const std::string& key, int conc, double interactivity,
                  double tput, int rep = 0) {
  PointRecord p;
  p.point_id = conc * 10 + rep;
  p.key = {1, key, 1024, 1024, 1.0, conc, 0, rep};
  p.metrics.interactivity_tok_s_user = interactivity;
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.completed = 10;
  return p;
}

// Valid measured power: `tpmw` tok/s/MW all-in, facility 2.
PointRecord WithPower(PointRecord p, double tpmw) {
  store::PointPower& pw = p.metrics.power;
  pw.measured = pw.valid = true;
  pw.source = "dcgm";
  pw.facility_factor = 2;
  pw.tokens_per_mw = tpmw;
  pw.joules_per_total_token = 1e6 / tpmw / 2;  // GPU only
  return p;
}

PriceBook Prices() { return {{"h200", {3.6, 1250}}}; }

TEST(PowerFrontierTest, ParsesAndNamesThePowerMetrics) {
  EXPECT_EQ(*ParseYMetric("tokens_per_mw"), YMetric::kTokensPerMw);
  EXPECT_EQ(*ParseYMetric("joules_per_token"), YMetric::kJoulesPerToken);
  EXPECT_EQ(YMetricName(YMetric::kJoulesPerToken), "joules_per_token");
  EXPECT_FALSE(HigherYIsBetter(YMetric::kJoulesPerToken));
  EXPECT_TRUE(HigherYIsBetter(YMetric::kTokensPerMw));
  EXPECT_NE(ParseYMetric("watts").status().message().find("tokens_per_mw"),
            std::string::npos);
}

TEST(PowerFrontierTest, LowerIsBetterParetoKeepsTheCheapestPoints) {
  // x: interactivity (higher better); y: J/token (lower better).
  std::vector<CurvePoint> pts = {{10, 0.5, "a", 1, 1},
                                 {20, 0.8, "a", 2, 2},
                                 {20, 0.9, "b", 2, 3},  // dominated by 2
                                 {5, 0.6, "b", 1, 4},   // dominated by 1
                                 {30, 1.5, "a", 4, 5}};
  auto f = ParetoFrontier(pts, /*higher_x_better=*/true,
                          /*higher_y_better=*/false);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].point_id, 1);
  EXPECT_EQ(f[1].point_id, 2);
  EXPECT_EQ(f[2].point_id, 5);
}

TEST(PowerFrontierTest, MeasuredWhenValidElseCatalog) {
  std::vector<store::ConfigRecord> configs = {Config("a", "h200"),
                                              Config("u", "unknown-gpu")};
  PointRecord invalid = WithPower(Point("a", 4, 50, 2000), 9e6);
  invalid.metrics.power.valid = false;
  std::vector<PointRecord> points = {
      WithPower(Point("a", 1, 100, 500), 8e5), invalid,
      // Repetitions: one without power -> the catalog for the level.
      WithPower(Point("a", 8, 30, 3000, 0), 2e6), Point("a", 8, 30, 3000, 1),
      // Unknown hardware: measured only.
      WithPower(Point("u", 1, 90, 400), 7e5), Point("u", 2, 80, 600)};
  AnalysisOptions o;
  o.y = YMetric::kTokensPerMw;
  auto a = AnalyzePoints(1, configs, points, o, Prices());
  ASSERT_EQ(a.scenarios.size(), 1u);
  const auto& curves = a.scenarios[0].curves;
  ASSERT_EQ(curves.size(), 2u);
  const auto& ca = curves[0].measured;
  ASSERT_EQ(ca.size(), 3u);
  EXPECT_EQ(ca[0].y_source, "measured");
  EXPECT_DOUBLE_EQ(ca[0].y, 8e5);
  EXPECT_EQ(ca[1].y_source, "catalog");  // power not valid
  EXPECT_DOUBLE_EQ(ca[1].y, 2000 * 1e6 / 1250);
  EXPECT_EQ(ca[2].y_source, "catalog");  // a repetition lacks power
  EXPECT_DOUBLE_EQ(ca[2].y, 3000 * 1e6 / 1250);
  ASSERT_EQ(curves[1].measured.size(), 1u);  // no catalog watts: left out
  EXPECT_EQ(curves[1].measured[0].y_source, "measured");
  // J/token: all-in (GPU J x facility), i.e. 1e6 / tokens per MW.
  o.y = YMetric::kJoulesPerToken;
  auto j = AnalyzePoints(1, configs, points, o, Prices());
  const auto& ja = j.scenarios[0].curves[0].measured;
  EXPECT_DOUBLE_EQ(ja[0].y, 1e6 / 8e5);
  EXPECT_DOUBLE_EQ(ja[1].y, 1250.0 / 2000);
  const std::string table = FormatFrontierTable(j);
  EXPECT_NE(table.find("J/token"), std::string::npos) << table;
  EXPECT_NE(table.find("y from"), std::string::npos);
  EXPECT_NE(table.find("catalog J/token"), std::string::npos);
  EXPECT_NE(table.find("measured"), std::string::npos);
  EXPECT_EQ(FrontierJson(j)["y_metric"], "joules_per_token");
}

TEST(PowerFrontierTest, ThroughputTablesShowMeasuredBesideCatalog) {
  std::vector<store::ConfigRecord> configs = {Config("a", "h200")};
  std::vector<PointRecord> points = {WithPower(Point("a", 1, 100, 500), 8e5),
                                     Point("a", 4, 50, 2000)};
  auto a = AnalyzePoints(1, configs, points, {}, Prices());
  const auto& f = a.scenarios[0].frontier;
  ASSERT_EQ(f.size(), 2u);
  EXPECT_FALSE(f[0].measured_tok_s_per_mw.has_value());  // x ascending
  EXPECT_DOUBLE_EQ(*f[1].measured_tok_s_per_mw, 8e5);
  const std::string table = FormatFrontierTable(a);
  EXPECT_NE(table.find("measured tok/s/MW"), std::string::npos) << table;
  EXPECT_NE(table.find("800000"), std::string::npos) << table;
  EXPECT_EQ(
      FrontierJson(a)["scenarios"][0]["frontier"][1]["measured_tok_s_per_mw"],
      8e5);
}

}  // namespace
}  // namespace infx::frontier
