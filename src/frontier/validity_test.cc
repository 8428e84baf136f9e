// Points judged INVALID (run validity) are left off the frontier unless
// asked for, and listed, flagged, either way.
#include <gtest/gtest.h>

#include "frontier/analysis.h"
#include "frontier/format.h"

namespace infx::frontier {
namespace {

store::PointRecord Point(int conc, double interactivity, double tput,
                         bool valid) {
  store::PointRecord p;
  p.point_id = conc;
  p.key.run_id = 1;
  p.key.config_key = "tp1";
  p.key.isl = 1024;
  p.key.osl = 1024;
  p.key.concurrency = conc;
  p.metrics.interactivity_tok_s_user = interactivity;
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.median_e2el_ms = 1e5 / interactivity;
  p.metrics.completed = 10;
  p.metrics.valid = valid;
  if (!valid) p.metrics.invalid_reasons = "error_rate: 0.3 > 0.01";
  return p;
}

TEST(FrontierValidityTest, InvalidPointsAreLeftOffUnlessAsked) {
  store::ConfigRecord c;
  c.run_id = 1;
  c.config_key = "tp1";
  c.details = {{"model", "m"}};
  // The invalid point would dominate everything if it were believed.
  std::vector<store::PointRecord> points = {Point(1, 100, 200, true),
                                            Point(8, 60, 1000, true),
                                            Point(64, 500, 9000, false)};
  AnalysisOptions o;
  auto a = AnalyzePoints(1, {c}, points, o, {});
  ASSERT_EQ(a.scenarios.size(), 1u);
  EXPECT_EQ(a.scenarios[0].frontier.size(), 2u);
  ASSERT_EQ(a.invalid_points.size(), 1u);
  EXPECT_EQ(a.invalid_points[0].key.concurrency, 64);
  const std::string table = FormatFrontierTable(a);
  EXPECT_NE(table.find("INVALID points: 1 (left off the frontier"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("error_rate: 0.3 > 0.01"), std::string::npos);
  EXPECT_EQ(FrontierJson(a)["invalid_points"].size(), 1u);

  o.include_invalid = true;
  auto all = AnalyzePoints(1, {c}, points, o, {});
  ASSERT_EQ(all.scenarios.size(), 1u);
  EXPECT_EQ(all.scenarios[0].frontier.size(), 1u);  // the c=64 point
  EXPECT_EQ(all.scenarios[0].frontier[0].concurrency, 64);
  EXPECT_NE(FormatFrontierTable(all).find("kept on the frontier"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::frontier
