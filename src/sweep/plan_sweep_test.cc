#include "sweep/plan_sweep.h"

#include <gtest/gtest.h>

namespace infx::sweep {
namespace {

Matrix TwoConfigs() {
  Matrix m;
  ServingConfig a;
  a.model = "m";
  a.tp = 1;
  ServingConfig b = a;
  b.tp = 2;
  ServingConfig c = a;
  c.tp = 4;
  m.configs = {a, b, c};
  m.config_concurrencies = {{}, {}, {}};
  m.workloads = {Workload{128, 64, 1.0}};
  m.concurrencies = DoublingRange(1, 256);
  m.prompts.per_concurrency = 2;
  return m;
}

TEST(RefinePointsTest, AddsConcurrencyInTheWidestFrontierGap) {
  Matrix m = TwoConfigs();
  // Config 0 measured at 1, 16 and 256: a wide gap between 1 and 16.
  std::vector<MeasuredPoint> measured = {
      {0, 0, 1, 200, 100}, {0, 0, 16, 150, 1000}, {0, 0, 256, 20, 4000}};
  std::set<std::tuple<int, int, int>> attempted = {
      {0, 0, 1}, {0, 0, 16}, {0, 0, 256}};
  std::set<int> dropped;
  std::vector<std::string> notes;
  auto more = RefinePoints(m, measured, attempted, 1, {}, &dropped, &notes);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].config_index, 0);
  // ln(200/150) + ln(1000/100) = 2.59 between c=1 and 16 beats
  // ln(150/20) + ln(4000/1000) = 3.4? No: the 16..256 gap is wider.
  EXPECT_EQ(more[0].concurrency, 64);  // grid level nearest sqrt(16*256)
  EXPECT_EQ(more[0].num_prompts, 128);

  auto two = RefinePoints(m, measured, attempted, 2, {}, &dropped, &notes);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].concurrency, 4);  // nearest sqrt(1*16)
}

TEST(RefinePointsTest, DropsConfigsWellBelowTheFrontier) {
  Matrix m = TwoConfigs();
  std::vector<MeasuredPoint> measured = {
      {0, 0, 1, 200, 100}, {0, 0, 256, 20, 4000},
      {1, 0, 1, 190, 30},  {1, 0, 256, 19, 1000},  // ~25-30% of config 0
      {2, 0, 1, 199, 95},  {2, 0, 256, 21, 3900}};
  std::set<std::tuple<int, int, int>> attempted;
  for (const auto& p : measured) {
    attempted.insert({p.config_index, p.workload_index, p.concurrency});
  }
  std::set<int> dropped;
  std::vector<std::string> notes;
  auto more = RefinePoints(m, measured, attempted, 10, {}, &dropped, &notes);
  EXPECT_TRUE(dropped.count(1));
  EXPECT_FALSE(dropped.count(0));
  EXPECT_FALSE(dropped.count(2));
  for (const auto& p : more) EXPECT_NE(p.config_index, 1);
  EXPECT_FALSE(more.empty());
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes[0].find("tp2"), std::string::npos);
}

TEST(RefinePointsTest, ResolvedFrontierAddsNothing) {
  Matrix m = TwoConfigs();
  std::vector<MeasuredPoint> measured;
  std::set<std::tuple<int, int, int>> attempted;
  for (int c : m.concurrencies) {
    measured.push_back({0, 0, c, 200.0 / (1 + c / 64.0), 100.0 * c});
    attempted.insert({0, 0, c});
  }
  // Adjacent grid levels: no level left between any two points, and the
  // geometric mean of neighbours is not strictly between for 1..2.
  std::set<int> dropped;
  std::vector<std::string> notes;
  PlanSweepOptions o;
  o.resolved_gap = 10;  // every gap counts as resolved
  EXPECT_TRUE(
      RefinePoints(m, measured, attempted, 5, o, &dropped, &notes).empty());
}

TEST(PlanInitialPointsTest, UnpredictableConfigsKeepCoarseLevels) {
  Matrix m = TwoConfigs();  // model "m" is unknown: nothing is predicted
  PlanSweepOptions o;
  o.budget_points = 100;
  auto plan = PlanInitialPoints(m, o);
  // 3 configs x (levels 1,4,16,64,256) = 15 <= 60.
  EXPECT_EQ(plan.points.size(), 15u);
  EXPECT_EQ(plan.points[1].concurrency, 4);
  o.budget_points = 10;  // 6 initial: coarser stride 4 -> 1,16,256 x 3 = 9
  auto small = PlanInitialPoints(m, o);
  EXPECT_LE(small.points.size(), 10u);
}

// issue 12 defect 15: a resumed --plan sweep counts exactly what the store
// holds, including a point an earlier invocation stored outside this
// invocation's plan (a refinement point stored just before a kill -9).
TEST(RunPlannedSweepTest, ResumedSummaryCountsEveryStoredPoint) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SweepOptions options;
  ServingConfig c;
  c.model = "llama-3.1-8b";
  options.matrix.configs = {c};
  options.matrix.config_concurrencies = {{}};
  options.matrix.workloads = {Workload{8, 4, 1.0}};
  options.matrix.concurrencies = {1, 2, 4, 8};
  options.matrix.prompts.per_concurrency = 1;
  options.matrix.prompts.min = 2;
  options.matrix.target.emulator.time_scale = 0;  // no model time
  options.matrix_text = "plan-resume";
  options.predict = false;
  PlanSweepOptions plan;
  plan.budget_points = 2;
  plan.max_rounds = 0;
  auto first = RunPlannedSweep(options, plan, **store);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // What a killed refinement round of the first invocation left behind.
  store::PointRecord extra;
  extra.key = MakePointKey(options.matrix, Point{0, 0, 3, 0, 3}, first->run_id);
  extra.metrics.completed = 3;
  extra.metrics.tput_per_gpu_total = 10;
  extra.metrics.interactivity_tok_s_user = 10;
  ASSERT_TRUE((*store)->InsertPoint(extra).ok());
  options.resume = true;
  auto resumed = RunPlannedSweep(options, plan, **store);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  auto stored = (*store)->ListPoints(first->run_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(resumed->points_measured + resumed->points_resumed +
                resumed->points_failed_stored,
            static_cast<int>(stored->size()));
  EXPECT_EQ(resumed->points_resumed, static_cast<int>(stored->size()));
  EXPECT_EQ(resumed->points_measured, 0);
}

}  // namespace
}  // namespace infx::sweep
