#include "search/sla.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

namespace infx::search {
namespace {

TEST(ParseSlaTest, ParsesTermsAndNamesBadOnes) {
  auto sla = ParseSla("p99_ttft_ms<=2000, median_tpot_ms<=50,x>=1.5");
  ASSERT_TRUE(sla.ok()) << sla.status().message();
  ASSERT_EQ(sla->size(), 3u);
  EXPECT_EQ((*sla)[0].metric, "p99_ttft_ms");
  EXPECT_TRUE((*sla)[0].at_most);
  EXPECT_DOUBLE_EQ((*sla)[1].bound, 50);
  EXPECT_FALSE((*sla)[2].at_most);
  EXPECT_EQ(FormatSla(*sla), "p99_ttft_ms<=2000,median_tpot_ms<=50,x>=1.5");
  auto bad = ParseSla("p99_ttft_ms<2000");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p99_ttft_ms<2000"), std::string::npos);
  EXPECT_FALSE(ParseSla("ttft<=abc").ok());
  EXPECT_FALSE(ParseSla("").ok());
}

TEST(SlaMarginTest, WorstLogMarginAndMissingMetric) {
  auto sla = ParseSla("a<=10,b>=2").value();
  EXPECT_NEAR(SlaMargin({{"a", 5}, {"b", 4}}, sla), std::log(0.5), 1e-12);
  EXPECT_GT(SlaMargin({{"a", 20}, {"b", 4}}, sla), 0);
  std::string missing;
  EXPECT_TRUE(std::isinf(SlaMargin({{"a", 5}}, sla, &missing)));
  EXPECT_EQ(missing, "b");
}

// A config whose p99 TTFT is `ms_per_user` x concurrency.
CurveInput Linear(double ms_per_user, double predicted_ms_per_user) {
  CurveInput in;
  in.scenario = "m";
  in.label = "cfg";
  for (int c = 1; c <= 256; c *= 2) in.levels.push_back(c);
  in.predict = [=](int c) -> std::optional<Observation> {
    Observation o{100.0 / c, 10.0 * c, {}};
    o.metrics["median_ttft_ms"] = predicted_ms_per_user * c;
    return o;
  };
  (void)ms_per_user;
  return in;
}

Observation Measure(double ms_per_user, int c) {
  Observation o{100.0 / c, 10.0 * c, {}};
  o.metrics["p99_ttft_ms"] = ms_per_user * c;
  return o;
}

// Runs the search against the linear curve; returns (boundary, points).
std::pair<int, int> RunSla(double truth, double predicted, double bound,
                           std::optional<double>* interpolated = nullptr) {
  SlaSearch s({Linear(truth, predicted)},
              ParseSla(fmt::format("p99_ttft_ms<={}", bound)).value(), 100);
  for (auto next = s.Next(); !next.empty(); next = s.Next()) {
    for (auto [curve, c] : next) s.Observe(curve, c, Measure(truth, c));
  }
  auto r = s.Result(0);
  if (interpolated) *interpolated = r.interpolated;
  return {r.best_concurrency.value_or(0), r.points};
}

TEST(SlaSearchTest, ExactPredictionBracketsWithTwoPoints) {
  std::optional<double> interp;
  auto [best, points] = RunSla(10, 10, 300, &interp);  // crossing at c = 30
  EXPECT_EQ(best, 16);                                 // the full grid's answer
  EXPECT_EQ(points, 2);                                // 16 passes, 32 fails
  ASSERT_TRUE(interp.has_value());
  EXPECT_NEAR(*interp, 30, 1.5);  // log-margin interpolation
}

TEST(SlaSearchTest, WrongPredictionStillFindsTheGridBoundary) {
  // Predicted 4x too optimistic: the first probe (c=64) fails, the
  // residual there moves the next probe straight to the boundary.
  EXPECT_EQ(RunSla(10, 2.5, 300).first, 16);
  EXPECT_LE(RunSla(10, 2.5, 300).second, 3);
  // 8x too pessimistic.
  EXPECT_EQ(RunSla(10, 80, 300).first, 16);
  EXPECT_LE(RunSla(10, 80, 300).second, 3);
  // Unreachable and always met.
  EXPECT_EQ(RunSla(10, 10, 5).first, 0);
  EXPECT_EQ(RunSla(10, 10, 1e6).first, 256);
}

TEST(SlaSearchTest, BestConfigHasTheHighestThroughputUnderTheSla) {
  CurveInput slow = Linear(20, 20), fast = Linear(10, 10);
  SlaSearch s({slow, fast}, ParseSla("p99_ttft_ms<=300").value(), 100);
  for (auto next = s.Next(); !next.empty(); next = s.Next()) {
    for (auto [curve, c] : next) {
      s.Observe(curve, c, Measure(curve == 0 ? 20 : 10, c));
    }
  }
  EXPECT_EQ(s.Result(0).best_concurrency, 8);
  EXPECT_EQ(s.Best(), 1);
}

TEST(SlaSearchTest, FailedPointsCountAsMisses) {
  SlaSearch s({Linear(10, 10)}, ParseSla("p99_ttft_ms<=300").value(), 100);
  for (auto next = s.Next(); !next.empty(); next = s.Next()) {
    for (auto [curve, c] : next) {
      s.Observe(
          curve, c,
          c >= 8 ? std::nullopt : std::optional<Observation>(Measure(10, c)));
    }
  }
  EXPECT_EQ(s.Result(0).best_concurrency, 4);
}

}  // namespace
}  // namespace infx::search

namespace infx::search {
namespace {

// The planner predicts a flat median TTFT while the measured p99 grows with
// the square of the load: the secant through the measurements, not the
// prediction's shape, must find the boundary; the interpolated crossing
// names the grid level.
TEST(SlaSearchTest, SecantFindsTheBoundaryOfAMisShapedPrediction) {
  CurveInput in = Linear(10, 10);
  in.predict = [](int c) -> std::optional<Observation> {
    Observation o{100.0 / c, 10.0 * c, {}};
    o.metrics["median_ttft_ms"] = 10;
    return o;
  };
  SlaSearch s({in}, ParseSla("p99_ttft_ms<=300").value(), 100);
  auto measure = [](int c) {
    Observation o{100.0 / c, 10.0 * c, {}};
    o.metrics["p99_ttft_ms"] = 0.5 * c * c;  // crossing at c = 24.5
    return o;
  };
  for (auto next = s.Next(); !next.empty(); next = s.Next()) {
    for (auto [curve, c] : next) s.Observe(curve, c, measure(c));
  }
  const auto r = s.Result(0);
  EXPECT_EQ(r.best_concurrency, 16);
  EXPECT_EQ(r.boundary_level, 16);
  ASSERT_TRUE(r.interpolated.has_value());
  EXPECT_NEAR(*r.interpolated, 24.5, 2.5);
  EXPECT_LE(r.points, 4);
}

}  // namespace
}  // namespace infx::search
