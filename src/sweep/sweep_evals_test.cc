#include "sweep/sweep_evals.h"

#include <gtest/gtest.h>

#include <set>

namespace infx::sweep {
namespace {

EvalSpec Spec(EvalPoints points, std::vector<int> list = {}) {
  EvalSpec s;
  s.num_questions = 10;
  s.data = "unused";
  s.points = points;
  s.concurrencies = std::move(list);
  return s;
}

TEST(SelectEvalConcurrenciesTest, ModesAsInferenceX) {
  // Unsorted, with a repeat (two workloads at 16).
  const std::vector<int> measured = {64, 1, 16, 4, 16, 256};
  EXPECT_EQ(SelectEvalConcurrencies(Spec(EvalPoints::kHighest), measured),
            (std::vector<int>{256}));
  // Distinct sorted {1, 4, 16, 64, 256}: sorted[5 / 2] = 16.
  EXPECT_EQ(SelectEvalConcurrencies(Spec(EvalPoints::kMedian), measured),
            (std::vector<int>{16}));
  EXPECT_EQ(
      SelectEvalConcurrencies(Spec(EvalPoints::kHighestAndMedian), measured),
      (std::vector<int>{16, 256}));
  EXPECT_EQ(SelectEvalConcurrencies(Spec(EvalPoints::kAll), measured),
            (std::vector<int>{1, 4, 16, 64, 256}));
  // Listed concurrencies the config did not measure are left out.
  EXPECT_EQ(
      SelectEvalConcurrencies(Spec(EvalPoints::kList, {4, 8, 256}), measured),
      (std::vector<int>{4, 256}));
  EXPECT_TRUE(
      SelectEvalConcurrencies(Spec(EvalPoints::kFrontier), measured).empty());
}

TEST(SelectEvalConcurrenciesTest, EvenCountsMinConcurrencyAndEdges) {
  // Even count: the upper median, sorted[4 / 2].
  EXPECT_EQ(SelectEvalConcurrencies(Spec(EvalPoints::kMedian), {1, 2, 4, 8}),
            (std::vector<int>{4}));
  // One level: highest and median coincide, evaluated once.
  EXPECT_EQ(SelectEvalConcurrencies(Spec(EvalPoints::kHighestAndMedian), {8}),
            (std::vector<int>{8}));
  EXPECT_TRUE(SelectEvalConcurrencies(Spec(EvalPoints::kHighest), {}).empty());
  // InferenceX's MIN_EVAL_CONC: levels below it are not eligible.
  EvalSpec s = Spec(EvalPoints::kHighestAndMedian);
  s.min_concurrency = 16;
  EXPECT_EQ(SelectEvalConcurrencies(s, {1, 4, 16, 64, 256}),
            (std::vector<int>{64, 256}));
  EXPECT_TRUE(SelectEvalConcurrencies(s, {1, 4, 8}).empty());
}

class PendingEvalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenResultsStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    auto run = store_->CreateRun({"m", "0", "sha", "host", ""});
    ASSERT_TRUE(run.ok());
    run_id_ = *run;
    matrix_.configs.resize(2);
    matrix_.configs[0].model = "m";
    matrix_.configs[0].tp = 1;
    matrix_.configs[1].model = "m";
    matrix_.configs[1].tp = 2;
    matrix_.eval = Spec(EvalPoints::kHighestAndMedian);
    for (const ServingConfig& c : matrix_.configs) {
      store::ConfigRecord rec;
      rec.run_id = run_id_;
      rec.config_key = c.Key();
      rec.num_gpus = c.gpus();
      rec.details = {{"model", "m"}};
      ASSERT_TRUE(store_->UpsertConfig(rec).ok());
    }
  }

  // A point of config `i`: tp1 reaches more throughput per GPU at every
  // load except concurrency 1, where tp2 is more interactive.
  int64_t AddPoint(int i, int conc, int isl = 64) {
    store::PointRecord p;
    p.key = {run_id_, matrix_.configs[i].Key(), isl, 64, 1.0, conc, 0, 0};
    p.metrics.interactivity_tok_s_user = (i == 1 ? 150.0 : 100.0) / conc;
    p.metrics.tput_per_gpu_total = (i == 1 ? 5.0 : 10.0) * conc;
    p.metrics.completed = 4;
    EXPECT_TRUE(store_->InsertPoint(p).ok());
    auto points = store_->ListPoints(run_id_);
    int64_t id = 0;
    for (const auto& q : *points) {
      if (q.key == p.key) id = q.point_id;
    }
    return id;
  }

  void AddEval(int i, int64_t point_id, const std::string& task) {
    store::EvalRecord e;
    e.run_id = run_id_;
    e.config_key = matrix_.configs[i].Key();
    e.point_id = point_id;
    e.task = task;
    e.accuracy = 0.9;
    e.num_questions = 10;
    ASSERT_TRUE(store_->InsertEval(e).ok());
  }

  std::set<std::pair<int, int>> Pending(int only, bool frontier) {
    auto pending = PendingEvals(matrix_, *store_, run_id_, only, frontier);
    EXPECT_TRUE(pending.ok()) << pending.status().ToString();
    std::set<std::pair<int, int>> out;
    if (!pending.ok()) return out;
    for (const auto& t : *pending) {
      EXPECT_TRUE(t.point_id.has_value());
      out.insert({t.config_index, t.concurrency});
    }
    return out;
  }

  std::unique_ptr<store::ResultsStore> store_;
  int64_t run_id_ = 0;
  Matrix matrix_;
};

TEST_F(PendingEvalsTest, ChosenStoredPointsLessStoredEvals) {
  std::map<int, int64_t> tp1;
  for (int c : {1, 4, 16}) tp1[c] = AddPoint(0, c);
  AddPoint(0, 16, 128);  // a second workload at 16: one eval, not two
  for (int c : {1, 2}) AddPoint(1, c);
  EXPECT_EQ(Pending(-1, false),
            (std::set<std::pair<int, int>>{{0, 4}, {0, 16}, {1, 2}}));
  EXPECT_EQ(Pending(1, false), (std::set<std::pair<int, int>>{{1, 2}}));
  // Stored evals of the task are not wanted again; another task's are.
  AddEval(0, tp1[16], "gsm8k");
  AddEval(0, tp1[4], "gsm8k_cot");
  EXPECT_EQ(Pending(0, false), (std::set<std::pair<int, int>>{{0, 4}}));
  matrix_.eval.num_questions = 0;
  EXPECT_TRUE(Pending(-1, true).empty());
}

TEST_F(PendingEvalsTest, FrontierModeTakesTheFrontierPoints) {
  matrix_.eval.points = EvalPoints::kFrontier;
  for (int c : {1, 2, 4, 16}) AddPoint(0, c);
  const int64_t tp2_c1 = AddPoint(1, 1);  // the most interactive point
  AddPoint(1, 4);  // (37.5, 20): dominated by tp1 at 2 (50, 20)
  // Not during the measurement (the frontier is not final yet).
  EXPECT_TRUE(Pending(-1, false).empty());
  EXPECT_EQ(Pending(-1, true), (std::set<std::pair<int, int>>{
                                   {0, 1}, {0, 2}, {0, 4}, {0, 16}, {1, 1}}));
  AddEval(1, tp2_c1, "gsm8k");
  matrix_.eval.min_concurrency = 2;
  EXPECT_EQ(Pending(-1, true),
            (std::set<std::pair<int, int>>{{0, 2}, {0, 4}, {0, 16}}));
}

}  // namespace
}  // namespace infx::sweep
