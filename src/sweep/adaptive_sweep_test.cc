#include "sweep/adaptive_sweep.h"

#include <gtest/gtest.h>

namespace infx::sweep {
namespace {

SweepOptions SmallSweep(const std::string& text) {
  SweepOptions options;
  ServingConfig c;
  c.model = "llama-3.1-8b";
  ServingConfig c2 = c;
  c2.tp = 2;
  options.matrix.configs = {c, c2};
  options.matrix.config_concurrencies = {{}, {}};
  options.matrix.workloads = {Workload{8, 4, 1.0}};
  options.matrix.concurrencies = {1, 2, 4, 8, 16};
  options.matrix.prompts.per_concurrency = 1;
  options.matrix.prompts.min = 2;
  options.matrix.target.emulator.time_scale = 0;  // no model time
  options.matrix_text = text;
  options.predict = false;
  return options;
}

TEST(BuildSearchCurvesTest, OneCurvePerConfigAndWorkloadWithPredictions) {
  const Matrix m = SmallSweep("x").matrix;
  const SearchCurves curves = BuildSearchCurves(m);
  ASSERT_EQ(curves.curves.size(), 2u);
  EXPECT_EQ(curves.keys[1], std::make_pair(1, 0));
  EXPECT_EQ(curves.curves[0].scenario, "llama-3.1-8b 8/4");
  EXPECT_EQ(curves.curves[0].levels, m.concurrencies);
  auto p = curves.curves[0].predict(4);
  ASSERT_TRUE(p.has_value());
  EXPECT_GT(p->x, 0);
  EXPECT_GT(p->y, 0);
  EXPECT_TRUE(p->metrics.count("median_ttft_ms"));
}

TEST(ObservationOfTest, AveragesRepetitionsAndRejectsInvalidPoints) {
  store::PointRecord a, b;
  a.metrics.completed = b.metrics.completed = 4;
  a.metrics.interactivity_tok_s_user = 10;
  b.metrics.interactivity_tok_s_user = 20;
  a.metrics.tput_per_gpu_total = 100;
  b.metrics.tput_per_gpu_total = 300;
  a.metrics.p99_ttft_ms = 1;
  b.metrics.p99_ttft_ms = 3;
  a.metrics_json = {{"custom_metric", 5}, {"text", "x"}};
  auto o = ObservationOf({&a, &b});
  ASSERT_TRUE(o.has_value());
  EXPECT_DOUBLE_EQ(o->x, 15);
  EXPECT_DOUBLE_EQ(o->y, 200);
  EXPECT_DOUBLE_EQ(o->metrics.at("p99_ttft_ms"), 2);
  EXPECT_DOUBLE_EQ(o->metrics.at("custom_metric"), 2.5);
  EXPECT_FALSE(o->metrics.count("text"));
  b.metrics.valid = false;
  EXPECT_FALSE(ObservationOf({&a, &b}).has_value());
  b.metrics.valid = true;
  b.metrics.completed = 0;
  EXPECT_FALSE(ObservationOf({&a, &b}).has_value());
}

// A small sweep end to end: the adaptive search stays within its budget,
// stores what it measured, reports the grid, and a resumed run continues
// from the stored points instead of measuring them again.
TEST(RunAdaptiveSweepTest, SpendsTheBudgetAndResumes) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SweepOptions options = SmallSweep("adaptive");
  PlanSweepOptions plan;
  plan.search = SearchMode::kAdaptive;
  plan.budget_points = 4;
  auto first = RunPlannedSweep(options, plan, **store);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto stored = (*store)->ListPoints(first->run_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_LE(stored->size(), 4u);
  EXPECT_EQ(first->points_measured + first->points_failed_stored,
            static_cast<int>(stored->size()));
  ASSERT_TRUE(first->search.is_object());
  EXPECT_EQ(first->search["mode"], "adaptive");
  EXPECT_EQ(first->search["grid_points"], 10);
  EXPECT_EQ(first->search["points"], static_cast<int>(stored->size()));
  EXPECT_EQ(first->search["scenarios"].size(), 1u);
  EXPECT_FALSE(first->search["stop_reason"].get<std::string>().empty());
  EXPECT_FALSE(first->search_notes.empty());

  options.resume = true;
  plan.budget_points = 6;
  auto resumed = RunPlannedSweep(options, plan, **store);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  auto after = (*store)->ListPoints(first->run_id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(resumed->points_resumed, static_cast<int>(stored->size()));
  EXPECT_LE(after->size(), 6u);
  EXPECT_EQ(resumed->search["points"], static_cast<int>(after->size()));
}

TEST(RunSlaSweepTest, ReportsEveryConfigAndRejectsABadSla) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SweepOptions options = SmallSweep("sla");
  PlanSweepOptions plan;
  plan.sla = "median_ttft_ms<=1e9";  // always met: bracket to the top
  auto r = RunPlannedSweep(options, plan, **store);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->search.is_object());
  EXPECT_EQ(r->search["mode"], "sla");
  ASSERT_EQ(r->search["configs"].size(), 2u);
  EXPECT_LE(r->search["points"].get<int>(), 10 / 3);
  EXPECT_FALSE(r->search_notes.empty());

  plan.sla = "median_ttft_ms<2000";
  auto bad = RunPlannedSweep(SmallSweep("sla-bad"), plan, **store);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("median_ttft_ms<2000"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::sweep
