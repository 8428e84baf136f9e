#include "plan/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "model/model_loader.h"
#include "perf/test_fixtures.h"
#include "plan/dominance.h"

namespace infx::plan {
namespace {

PlanRequest Request(const std::string& model, const hardware::HardwareSpec& hw,
                    int64_t isl = 1024, int64_t osl = 1024) {
  PlanRequest r;
  auto m = model::LoadModel(model);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (m.ok()) r.model = *m;
  r.hardware = hw;
  r.workload = {isl, osl, 0.8};
  return r;
}

const Candidate* Find(const PlanResult& res, const std::string& label) {
  for (const auto* list : {&res.kept, &res.pruned}) {
    for (const Candidate& c : *list) {
      if (c.Label() == label) return &c;
    }
  }
  return nullptr;
}

TEST(PlanTest, EveryCutHasAKindAndAReason) {
  auto res = Plan(Request("llama-3.1-8b", perf::testing::H200()));
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->gpu_budget, 8);
  EXPECT_FALSE(res->kept.empty());
  for (const Candidate& c : res->pruned) {
    EXPECT_NE(c.cut, CutKind::kNone) << c.Label();
    EXPECT_FALSE(c.reason.empty()) << c.Label();
  }
  for (const Candidate& c : res->kept) {
    EXPECT_TRUE(c.reason.empty());
    EXPECT_FALSE(c.curve.empty()) << c.Label();
  }
  std::set<std::string> labels;
  for (const auto* list : {&res->kept, &res->pruned}) {
    for (const Candidate& c : *list) {
      EXPECT_TRUE(labels.insert(c.Label()).second) << "twice: " << c.Label();
    }
  }
}

TEST(PlanTest, StaticCutsForDenseModel) {
  auto res = Plan(Request("llama-3.1-8b", perf::testing::H200()));
  ASSERT_TRUE(res.ok());
  const Candidate* ep = Find(*res, "tp8-ep8 x1 bf16");
  ASSERT_NE(ep, nullptr);
  EXPECT_EQ(ep->cut, CutKind::kEpDense);
  const Candidate* dup = Find(*res, "tp1-dpa x8 bf16");
  ASSERT_NE(dup, nullptr);
  EXPECT_EQ(dup->cut, CutKind::kDuplicate);
  // PP inside a node where TP fits is cut by dominance and says heuristic.
  const Candidate* pp = Find(*res, "tp4-pp2 x1 bf16");
  ASSERT_NE(pp, nullptr);
  EXPECT_EQ(pp->cut, CutKind::kDominated);
  EXPECT_NE(pp->reason.find("heuristic"), std::string::npos) << pp->reason;
}

TEST(PlanTest, DivisibilityAndScaleUpCuts) {
  PlanRequest r = Request("deepseek-r1", perf::testing::H200());
  r.gpu_budget = 16;
  r.include_disaggregated = false;
  auto res = Plan(r);
  ASSERT_TRUE(res.ok());
  const Candidate* pp2 = Find(*res, "tp8-pp2 x1 fp8");
  ASSERT_NE(pp2, nullptr);
  EXPECT_EQ(pp2->cut, CutKind::kDivisibility);
  EXPECT_NE(pp2->reason.find("61 layers"), std::string::npos) << pp2->reason;
  const Candidate* tp16 = Find(*res, "tp16 x1 fp8");
  ASSERT_NE(tp16, nullptr);
  EXPECT_EQ(tp16->cut, CutKind::kScaleUp);
}

TEST(PlanTest, DoesNotFitReasonNamesGigabytes) {
  auto res = Plan(Request("deepseek-r1", perf::testing::H100()));
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->kept.empty());
  const Candidate* tp8 = Find(*res, "tp8 x1 fp8");
  ASSERT_NE(tp8, nullptr);
  EXPECT_EQ(tp8->cut, CutKind::kFit);
  EXPECT_NE(tp8->reason.find(" GB"), std::string::npos);
}

TEST(PlanTest, HighConcurrencyTp8IsDominatedByEightTp1Replicas) {
  PlanRequest r = Request("llama-3.1-8b", perf::testing::H200());
  r.dominance_margin = 0.0;
  auto res = Plan(r);
  ASSERT_TRUE(res.ok());
  const Candidate* tp8 = Find(*res, "tp8 x1 bf16");
  const Candidate* tp1 = Find(*res, "tp1 x8 bf16");
  ASSERT_TRUE(tp8 && tp1);
  // At the same total concurrency (256), eight TP1 replicas give more
  // tok/s/GPU and at least the same tok/s/user.
  auto at = [](const Candidate& c, int64_t conc) {
    for (const auto& p : c.curve) {
      if (p.concurrency == conc) return p;
    }
    return perf::ServingPoint{};
  };
  const perf::ServingPoint a = at(*tp8, 256);
  const perf::ServingPoint b = at(*tp1, 256);
  ASSERT_GT(a.concurrency, 0);
  ASSERT_GT(b.concurrency, 0);
  EXPECT_GT(b.total_tok_s_per_gpu, a.total_tok_s_per_gpu);
  EXPECT_GE(b.interactivity_tok_s_user, a.interactivity_tok_s_user);
  // And across the curve: wherever TP8 runs at high concurrency, the TP1
  // replicas' curve delivers more throughput at that interactivity.
  const perf::ServingPoint& last = tp8->curve.back();
  auto y = ThroughputAt(*tp1, last.interactivity_tok_s_user);
  ASSERT_TRUE(y.has_value());
  EXPECT_GT(*y, last.total_tok_s_per_gpu);
}

TEST(PlanTest, FrontierIsParetoAndMonotone) {
  auto res = Plan(Request("qwen3-30b-a3b", perf::testing::H200()));
  ASSERT_TRUE(res.ok());
  ASSERT_GE(res->frontier.size(), 2u);
  for (size_t i = 1; i < res->frontier.size(); ++i) {
    EXPECT_GT(res->frontier[i].interactivity_tok_s_user,
              res->frontier[i - 1].interactivity_tok_s_user);
    EXPECT_LT(res->frontier[i].total_tok_s_per_gpu,
              res->frontier[i - 1].total_tok_s_per_gpu);
  }
}

TEST(PlanTest, BudgetPicksSpanTheFrontier) {
  PlanRequest r = Request("llama-3.1-70b", perf::testing::H200());
  r.precisions = {Precision::kFp8};
  r.budget_points = 6;
  auto res = Plan(r);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->picks.size(), 6u);
  const auto [lo, hi] = std::minmax_element(
      res->frontier.begin(), res->frontier.end(),
      [](const PlanPoint& a, const PlanPoint& b) {
        return a.interactivity_tok_s_user < b.interactivity_tok_s_user;
      });
  EXPECT_DOUBLE_EQ(res->picks.front().interactivity_tok_s_user,
                   lo->interactivity_tok_s_user);
  EXPECT_DOUBLE_EQ(res->picks.back().interactivity_tok_s_user,
                   hi->interactivity_tok_s_user);
}

TEST(PlanTest, LargerMarginKeepsAtLeastAsMany) {
  PlanRequest r = Request("qwen3-30b-a3b", perf::testing::H200());
  r.dominance_margin = 0.02;
  auto tight = Plan(r);
  r.dominance_margin = 0.5;
  auto loose = Plan(r);
  ASSERT_TRUE(tight.ok() && loose.ok());
  EXPECT_GE(loose->kept.size(), tight->kept.size());
  EXPECT_GT(loose->kept.size(), tight->kept.size());
}

TEST(PlanTest, BadRequestsAreErrors) {
  PlanRequest r = Request("llama-3.1-8b", perf::testing::H200());
  r.workload.isl = 0;
  auto bad = Plan(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("isl"), std::string::npos);
  r = Request("llama-3.1-8b", perf::testing::H200());
  r.dominance_margin = 1.5;
  EXPECT_FALSE(Plan(r).ok());
}

}  // namespace
}  // namespace infx::plan
