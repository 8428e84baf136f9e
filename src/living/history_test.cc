#include "living/history.h"

#include <gtest/gtest.h>

#include "living/history_format.h"

namespace infx::living {
namespace {

std::vector<HistoryPoint> Runs(const std::vector<double>& medians,
                               const std::vector<std::string>& versions) {
  std::vector<HistoryPoint> out;
  for (size_t i = 0; i < medians.size(); ++i) {
    HistoryPoint p;
    p.run_id = static_cast<int64_t>(i + 1);
    p.repetitions = {medians[i] * 0.995, medians[i], medians[i] * 1.005};
    p.attributes = {{"engine_version", versions[i]}, {"host", "h1"}};
    out.push_back(p);
  }
  return out;
}

TEST(History, OneStepWithItsSuspect) {
  // Five runs at ~100 on 0.9.1, two at ~87 (1/1.15) on 0.9.2.
  const std::vector<double> v = {100, 100.4, 99.7, 100.2, 99.9, 87.0, 87.2};
  const std::vector<std::string> ver = {"0.9.1", "0.9.1", "0.9.1", "0.9.1",
                                        "0.9.1", "0.9.2", "0.9.2"};
  const History h = AnalyzeHistory("s", "tput_per_gpu", Runs(v, ver), {});
  ASSERT_EQ(h.points.size(), 7u);
  EXPECT_FALSE(h.unstable);
  ASSERT_EQ(h.change_points.size(), 1u);
  const auto& c = h.change_points[0];
  EXPECT_EQ(c.run, 6);
  EXPECT_EQ(c.last_run_before, 5);
  EXPECT_DOUBLE_EQ(c.before, 100);  // median of 100, 100.4, 99.7, 100.2, 99.9
  EXPECT_DOUBLE_EQ(c.after, 87.1);
  EXPECT_NEAR(c.change, 87.1 / 100 - 1, 1e-12);
  EXPECT_LT(c.p_value, 0.001);
  ASSERT_EQ(c.suspects.size(), 1u);
  EXPECT_EQ(c.suspects[0].attribute, "engine_version");
  EXPECT_EQ(c.suspects[0].before, "0.9.1");
  EXPECT_EQ(c.suspects[0].after, "0.9.2");
  const auto j = HistoryJson(h);
  EXPECT_EQ(j["series"], "s");
  ASSERT_EQ(j["change_points"].size(), 1u);
  for (const char* f :
       {"run", "before", "after", "change", "p_value", "suspects"}) {
    EXPECT_TRUE(j["change_points"][0].contains(f)) << f;
  }
  EXPECT_EQ(j["change_points"][0]["run"], 6);
  EXPECT_NE(HistoryCsv(h).find("6,,"), std::string::npos);
  EXPECT_NE(HistorySvg(h).find("<svg"), std::string::npos);
  EXPECT_NE(FormatHistoryTable(h).find("engine_version"), std::string::npos);
}

TEST(History, FlatHistoryHasNoChangePoint) {
  const std::vector<double> v = {100, 100.4, 99.7, 100.2, 99.9, 100.1, 99.8};
  const History h = AnalyzeHistory(
      "s", "tput_per_gpu", Runs(v, std::vector<std::string>(7, "1")), {});
  EXPECT_TRUE(h.change_points.empty());
  EXPECT_NEAR(h.noise, 0.005, 0.001);
}

TEST(History, NoisySeriesIsUnstableAndNeverAlarms) {
  std::vector<HistoryPoint> points;
  for (int i = 0; i < 10; ++i) {
    HistoryPoint p;
    p.run_id = i + 1;
    const double level = i < 5 ? 100 : 50;
    p.repetitions = {level * 0.7, level, level * 1.4};
    points.push_back(p);
  }
  const History h = AnalyzeHistory("s", "tput_per_gpu", points, {});
  EXPECT_TRUE(h.unstable);
  const auto j = HistoryJson(h);
  EXPECT_TRUE(j["unstable"]);
  for (const auto& c : j["change_points"]) EXPECT_FALSE(c["alarm"]);
}

TEST(History, RunsWithoutValuesAreDropped) {
  std::vector<HistoryPoint> points = Runs({100, 100}, {"1", "1"});
  points[1].repetitions = {NAN};
  const History h = AnalyzeHistory("s", "m", points, {});
  EXPECT_EQ(h.points.size(), 1u);
}

}  // namespace
}  // namespace infx::living
