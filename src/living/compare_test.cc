#include "living/compare.h"

#include <gtest/gtest.h>

#include <cmath>

#include "living/compare_format.h"

namespace infx::living {
namespace {

std::vector<double> Scaled(const std::vector<double>& v, double k) {
  std::vector<double> out;
  for (double x : v) out.push_back(x * k);
  return out;
}

const std::vector<double> kBase = {100.0, 101.0, 99.0};

TEST(CompareSeries, RatioIsTheRatioOfGeometricMeans) {
  // GM(1, 4) = 2, GM(2, 8) = 4.
  const CompareRow r = CompareSeries({1, 4}, {2, 8}, {}, {});
  EXPECT_NEAR(r.ratio, 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.baseline, 2.5);  // medians of the repetitions
  EXPECT_DOUBLE_EQ(r.current, 5.0);
}

TEST(CompareSeries, PoolsNoiseFromHistoryWhenRepetitionsAreFew) {
  const std::vector<std::vector<double>> history = {
      {100, 101, 99}, {100.5, 99.5, 100}, {99, 100, 101}};
  const CompareRow pooled =
      CompareSeries(kBase, Scaled(kBase, 0.9), history, {.baseline_window = 1});
  EXPECT_EQ(pooled.test, "pooled");
  EXPECT_LT(pooled.p_value, 1e-4);
  EXPECT_NEAR(pooled.ratio, 0.9, 1e-12);
  EXPECT_LT(pooled.ci_low, 0.9);
  EXPECT_GT(pooled.ci_high, 0.9);
  // Without history the same data gets Welch's test.
  const CompareRow welch = CompareSeries(kBase, Scaled(kBase, 0.9), {}, {});
  EXPECT_EQ(welch.test, "welch");
  EXPECT_GT(welch.p_value, pooled.p_value);
  // Mann-Whitney with 3 vs 3 cannot go below 0.1.
  EXPECT_NEAR(welch.mw_p_value, 0.1, 1e-12);
}

TEST(CompareSeries, OutlierRepetitionIsDropped) {
  const std::vector<std::vector<double>> history = {
      {100, 101, 99}, {100.5, 99.5, 100}, {99, 100, 101}, {100, 101, 99}};
  // A host hiccup in the baseline's second repetition.
  CompareOptions o;
  o.baseline_window = 1;
  const CompareRow r =
      CompareSeries({100, 60, 101}, {100.5, 99.5, 100}, history, o);
  EXPECT_EQ(r.outliers, 1u);
  EXPECT_EQ(r.n_baseline, 2u);
  EXPECT_LT(r.noise, 0.02);  // not inflated by the hiccup: not unstable
  EXPECT_FALSE(r.test.empty());
  EXPECT_NEAR(r.ratio, 1.0, 0.01);
}

TEST(CompareSeries, BaselineWindowJoinsAStableHistory) {
  const std::vector<std::vector<double>> history = {
      {100.5, 99.5, 100}, {99, 100, 101}, {100, 101, 99}};
  const CompareRow r = CompareSeries(kBase, Scaled(kBase, 0.95), history,
                                     {.baseline_window = 3});
  EXPECT_EQ(r.baseline_runs, 3u);  // the baseline run + the 2 newest
  EXPECT_EQ(r.n_baseline, 9u);
  EXPECT_DOUBLE_EQ(r.baseline, 100.0);  // median of the window
  // A mean over more runs is more precise: a smaller p than alone.
  const CompareRow alone = CompareSeries(kBase, Scaled(kBase, 0.95), history,
                                         {.baseline_window = 1});
  EXPECT_EQ(alone.baseline_runs, 1u);
  EXPECT_LT(r.p_value, alone.p_value);
}

TEST(CompareSeries, BaselineWindowStopsAtAnEarlierStep) {
  // Newest first: one run at the baseline's level, then runs 15% faster
  // (before an earlier regression): the window keeps the runs after it,
  // so an identical re-run is not called worse a second time.
  const std::vector<std::vector<double>> history = {
      {100.5, 99.5, 100}, {115, 116, 114}, {115.5, 114.5, 115}};
  const CompareRow r = CompareSeries(kBase, kBase, history, {});
  EXPECT_EQ(r.baseline_runs, 2u);
  EXPECT_NEAR(r.ratio, 1.0, 0.01);
  EXPECT_GT(r.p_value, 0.05);
}

TEST(CompareSeries, RunToRunDriftWidensTheTest) {
  // Tight repetitions (+-0.5%) but run means that drift by +-4%.
  const std::vector<std::vector<double>> history = {{104, 104.5, 103.5},
                                                    {96, 96.5, 95.5},
                                                    {102, 102.5, 101.5},
                                                    {98, 98.5, 97.5}};
  const CompareRow drift =
      CompareSeries({100, 100.5, 99.5}, {96, 96.5, 95.5}, history, {});
  EXPECT_GT(drift.p_value, 0.05);  // a 4% move is within the drift
  // The same 4% move against a history without drift is significant.
  const std::vector<std::vector<double>> steady = {{100, 100.5, 99.5},
                                                   {100.2, 100.7, 99.7},
                                                   {99.8, 100.3, 99.3},
                                                   {100, 100.5, 99.5}};
  const CompareRow tight =
      CompareSeries({100, 100.5, 99.5}, {96, 96.5, 95.5}, steady, {});
  EXPECT_LT(tight.p_value, 1e-4);
}

TEST(CompareSeries, UnknownWithoutEnoughData) {
  CompareRow r = CompareSeries({100}, {90}, {}, {});
  EXPECT_TRUE(r.test.empty());
  EXPECT_EQ(r.note, "too few repetitions and no history");
  r = CompareSeries({}, {90, 91}, {}, {});
  EXPECT_EQ(r.note, "no baseline value");
  r = CompareSeries({NAN, NAN}, {90, 91}, {}, {});
  EXPECT_EQ(r.note, "no baseline value");
}

TEST(CompareSeries, UnstableSeriesNeverTested) {
  const CompareRow r = CompareSeries({100, 150, 70}, {50, 80, 40}, {}, {});
  EXPECT_TRUE(r.test.empty());
  EXPECT_NE(r.note.find("unstable"), std::string::npos);
}

RunSamples MakeRun(int64_t id,
                   const std::map<std::string, std::vector<double>>& tput,
                   double ttft_scale = 1.0) {
  RunSamples s;
  s.run.run_id = id;
  for (const auto& [key, values] : tput) {
    SeriesSamples& series = s.series[key];
    series.series = key;
    series.metrics["tput_per_gpu"] = values;
    series.metrics["median_ttft_ms"] = Scaled(values, ttft_scale / 1000);
  }
  return s;
}

TEST(CompareRuns, VerdictsFollowDirectionAndBh) {
  const auto a = MakeRun(1, {{"s1", kBase}, {"s2", kBase}, {"s3", kBase}});
  // s1: throughput -10%; s2: +10%; s3: unchanged values. TTFT of s1 is
  // scaled too: lower TTFT is better, so TTFT -10% is "better".
  auto b = MakeRun(2, {{"s1", Scaled(kBase, 0.9)},
                       {"s2", Scaled(kBase, 1.1)},
                       {"s3", {100.5, 99.5, 100.0}}});
  NoiseHistory history;
  for (int i = 0; i < 4; ++i) AddToHistory(a, &history);
  auto c = CompareRuns(a, b, history, {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->rows.size(), 6u);
  std::map<std::pair<std::string, std::string>, const CompareRow*> by;
  for (const auto& r : c->rows) {
    by[{r.series, r.metric}] = &r;
    if (!std::isnan(r.p_value)) {
      EXPECT_GE(r.q_value, r.p_value);
    }
  }
  EXPECT_EQ(by.at({"s1", "tput_per_gpu"})->verdict, Verdict::kWorse);
  EXPECT_EQ(by.at({"s1", "median_ttft_ms"})->verdict, Verdict::kBetter);
  EXPECT_EQ(by.at({"s2", "tput_per_gpu"})->verdict, Verdict::kBetter);
  EXPECT_EQ(by.at({"s2", "median_ttft_ms"})->verdict, Verdict::kWorse);
  EXPECT_EQ(by.at({"s3", "tput_per_gpu"})->verdict, Verdict::kSame);
  EXPECT_TRUE(c->AnyWorse());
  EXPECT_EQ(c->shared_series, 3u);
}

TEST(CompareRuns, EffectFloorInNoiseUnits) {
  // 20 repetitions with 0.1% noise: a 0.5% drop is highly significant but
  // only 5 noise units; a floor of 10 units calls it "same".
  std::vector<double> base, slow;
  for (int i = 0; i < 20; ++i) {
    const double jitter = (i % 2 ? 0.001 : -0.001);
    base.push_back(100 * (1 + jitter));
    slow.push_back(99.5 * (1 + jitter));
  }
  const auto a = MakeRun(1, {{"s", base}});
  const auto b = MakeRun(2, {{"s", slow}});
  auto loose = CompareRuns(a, b, {}, {.min_change = 0});
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->rows[0].verdict, Verdict::kWorse);
  EXPECT_EQ(loose->rows[0].test, "welch");
  CompareOptions strict;
  strict.effect_floor = 10;
  strict.min_change = 0;
  auto floored = CompareRuns(a, b, {}, strict);
  ASSERT_TRUE(floored.ok());
  EXPECT_EQ(floored->rows[0].verdict, Verdict::kSame);
  EXPECT_LT(floored->rows[0].q_value, 0.05);
  // The default 1% minimum change calls the 0.5% drop "same" too (host
  // drift on a quiet host is significant but not a regression), and a 2%
  // drop "worse".
  auto by_default = CompareRuns(a, b, {}, {});
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(by_default->rows[0].verdict, Verdict::kSame);
  EXPECT_LT(by_default->rows[0].q_value, 0.05);
  const auto b2 = MakeRun(3, {{"s", Scaled(base, 0.98)}});
  auto two_percent = CompareRuns(a, b2, {}, {});
  ASSERT_TRUE(two_percent.ok());
  EXPECT_EQ(two_percent->rows[0].verdict, Verdict::kWorse);
}

TEST(CompareRuns, PartialOverlapAndNoOverlap) {
  const auto a = MakeRun(1, {{"s1", kBase}, {"only-a", kBase}});
  const auto b =
      MakeRun(2, {{"s1", kBase}, {"only-b1", kBase}, {"only-b2", kBase}});
  auto c = CompareRuns(a, b, {}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->shared_series, 1u);
  EXPECT_EQ(c->only_in_baseline, 1u);
  EXPECT_EQ(c->only_in_current, 2u);
  const auto d = MakeRun(3, {{"x", kBase}});
  auto none = CompareRuns(a, d, {}, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("share no series"), std::string::npos);
}

TEST(CompareRuns, CanaryReportedApart) {
  auto a = MakeRun(1, {{"s1", kBase}, {"canary", kBase}});
  auto b = MakeRun(2, {{"s1", kBase}, {"canary", Scaled(kBase, 0.8)}});
  a.series["canary"].canary = b.series["canary"].canary = true;
  auto c = CompareRuns(a, b, {}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rows.size(), 2u);
  ASSERT_EQ(c->canary.size(), 2u);
  for (const auto& r : c->canary) EXPECT_TRUE(r.canary);
  EXPECT_FALSE(c->AnyWorse());  // canary drift does not gate
}

TEST(CompareFormat, JsonContract) {
  const auto a = MakeRun(1, {{"s1", kBase}});
  const auto b = MakeRun(2, {{"s1", Scaled(kBase, 0.9)}});
  auto c = CompareRuns(a, b, {}, {});
  ASSERT_TRUE(c.ok());
  const auto j = ComparisonJson(*c);
  ASSERT_TRUE(j.contains("rows"));
  ASSERT_EQ(j["rows"].size(), 2u);
  for (const char* field :
       {"series", "metric", "baseline", "current", "ratio", "ci_low", "ci_high",
        "p_value", "q_value", "verdict"}) {
    EXPECT_TRUE(j["rows"][0].contains(field)) << field;
  }
  EXPECT_EQ(j["rows"][0]["series"], "s1");
  EXPECT_EQ(j["rows"][0]["metric"], "tput_per_gpu");
  EXPECT_NE(ComparisonMarkdown(*c).find("| `s1` |"), std::string::npos);
  EXPECT_NE(FormatComparisonTable(*c).find("tput_per_gpu"), std::string::npos);
}

}  // namespace
}  // namespace infx::living
