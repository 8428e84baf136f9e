#include "search/frontier_search.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace infx::search {
namespace {

// A serving curve: time per output token 10 ms x (1 + c / knee), every user
// streaming; throughput per GPU = c x per-user rate x `scale`.
Observation Point(int c, double knee, double scale, double x_scale = 1) {
  const double x = x_scale * 100.0 / (1 + c / knee);
  return {x, c * x * scale, {}};
}

CurveInput Curve(std::string label, double knee, double scale,
                 double x_scale = 1) {
  CurveInput in;
  in.scenario = "m";
  in.label = std::move(label);
  for (int c = 1; c <= 256; c *= 2) in.levels.push_back(c);
  in.predict = [=](int c) {
    return std::optional<Observation>(Point(c, knee, scale, x_scale));
  };
  return in;
}

double TrueGridHv(const std::vector<std::pair<double, double>>& curves,
                  double bias) {
  std::vector<HvPoint> pts;
  for (auto [knee, scale] : curves) {
    for (int c = 1; c <= 256; c *= 2) {
      auto p = Point(c, knee, scale * bias);
      pts.push_back({p.x, p.y});
    }
  }
  return Hypervolume(pts);
}

TEST(FrontierSearchTest, ExpectedImprovementIsLargestAtTheKnee) {
  SearchOptions o;
  o.budget_points = 100;
  o.between_levels = false;
  FrontierSearch s({Curve("a", 32, 1)}, o);
  s.Observe(0, 1, Point(1, 32, 1));
  s.Observe(0, 256, Point(256, 32, 1));
  auto cands = s.Candidates(0);
  ASSERT_EQ(cands.size(), 7u);  // 2..128
  auto best = *std::max_element(
      cands.begin(), cands.end(),
      [](auto& a, auto& b) { return a.expected_gain < b.expected_gain; });
  EXPECT_GE(best.concurrency, 16);
  EXPECT_LE(best.concurrency, 64);
  for (const auto& c : cands) {
    EXPECT_GE(c.optimistic_gain, c.expected_gain);
    EXPECT_GT(c.expected_gain, 0);
  }
  // A measured point has no candidate any more.
  for (const auto& c : cands) EXPECT_NE(c.concurrency, 256);
}

TEST(FrontierSearchTest, DominatedConfigIsDroppedWithTheReason) {
  SearchOptions o;
  o.budget_points = 100;
  // 60% of the interactivity and 30% of the throughput at every load:
  // even 2 sigma (35%) better than predicted it stays under the frontier.
  FrontierSearch s({Curve("good", 32, 1), Curve("half", 32, 0.5, 0.6)}, o);
  EXPECT_TRUE(s.dropped().empty());  // nothing measured: nothing to judge
  for (int c = 1; c <= 256; c *= 2) s.Observe(0, c, Point(c, 32, 1));
  ASSERT_TRUE(s.dropped().count(1));
  EXPECT_NE(s.dropped().at(1).find("half"), std::string::npos);
  EXPECT_FALSE(s.dropped().count(0));
  for (const auto& c : s.Next(10)) EXPECT_NE(c.curve, 1);
}

TEST(FrontierSearchTest, QuarterOfTheGridReachesTheFrontierDespiteBias) {
  // The truth is 10% better in throughput than predicted and one config's
  // knee is elsewhere than predicted.
  const std::vector<std::pair<double, double>> truth = {
      {32, 1}, {64, 0.8}, {16, 1.1}};
  SearchOptions o;
  o.budget_points = 27 / 4;
  FrontierSearch s(
      {Curve("a", 32, 1), Curve("b", 64, 0.8), Curve("c", 24, 1.1)}, o);
  for (auto next = s.Next(3); !next.empty(); next = s.Next(3)) {
    for (const auto& c : next) {
      auto [knee, scale] = truth[c.curve];
      s.Observe(c.curve, c.concurrency,
                Point(c.concurrency, knee, scale * 1.1));
    }
  }
  EXPECT_LE(s.points_used(), 6);
  const auto report = s.Report();
  ASSERT_EQ(report.size(), 1u);
  EXPECT_GE(report[0].measured_hv / TrueGridHv(truth, 1.1), 0.98);
  EXPECT_NE(s.stop_reason(), "");
}

TEST(FrontierSearchTest, StopsWhenTheExpectedGainIsBelowTheThreshold) {
  SearchOptions o;
  o.budget_points = 1000;
  o.gain_threshold = 0.01;
  FrontierSearch s({Curve("a", 32, 1)}, o);
  int rounds = 0;
  for (auto next = s.Next(2); !next.empty() && rounds < 100; next = s.Next(2)) {
    ++rounds;
    for (const auto& c : next) {
      s.Observe(c.curve, c.concurrency, Point(c.concurrency, 32, 1));
    }
  }
  EXPECT_LT(s.points_used(), 17);  // 9 grid levels + 8 midpoints
  EXPECT_NE(s.stop_reason().find("threshold"), std::string::npos);
}

TEST(FrontierSearchTest, FailedPointsCountButAddNothing) {
  SearchOptions o;
  o.budget_points = 2;
  FrontierSearch s({Curve("a", 32, 1)}, o);
  auto next = s.Next(5);
  ASSERT_EQ(next.size(), 2u);
  s.Observe(0, next[0].concurrency, std::nullopt);
  s.Observe(0, next[1].concurrency, std::nullopt);
  EXPECT_TRUE(s.Next(5).empty());
  EXPECT_NE(s.stop_reason().find("budget"), std::string::npos);
  EXPECT_DOUBLE_EQ(s.Report()[0].measured_hv, 0);
}

}  // namespace
}  // namespace infx::search
