// Tests of the sweep runner (RunPoints) against a fake target whose port
// refuses every connection: points where no request succeeds.
#include "sweep/runner.h"

#include <gtest/gtest.h>

#include "sweep/http_probe.h"

namespace infx::sweep {
namespace {

// A target "serving" on a port nobody listens on: every request fails.
class RefusingTarget : public ServingTarget {
 public:
  Result<TargetEndpoint> Start(const ServingConfig&, int) override {
    ++starts;
    INFX_ASSIGN_OR_RETURN(uint16_t port, PickFreePort());
    TargetEndpoint ep;
    ep.base_url = "http://127.0.0.1:" + std::to_string(port);
    ep.served_model = "m";
    ep.engine_version = "refusing";
    return ep;
  }
  void Stop() override {}
  std::string Unsupported(const ServingConfig&) const override { return ""; }
  int starts = 0;
};

SweepOptions OneConfigOptions() {
  SweepOptions o;
  ServingConfig c;
  c.model = "llama-3.1-8b";
  o.matrix.configs = {c};
  o.matrix.config_concurrencies = {{}};
  o.matrix.workloads = {Workload{8, 4, 1.0}};
  o.matrix.concurrencies = {2};
  o.matrix.prompts.per_concurrency = 1;
  o.matrix.prompts.min = 3;
  o.matrix_text = "test";
  o.predict = false;
  return o;
}

// issue 12 defect 1: a point where every request failed is stored with zero
// completions and its failures by kind; --resume keeps it, --retry-failed
// measures it again.
TEST(RunPointsTest, PointWhereEveryRequestFailedIsStoredAndNotRerun) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  SweepOptions options = OneConfigOptions();
  auto run_id = OpenRun(options, **store);
  ASSERT_TRUE(run_id.ok());
  const auto points = ExpandPoints(options.matrix);
  ASSERT_EQ(points.size(), 1u);
  RefusingTarget target;
  auto first = RunPoints(options, points, target, **store, *run_id);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->points_failed, 1);
  EXPECT_EQ(first->points_failed_stored, 1);
  ASSERT_EQ(first->failures.size(), 1u);
  EXPECT_NE(first->failures[0].what.find("connect_refused 3"),
            std::string::npos)
      << first->failures[0].what;
  auto stored = (*store)->ListPoints(*run_id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].metrics.completed, 0);
  EXPECT_EQ((*stored)[0].metrics.failed, 3);
  EXPECT_EQ((*stored)[0].metrics_json["failures_by_kind"]["connect_refused"],
            3);
  // Defect 17: results name the range-ratio definition they follow.
  EXPECT_EQ((*stored)[0].metrics_json["random_range_ratio_definition"],
            "inferencex");

  // --resume: the failed point is kept, not measured again.
  options.resume = true;
  auto resumed = RunPoints(options, points, target, **store, *run_id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(target.starts, 1);
  EXPECT_EQ(resumed->points_resumed, 1);
  EXPECT_EQ(resumed->points_resumed_failed, 1);
  EXPECT_EQ(resumed->points_failed, 0);

  // --retry-failed: measured again and replaced (still one point).
  options.retry_failed = true;
  auto retried = RunPoints(options, points, target, **store, *run_id);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(target.starts, 2);
  EXPECT_EQ(retried->points_resumed, 0);
  EXPECT_EQ(retried->points_failed_stored, 1);
  stored = (*store)->ListPoints(*run_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 1u);
}

}  // namespace
}  // namespace infx::sweep
