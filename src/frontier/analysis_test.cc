#include "frontier/analysis.h"

#include <gtest/gtest.h>

#include "common/markup.h"
#include "frontier/format.h"
#include "frontier/prices.h"

namespace infx::frontier {
namespace {

using store::ConfigRecord;
using store::PointRecord;

ConfigRecord Config(const std::string& key, const std::string& model,
                    const std::string& hw, int gpus) {
  ConfigRecord c;
  c.run_id = 1;
  c.config_key = key;
  c.hardware = hw;
  c.num_gpus = gpus;
  c.details = {{"model", model}};
  return c;
}

PointRecord Point(const std::string& key, int conc, double interactivity,
                  double tput, int rep = 0, int isl = 1024) {
  PointRecord p;
  p.point_id = conc * 10 + rep;
  p.key.run_id = 1;
  p.key.config_key = key;
  p.key.isl = isl;
  p.key.osl = 1024;
  p.key.concurrency = conc;
  p.key.repetition = rep;
  p.metrics.interactivity_tok_s_user = interactivity;
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.tput_per_gpu_output = tput / 2;
  p.metrics.median_e2el_ms = 1e5 / interactivity;
  p.metrics.completed = 10;
  return p;
}

PriceBook Prices() { return {{"h200", {3.6, 1250}}}; }

TEST(AnalyzePointsTest, EmptyRunHasNoScenarios) {
  auto a = AnalyzePoints(1, {}, {}, {}, {});
  EXPECT_TRUE(a.scenarios.empty());
  EXPECT_NE(FormatFrontierTable(a).find("no completed points"),
            std::string::npos);
  EXPECT_TRUE(FrontierJson(a)["scenarios"].empty());
}

TEST(AnalyzePointsTest, FrontierAcrossConfigsWithEconomics) {
  std::vector<ConfigRecord> configs = {Config("tp1", "m", "h200", 1),
                                       Config("tp2", "m", "H200", 2)};
  std::vector<PointRecord> points = {
      Point("tp1", 1, 100, 200),  Point("tp1", 8, 60, 1000),
      Point("tp1", 64, 20, 3000), Point("tp2", 1, 150, 180),
      Point("tp2", 8, 90, 1100),  Point("tp2", 64, 30, 2000)};
  AnalysisOptions o;
  o.iso_levels = {25, 50, 500};
  auto a = AnalyzePoints(1, configs, points, o, Prices());
  ASSERT_EQ(a.scenarios.size(), 1u);
  const auto& s = a.scenarios[0];
  EXPECT_EQ(s.Label(), "m isl=1024 osl=1024");
  ASSERT_EQ(s.curves.size(), 2u);
  EXPECT_EQ(s.curves[1].num_gpus, 2);
  // No input point dominates a frontier point.
  for (const auto& p : s.frontier) {
    for (const auto& q : points) {
      const double qx = q.metrics.interactivity_tok_s_user;
      const double qy = q.metrics.tput_per_gpu_total;
      EXPECT_FALSE(qx >= p.x && qy >= p.y && (qx > p.x || qy > p.y));
    }
  }
  // Only tp1@8 (60, 1000) is dominated, by tp2@8 (90, 1100).
  ASSERT_EQ(s.frontier.size(), 5u);
  for (const auto& p : s.frontier) EXPECT_NE(p.x, 60);
  EXPECT_EQ(s.frontier.front().config_key, "tp1");  // (20, 3000)
  EXPECT_EQ(s.frontier.back().config_key, "tp2");   // (150, 180)
  ASSERT_EQ(s.economics.size(), s.frontier.size());
  // Case-insensitive hardware lookup: every frontier point has a cost.
  for (size_t i = 0; i < s.frontier.size(); ++i) {
    ASSERT_TRUE(s.economics[i].usd_per_million_tokens.has_value());
    EXPECT_NEAR(*s.economics[i].usd_per_million_tokens,
                3.6 / (s.frontier[i].y * 3600) * 1e6, 1e-9);
  }
  ASSERT_EQ(s.iso.size(), 3u);
  EXPECT_TRUE(s.iso[0].y.has_value());
  EXPECT_FALSE(s.iso[2].y.has_value());
  EXPECT_TRUE(s.iso[2].config_key.empty());
}

TEST(AnalyzePointsTest, RepetitionsAreSummarizedByTheirMedian) {
  std::vector<ConfigRecord> configs = {Config("c", "m", "h200", 1)};
  std::vector<PointRecord> points = {Point("c", 4, 50, 1000, 0),
                                     Point("c", 4, 70, 2000, 1)};
  auto a = AnalyzePoints(1, configs, points, {}, {});
  ASSERT_EQ(a.scenarios.size(), 1u);
  ASSERT_EQ(a.scenarios[0].curves[0].measured.size(), 1u);
  EXPECT_DOUBLE_EQ(a.scenarios[0].curves[0].measured[0].x, 60);
  EXPECT_DOUBLE_EQ(a.scenarios[0].curves[0].measured[0].y, 1500);
  // Three repetitions, one an outlier: the median ignores it (the mean
  // would be 1500 / 103.3).
  points.push_back(Point("c", 4, 190, 1500, 2));
  points[1].metrics.tput_per_gpu_total = 1100;
  points[2].metrics.tput_per_gpu_total = 2400;
  a = AnalyzePoints(1, configs, points, {}, {});
  EXPECT_DOUBLE_EQ(a.scenarios[0].curves[0].measured[0].x, 70);
  EXPECT_DOUBLE_EQ(a.scenarios[0].curves[0].measured[0].y, 1100);
}

TEST(AnalyzePointsTest, ScenariosSplitByModelAndWorkload) {
  std::vector<ConfigRecord> configs = {Config("a", "8b", "h200", 1),
                                       Config("b", "70b", "h200", 4)};
  std::vector<PointRecord> points = {Point("a", 1, 100, 100),
                                     Point("a", 1, 100, 100, 0, 8192),
                                     Point("b", 1, 50, 40)};
  PointRecord failed = Point("b", 2, 50, 40);
  failed.metrics.completed = 0;  // all requests failed: ignored
  points.push_back(failed);
  auto a = AnalyzePoints(1, configs, points, {}, {});
  ASSERT_EQ(a.scenarios.size(), 3u);
  EXPECT_EQ(a.scenarios[0].model, "70b");
  EXPECT_EQ(a.scenarios[0].curves[0].measured.size(), 1u);
  EXPECT_EQ(a.scenarios[1].isl, 1024);
  EXPECT_EQ(a.scenarios[2].isl, 8192);
}

TEST(AnalyzePointsTest, OutputAxisAndPredictions) {
  ConfigRecord c = Config("c", "m", "h200", 1);
  c.details["predicted_points"] = {
      {{"concurrency", 4},
       {"interactivity_tok_s_user", 55},
       {"tput_per_gpu_output", 480}},
      {{"concurrency", 8},
       {"isl", 8192},
       {"interactivity_tok_s_user", 1},
       {"tput_per_gpu_output", 1}},
      {{"concurrency", 16}}};  // incomplete: skipped
  AnalysisOptions o;
  o.y = YMetric::kOutput;
  auto a = AnalyzePoints(1, {c}, {Point("c", 4, 50, 1000)}, o, {});
  ASSERT_EQ(a.scenarios.size(), 1u);
  const auto& curve = a.scenarios[0].curves[0];
  EXPECT_DOUBLE_EQ(curve.measured[0].y, 500);
  ASSERT_EQ(curve.predicted.size(), 1u);
  EXPECT_DOUBLE_EQ(curve.predicted[0].x, 55);
  EXPECT_DOUBLE_EQ(curve.predicted[0].y, 480);
}

TEST(AnalyzePointsTest, ConfigOnlyScenarioAndComparison) {
  std::vector<ConfigRecord> configs = {Config("a", "m", "h200", 1),
                                       Config("b", "m", "h200", 1)};
  std::vector<PointRecord> points = {
      Point("a", 1, 100, 400), Point("a", 8, 50, 2000), Point("b", 1, 100, 200),
      Point("b", 8, 50, 1000)};
  AnalysisOptions o;
  auto run = AnalyzePoints(1, configs, points, o, {});
  auto a = ConfigOnlyScenario(run.scenarios[0], "a", o, {});
  auto b = ConfigOnlyScenario(run.scenarios[0], "b", o, {});
  ASSERT_TRUE(a.ok() && b.ok());
  auto cmp = CompareFrontiers(a->curve, b->curve, {50, 75});
  EXPECT_NEAR(*cmp.at_levels[0].ratio, 2.0, 1e-9);
  EXPECT_EQ(ConfigOnlyScenario(run.scenarios[0], "zz", o, {}).status().code(),
            ErrorCode::kNotFound);
  const std::string text = FormatComparisonTable(cmp, "a", "b");
  EXPECT_NE(text.find("2.000"), std::string::npos);
  EXPECT_EQ(ComparisonJson(cmp, "a", "b")["at_levels"][0]["ratio"], 2.0);
}

TEST(FormatTest, TableCsvJsonAndSvgAgree) {
  std::vector<ConfigRecord> configs = {Config("tp<1>", "m", "h200", 1)};
  std::vector<PointRecord> points = {Point("tp<1>", 1, 100, 200),
                                     Point("tp<1>", 8, 40, 1000)};
  AnalysisOptions o;
  auto a = AnalyzePoints(1, configs, points, o, Prices());
  const std::string table = FormatFrontierTable(a);
  EXPECT_NE(table.find("tp<1>"), std::string::npos);
  EXPECT_NE(table.find("$/Mtok"), std::string::npos);

  const std::string csv = FrontierCsv(a);
  int lines = 0;
  for (char ch : csv) lines += ch == '\n';
  EXPECT_EQ(lines, 1 + 2 + 3);  // header, 2 frontier points, 3 iso levels
  EXPECT_EQ(csv.rfind("kind,run_id,", 0), 0u);

  auto j = FrontierJson(a);
  EXPECT_EQ(j["x_metric"], "interactivity");
  ASSERT_EQ(j["scenarios"][0]["frontier"].size(), 2u);
  EXPECT_EQ(j["scenarios"][0]["frontier"][0]["x"], 40.0);
  // 20 is below the measured range; 100 is exactly the last knot.
  EXPECT_TRUE(j["scenarios"][0]["iso"][0]["y"].is_null());
  EXPECT_EQ(j["scenarios"][0]["iso"][2]["y"], 200.0);

  const std::string svg = RenderSvgChart(a.scenarios[0], o, {});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("tp&lt;1&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("tp<1>"), std::string::npos);
  EXPECT_NE(svg.find("Pareto frontier"), std::string::npos);
  EXPECT_EQ(svg.find("accuracy FAIL"), std::string::npos);

  // A config that failed its accuracy check says so in legend and tooltips.
  const std::string failed_key = a.scenarios[0].curves[0].config_key;
  const std::string marked = RenderSvgChart(
      a.scenarios[0], o, {.failed_accuracy_configs = {failed_key}});
  EXPECT_NE(marked.find(XmlEscape(failed_key) + " (accuracy FAIL)"),
            std::string::npos);
  const std::string other_key = a.scenarios[0].curves.back().config_key;
  if (other_key != failed_key) {
    EXPECT_EQ(marked.find(XmlEscape(other_key) + " (accuracy FAIL)"),
              std::string::npos);
  }
}

TEST(PricesTest, BuiltinCatalogPricesKnownHardware) {
  auto catalog = hardware::HardwareCatalog::Builtin();
  std::vector<ConfigRecord> configs = {Config("a", "m", "H200", 1),
                                       Config("b", "m", "no-such-gpu", 1),
                                       Config("c", "m", "", 1)};
  PriceBook prices = PricesForConfigs(catalog, configs);
  ASSERT_EQ(prices.size(), 1u);
  ASSERT_TRUE(prices.count("h200"));
  auto spec = catalog.Find("h200");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(prices["h200"].usd_per_gpu_hour, spec->usd_per_gpu_hour);
  EXPECT_EQ(prices["h200"].all_in_power_watts, spec->all_in_power_watts);
  EXPECT_GT(prices["h200"].usd_per_gpu_hour, 0);
}

// Issue 12 defect 16: a fast model's frontier (300-1200 tok/s/user) lies
// beyond every default iso level (20, 50, 100); the table was useless.
TEST(AnalyzePointsTest, DefaultIsoLevelsOutOfRangeAreChosenFromTheData) {
  std::vector<ConfigRecord> configs = {Config("tp1", "m", "h200", 1)};
  std::vector<PointRecord> points = {Point("tp1", 1, 1200, 100),
                                     Point("tp1", 8, 800, 600),
                                     Point("tp1", 64, 300, 2000)};
  auto a = AnalyzePoints(1, configs, points, {}, Prices());
  ASSERT_EQ(a.scenarios.size(), 1u);
  const ScenarioFrontier& s = a.scenarios[0];
  EXPECT_TRUE(s.iso_from_data);
  ASSERT_EQ(s.iso.size(), 3u);
  for (const IsoRow& r : s.iso) {
    EXPECT_GE(r.x, 300);
    EXPECT_LE(r.x, 1200);
    EXPECT_TRUE(r.y.has_value()) << r.x;
  }
  EXPECT_EQ(s.iso[1].x, 750);  // the middle, two significant digits
  const std::string table = FormatFrontierTable(a);
  EXPECT_NE(table.find("showing levels from the data (choose with --iso)"),
            std::string::npos)
      << table;
  EXPECT_EQ(FrontierJson(a)["scenarios"][0]["iso_from_data"], true);

  // Levels the user chose are kept, with a hint when none is in range.
  AnalysisOptions given;
  given.iso_levels = {20, 50};
  given.iso_levels_are_defaults = false;
  auto b = AnalyzePoints(1, configs, points, given, Prices());
  EXPECT_FALSE(b.scenarios[0].iso_from_data);
  EXPECT_FALSE(b.scenarios[0].iso[0].y.has_value());
  EXPECT_NE(FormatFrontierTable(b).find("pass --iso with levels in that range"),
            std::string::npos);
}

TEST(AnalyzePointsTest, IsoLevelsFromDataStayInsideTheRange) {
  EXPECT_EQ(IsoLevelsFromData(300, 1200), (std::vector<double>{530, 750, 980}));
  EXPECT_EQ(IsoLevelsFromData(5, 5), (std::vector<double>{5}));
  for (double x : IsoLevelsFromData(101, 102.5)) {
    EXPECT_GE(x, 101);
    EXPECT_LE(x, 102.5);
  }
}

}  // namespace
}  // namespace infx::frontier
