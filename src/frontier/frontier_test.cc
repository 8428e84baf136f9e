#include "frontier/frontier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace infx::frontier {
namespace {

CurvePoint P(double x, double y, std::string key = "c", double conc = 1) {
  return {x, y, std::move(key), conc, 0};
}

std::vector<std::pair<double, double>> Xy(const std::vector<CurvePoint>& ps) {
  std::vector<std::pair<double, double>> out;
  for (const auto& p : ps) out.emplace_back(p.x, p.y);
  return out;
}

TEST(ParetoFrontierTest, NoPointsGivesEmptyFrontier) {
  EXPECT_TRUE(ParetoFrontier({}, true).empty());
  EXPECT_TRUE(MonotoneCurve::Fit({}).empty());
  EXPECT_FALSE(MonotoneCurve::Fit({}).At(1.0).has_value());
}

TEST(ParetoFrontierTest, SinglePointIsItsOwnFrontier) {
  auto f = ParetoFrontier({P(10, 500)}, true);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].x, 10);
  auto curve = MonotoneCurve::Fit(f);
  EXPECT_EQ(curve.At(10), 500);
  EXPECT_FALSE(curve.At(9.99).has_value());
  EXPECT_FALSE(curve.At(10.01).has_value());
}

TEST(ParetoFrontierTest, DominatedPointsAreDropped) {
  // Interactivity axis: up and to the right is better.
  std::vector<CurvePoint> pts = {P(10, 1000), P(20, 800), P(40, 300),
                                 P(15, 700),   // dominated by (20, 800)
                                 P(5, 900),    // dominated by (10, 1000)
                                 P(40, 200)};  // same x, lower y
  auto f = ParetoFrontier(pts, /*higher_x_better=*/true);
  std::vector<std::pair<double, double>> want = {
      {10, 1000}, {20, 800}, {40, 300}};
  EXPECT_EQ(Xy(f), want);
}

TEST(ParetoFrontierTest, LatencyAxisPrefersLowX) {
  // E2E latency: up and to the left is better.
  std::vector<CurvePoint> pts = {P(100, 50), P(200, 400), P(400, 900),
                                 P(300, 350),   // dominated by (200, 400)
                                 P(500, 900)};  // dominated by (400, 900)
  auto f = ParetoFrontier(pts, /*higher_x_better=*/false);
  std::vector<std::pair<double, double>> want = {
      {100, 50}, {200, 400}, {400, 900}};
  EXPECT_EQ(Xy(f), want);
}

TEST(ParetoFrontierTest, ExactTiesKeepOnePointDeterministically) {
  std::vector<CurvePoint> pts = {P(10, 100, "b", 4), P(10, 100, "a", 8),
                                 P(10, 100, "a", 2), P(20, 50, "z")};
  auto f = ParetoFrontier(pts, true);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].config_key, "a");
  EXPECT_EQ(f[0].concurrency, 2);
  // Same y, better x dominates.
  auto g = ParetoFrontier({P(10, 100, "a"), P(12, 100, "b")}, true);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].config_key, "b");
}

TEST(ParetoFrontierTest, NonFiniteAndNegativePointsIgnored) {
  auto f =
      ParetoFrontier({P(NAN, 100), P(5, INFINITY), P(-1, 10), P(3, 7)}, true);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].x, 3);
}

TEST(ParetoFrontierTest, FrontierIsMonotoneAndUndominated) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0, 100);
  std::vector<CurvePoint> pts;
  for (int i = 0; i < 300; ++i) pts.push_back(P(u(rng), u(rng)));
  auto f = ParetoFrontier(pts, true);
  ASSERT_FALSE(f.empty());
  for (size_t i = 1; i < f.size(); ++i) {
    EXPECT_LT(f[i - 1].x, f[i].x);
    EXPECT_GT(f[i - 1].y, f[i].y);
  }
  for (const auto& p : pts) {
    for (const auto& q : f) {
      EXPECT_FALSE(p.x >= q.x && p.y >= q.y && (p.x > q.x || p.y > q.y))
          << "frontier point (" << q.x << "," << q.y << ") dominated by ("
          << p.x << "," << p.y << ")";
    }
  }
}

TEST(MonotoneCurveTest, InterpolatesKnotsExactly) {
  std::vector<CurvePoint> f = {P(1, 1000), P(10, 900), P(20, 300), P(50, 250)};
  auto c = MonotoneCurve::Fit(f);
  for (const auto& p : f) EXPECT_DOUBLE_EQ(*c.At(p.x), p.y);
  EXPECT_EQ(c.x_min(), 1);
  EXPECT_EQ(c.x_max(), 50);
  EXPECT_FALSE(c.At(0.5).has_value());
  EXPECT_FALSE(c.At(50.5).has_value());
}

TEST(MonotoneCurveTest, NeverOvershootsAndStaysMonotone) {
  // A sharp knee: a natural cubic spline would overshoot here.
  std::vector<CurvePoint> f = {P(1, 5000), P(2, 4990), P(3, 4980),
                               P(4, 100),  P(50, 90),  P(100, 0)};
  auto c = MonotoneCurve::Fit(f);
  double prev = INFINITY;
  for (double x = 1; x <= 100; x += 0.01) {
    double y = *c.At(x);
    EXPECT_LE(y, prev + 1e-9) << "not monotone at x=" << x;
    // Within the y range of the surrounding knots.
    size_t k = 0;
    while (k + 2 < f.size() && f[k + 1].x <= x) ++k;
    EXPECT_LE(y, std::max(f[k].y, f[k + 1].y) + 1e-9) << x;
    EXPECT_GE(y, std::min(f[k].y, f[k + 1].y) - 1e-9) << x;
    prev = y;
  }
}

TEST(MonotoneCurveTest, IncreasingDataStaysIncreasing) {
  std::vector<CurvePoint> f = {P(100, 10), P(150, 400), P(160, 410),
                               P(1000, 420)};
  auto c = MonotoneCurve::Fit(f);
  double prev = -INFINITY;
  for (double x = 100; x <= 1000; x += 0.5) {
    double y = *c.At(x);
    EXPECT_GE(y, prev - 1e-9);
    EXPECT_LE(y, 420 + 1e-9);
    prev = y;
  }
}

TEST(MonotoneCurveTest, TwoPointsInterpolateLinearly) {
  auto c = MonotoneCurve::Fit({P(10, 100), P(20, 50)});
  EXPECT_DOUBLE_EQ(*c.At(15), 75);
}

TEST(IsoValuesTest, LevelsOutsideRangeAreEmpty) {
  auto c = MonotoneCurve::Fit({P(10, 1000), P(40, 400), P(120, 100)});
  auto iso = IsoValues(c, {5, 20, 50, 100, 200});
  ASSERT_EQ(iso.size(), 5u);
  EXPECT_FALSE(iso[0].y.has_value());
  ASSERT_TRUE(iso[1].y.has_value());
  EXPECT_LT(*iso[1].y, 1000);
  EXPECT_GT(*iso[1].y, 400);
  EXPECT_GT(*iso[2].y, *iso[3].y);
  EXPECT_FALSE(iso[4].y.has_value());
}

TEST(CompareFrontiersTest, ScaledFrontierHasConstantRatio) {
  std::vector<CurvePoint> a = {P(10, 2000), P(30, 1200), P(80, 400)};
  std::vector<CurvePoint> b = a;
  for (auto& p : b) p.y /= 2;
  auto cmp = CompareFrontiers(MonotoneCurve::Fit(a), MonotoneCurve::Fit(b),
                              {20, 50, 100});
  ASSERT_EQ(cmp.at_levels.size(), 3u);
  EXPECT_NEAR(*cmp.at_levels[0].ratio, 2.0, 1e-9);
  EXPECT_NEAR(*cmp.at_levels[1].ratio, 2.0, 1e-9);
  EXPECT_FALSE(cmp.at_levels[2].ratio.has_value());  // 100 is out of range
  ASSERT_TRUE(cmp.has_overlap);
  EXPECT_EQ(cmp.overlap_x_min, 10);
  EXPECT_EQ(cmp.overlap_x_max, 80);
  EXPECT_NEAR(*cmp.geomean_ratio, 2.0, 1e-9);
  EXPECT_GT(cmp.area_between, 0);
  // Reversed order flips the sign of the area.
  auto rev = CompareFrontiers(MonotoneCurve::Fit(b), MonotoneCurve::Fit(a), {});
  EXPECT_NEAR(rev.area_between, -cmp.area_between, 1e-6);
}

TEST(CompareFrontiersTest, AreaOfParallelLines) {
  // A: y = 100 - x, B: y = 80 - x over [0, 50]: gap 20, area 1000.
  auto a = MonotoneCurve::Fit({P(0, 100), P(50, 50)});
  auto b = MonotoneCurve::Fit({P(0, 80), P(50, 30)});
  auto cmp = CompareFrontiers(a, b, {});
  EXPECT_NEAR(cmp.area_between, 1000, 1e-6);
  EXPECT_NEAR(cmp.mean_gap, 20, 1e-9);
}

TEST(CompareFrontiersTest, DisjointRangesHaveNoOverlap) {
  auto a = MonotoneCurve::Fit({P(1, 10), P(2, 5)});
  auto b = MonotoneCurve::Fit({P(3, 10), P(4, 5)});
  auto cmp = CompareFrontiers(a, b, {1.5});
  EXPECT_FALSE(cmp.has_overlap);
  EXPECT_EQ(cmp.area_between, 0);
  EXPECT_TRUE(cmp.at_levels[0].y_a.has_value());
  EXPECT_FALSE(cmp.at_levels[0].y_b.has_value());
  EXPECT_FALSE(cmp.at_levels[0].ratio.has_value());
  EXPECT_FALSE(CompareFrontiers(a, MonotoneCurve(), {}).has_overlap);
}

TEST(EconomicsTest, CostPerMillionTokens) {
  // 1000 tok/s/GPU at $3.60/h: 3.6e6 tokens per dollar-hour -> $1 per Mtok.
  EXPECT_NEAR(*CostPerMillionTokensUsd(1000, 3.6), 1.0, 1e-12);
  EXPECT_NEAR(*CostPerMillionTokensUsd(500, 3.6), 2.0, 1e-12);
  EXPECT_FALSE(CostPerMillionTokensUsd(0, 3.6).has_value());
  EXPECT_FALSE(CostPerMillionTokensUsd(1000, 0).has_value());
  EXPECT_FALSE(CostPerMillionTokensUsd(NAN, 1).has_value());
}

TEST(EconomicsTest, TokensPerMegawatt) {
  // 1000 tok/s/GPU at 1250 W all-in: 800 GPUs per MW -> 800k tok/s/MW.
  EXPECT_NEAR(*TokensPerSecondPerMw(1000, 1250), 800000, 1e-6);
  EXPECT_FALSE(TokensPerSecondPerMw(1000, 0).has_value());
  EXPECT_FALSE(TokensPerSecondPerMw(-1, 100).has_value());
}

TEST(AxisNamesTest, ParseRoundTripsAndRejectsUnknown) {
  for (auto x : {XMetric::kInteractivity, XMetric::kE2el, XMetric::kTtft}) {
    EXPECT_EQ(*ParseXMetric(XMetricName(x)), x);
  }
  for (auto y : {YMetric::kTotal, YMetric::kOutput, YMetric::kInput}) {
    EXPECT_EQ(*ParseYMetric(YMetricName(y)), y);
  }
  auto bad = ParseXMetric("latency");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("latency"), std::string::npos);
  EXPECT_FALSE(ParseYMetric("").ok());
  EXPECT_TRUE(HigherXIsBetter(XMetric::kInteractivity));
  EXPECT_FALSE(HigherXIsBetter(XMetric::kTtft));
}

}  // namespace
}  // namespace infx::frontier
