// `infx sweep` over a trace workload (a Mooncake file named in the matrix)
// with cache hygiene between points: against the emulator target the sweep
// resets the prefix cache before each point, so the second point, which
// re-sends the first point's rows, hits what the trace predicts; against a
// server without a reset endpoint (SGLang's /flush_cache on the emulator:
// 404) it warns, records "warned", and the second point's hit rate is
// inflated by the first point's cache (vLLM #52884).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "emulator/emulator_server.h"
#include "store/results_store.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

constexpr int kRows = 20;
// 20 rows of 80 tokens in 16-token blocks: block 0 shared by all, the rest
// unique, so the trace's theoretical hit rate is 19 x 16 / (20 x 80) = 0.19,
// and rows already sent once hit 4 of their 5 blocks (the last prompt token
// is always computed): 0.8.
std::string WriteTrace(const std::string& dir) {
  const std::string path = dir + "/trace.jsonl";
  std::ofstream out(path);
  for (int i = 0; i < kRows; ++i) {
    out << R"({"timestamp": )" << i << R"(, "input_length": 80, )"
        << R"("output_length": 2, "hash_ids": [0, )" << 100 + i << ", "
        << 200 + i << ", " << 300 + i << ", " << 400 + i << "]}\n";
  }
  return path;
}

std::string Matrix(const std::string& target, const std::string& engine,
                   const std::string& trace) {
  return "name: trace-hygiene\nseed: 5\n" + target +
         "configs:\n  - {model: llama-3.1-8b, hardware: h200, engine: " +
         engine +
         "}\n"
         "workloads:\n  - {isl: 80, osl: 2, dataset: mooncake, dataset_path: " +
         trace +
         ", hash_block_size: 16, trace_timestamps: false}\n"
         "concurrency: [1, 2]\n"
         "prompts: {per_concurrency: 20, min: 20, max: 20}\n";
}

std::vector<store::PointRecord> StoredPoints(const std::string& db) {
  auto store = store::OpenResultsStore(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  auto run = (*store)->LatestRun();
  if (!run.ok()) return {};
  auto points = (*store)->ListPoints(run->run_id);
  if (!points.ok()) return {};
  std::sort(points->begin(), points->end(), [](const auto& a, const auto& b) {
    return a.key.concurrency < b.key.concurrency;
  });
  return *points;
}

double Observed(const store::PointRecord& p) {
  return p.metrics_json["prefix_cache"]["observed_hit_rate"].get<double>();
}

TEST(SweepTraceTest, EmulatorPointsStartFromAnEmptyPrefixCache) {
  const std::string dir = ScratchDir("sweep-trace-reset");
  const std::string matrix = dir + "/m.yaml";
  std::ofstream(matrix) << Matrix(
      "target:\n  type: emulator\n  emulator: {time_scale: 0, "
      "prefix_caching: true}\n",
      "vllm", WriteTrace(dir));
  auto out = RunInfx({"sweep", matrix, "--db", dir + "/s.db"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_EQ(out.stderr_text.find("warning:"), std::string::npos)
      << out.stderr_text;
  const auto points = StoredPoints(dir + "/s.db");
  ASSERT_EQ(points.size(), 2u);
  for (const auto& p : points) {
    SCOPED_TRACE(p.key.concurrency);
    EXPECT_EQ(p.metrics.completed, kRows);
    EXPECT_EQ(p.metrics_json["cache_hygiene"]["action"], "reset");
    EXPECT_EQ(p.metrics_json["cache_hygiene"]["endpoint"],
              "/reset_prefix_cache");
    EXPECT_NEAR(
        p.metrics_json["prefix_cache"]["theoretical_hit_rate"].get<double>(),
        0.19, 1e-9);
  }
  // One row at a time: what the trace predicts. Two at a time: at most
  // that (two rows in one step both compute the shared block).
  EXPECT_NEAR(Observed(points[0]), 0.19, 0.02);
  EXPECT_LE(Observed(points[1]), 0.21);
}

TEST(SweepTraceTest, WithoutAResetEndpointARepeatedPointIsWarnedAbout) {
  const std::string dir = ScratchDir("sweep-trace-warn");
  emulator::EmulatorOptions o;
  o.time_scale = 0;
  auto server = emulator::EmulatorServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string url =
      "http://127.0.0.1:" + std::to_string((*server)->port());
  const std::string matrix = dir + "/m.yaml";
  std::ofstream(matrix) << Matrix("target: {type: url, url: \"" + url + "\"}\n",
                                  "sglang", WriteTrace(dir));
  auto out = RunInfx({"sweep", matrix, "--db", dir + "/s.db"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("HTTP 404"), std::string::npos)
      << out.stderr_text;
  const auto points = StoredPoints(dir + "/s.db");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].metrics_json["cache_hygiene"]["action"], "none");
  EXPECT_EQ(points[1].metrics_json["cache_hygiene"]["action"], "warned");
  EXPECT_EQ(points[1].metrics_json["cache_hygiene"]["endpoint"],
            "/flush_cache");
  // The first point's cache serves the second: inflated hits.
  EXPECT_NEAR(Observed(points[0]), 0.19, 0.02);
  EXPECT_GT(Observed(points[1]), 0.7);
}

}  // namespace
}  // namespace infx
