// Result files: what a job writes is ingested exactly once, however often
// the controller reads it; a torn last line is left for the next read.
#include "executor/result_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace infx::executor {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("infx-result-file-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir / name);
  return (dir / name).string();
}

store::PointRecord Point(int64_t run, int concurrency) {
  store::PointRecord p;
  p.key.run_id = run;
  p.key.config_key = "m/h200/vllm/bf16/tp1";
  p.key.isl = 32;
  p.key.osl = 8;
  p.key.concurrency = concurrency;
  p.metrics.tput_per_gpu_total = 100.0 * concurrency;
  p.metrics.median_ttft_ms = std::nan("");
  p.metrics.completed = 4;
  if (concurrency == 2) {  // run validity travels through the file
    p.metrics.valid = false;
    p.metrics.invalid_reasons = "read_lag: p99 read lag 9 ms > 1 x 2 ms";
  }
  p.metrics_json = {{"completed", 4}};
  p.request_summaries = nlohmann::json::array({{{"ok", true}}});
  p.series_key = "m/h200/vllm/bf16/tp1/32x8/c" + std::to_string(concurrency);
  return p;
}

// A job's file: config, two points, a config-level and a point eval.
std::string WriteJobFile(const std::string& path) {
  auto inner = store::OpenResultsStore(":memory:");
  EXPECT_TRUE(inner.ok());
  auto file = ResultFileStore::Open(std::move(*inner), path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  auto run = (*file)->CreateRun({});
  EXPECT_TRUE(run.ok());
  store::ConfigRecord c;
  c.run_id = *run;
  c.config_key = "m/h200/vllm/bf16/tp1";
  c.num_gpus = 1;
  c.details = {{"model", "m"}};
  c.engine_version = "vllm 0.9.2";
  c.canary = true;
  EXPECT_TRUE((*file)->UpsertConfig(c).ok());
  EXPECT_TRUE((*file)->InsertPoint(Point(*run, 1)).ok());
  EXPECT_TRUE((*file)->InsertPoint(Point(*run, 2)).ok());
  auto points = (*file)->ListPoints(*run);
  EXPECT_TRUE(points.ok());
  store::EvalRecord e;
  e.run_id = *run;
  e.config_key = c.config_key;
  e.point_id = points->back().point_id;
  e.task = "gsm8k";
  e.accuracy = 0.9;
  e.num_questions = 10;
  EXPECT_TRUE((*file)->InsertEval(e).ok());
  EXPECT_TRUE((*file)->AppendFailure(c.config_key, "c=4 32/8: boom").ok());
  EXPECT_TRUE((*file)->AppendEnd(false, 2, 1).ok());
  return path;
}

TEST(ResultFileTest, ReIngestNeverDuplicates) {
  const std::string path = WriteJobFile(TempPath("a.jsonl"));
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto run = (*store)->CreateRun({});
  ASSERT_TRUE(run.ok());
  for (int round = 0; round < 3; ++round) {
    int64_t offset = 0;
    auto text = ReadCompleteLines(path, &offset);
    ASSERT_TRUE(text.ok());
    auto stats = IngestResultLines(*text, **store, *run);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->points_new, round == 0 ? 2 : 0);
    EXPECT_EQ(stats->points_existing, round == 0 ? 0 : 2);
    EXPECT_EQ(stats->evals_new, round == 0 ? 1 : 0);
    EXPECT_TRUE(stats->ended);
    EXPECT_FALSE(stats->end_ok);
    ASSERT_EQ(stats->failures.size(), 1u);
    EXPECT_EQ(stats->failures[0], "c=4 32/8: boom");
  }
  auto points = (*store)->ListPoints(*run);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 2u);
  EXPECT_DOUBLE_EQ((*points)[1].metrics.tput_per_gpu_total, 200.0);
  EXPECT_TRUE(std::isnan((*points)[1].metrics.median_ttft_ms));
  EXPECT_TRUE((*points)[0].metrics.valid);
  EXPECT_FALSE((*points)[1].metrics.valid);
  EXPECT_EQ((*points)[1].metrics.invalid_reasons,
            "read_lag: p99 read lag 9 ms > 1 x 2 ms");
  // Provenance and series keys travel through the file (issue 14).
  EXPECT_EQ((*points)[1].series_key, "m/h200/vllm/bf16/tp1/32x8/c2");
  auto configs = (*store)->ListConfigs(*run);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].engine_version, "vllm 0.9.2");
  EXPECT_TRUE((*configs)[0].canary);
  auto evals = (*store)->ListEvals(*run);
  ASSERT_TRUE(evals.ok());
  ASSERT_EQ(evals->size(), 1u);
  ASSERT_TRUE((*evals)[0].point_id.has_value());
  EXPECT_EQ(*(*evals)[0].point_id, (*points)[1].point_id);
}

TEST(ResultFileTest, TornLastLineWaitsForTheNextRead) {
  const std::string path = TempPath("torn.jsonl");
  std::ofstream(path) << R"({"kind":"end","ok":true})"
                      << "\n"
                      << R"({"kind":"fail)";
  int64_t offset = 0;
  auto first = ReadCompleteLines(path, &offset);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "{\"kind\":\"end\",\"ok\":true}\n");
  std::ofstream(path, std::ios::app) << R"(ure","what":"x"})"
                                     << "\n";
  auto second = ReadCompleteLines(path, &offset);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "{\"kind\":\"failure\",\"what\":\"x\"}\n");
  int64_t none = 0;
  auto missing = ReadCompleteLines(path + ".absent", &none);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, "");
}

TEST(ResultFileTest, MalformedLineIsAnErrorNamingIt) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto stats = IngestResultLines("{\"kind\":\"end\"}\nnot json\n", **store, 1);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace infx::executor
