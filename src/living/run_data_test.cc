#include "living/run_data.h"

#include <gtest/gtest.h>

#include <cmath>

#include "living/series_key.h"

namespace infx::living {
namespace {

std::unique_ptr<store::ResultsStore> MemoryStore() {
  auto store = store::OpenResultsStore(":memory:");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

store::ConfigRecord Config(int64_t run_id, const std::string& version,
                           bool canary) {
  store::ConfigRecord c;
  c.run_id = run_id;
  c.config_key = "llama-3.1-8b/h200/vllm/bf16/tp1";
  c.hardware = "h200";
  c.num_gpus = 1;
  c.engine_version = version;
  c.canary = canary;
  c.details = {{"model", "llama-3.1-8b"},
               {"hardware", "h200"},
               {"engine", "vllm"},
               {"precision", "bf16"},
               {"parallelism", "tp1"}};
  return c;
}

// A run of `reps` repetitions at concurrencies 1 and 4; points of the first
// repetition carry no stored series key (as stored before schema 2).
int64_t StoreRun(store::ResultsStore& store, const std::string& name,
                 const std::string& version, int reps) {
  store::NewRun nr;
  nr.matrix_text = "name: " + name + "\n";
  nr.matrix_name = name;
  nr.labels = {{"engine", version}};
  auto id = store.CreateRun(nr);
  EXPECT_TRUE(id.ok());
  auto config = Config(*id, version, true);
  EXPECT_TRUE(store.UpsertConfig(config).ok());
  for (int conc : {1, 4}) {
    for (int rep = 0; rep < reps; ++rep) {
      store::PointRecord p;
      p.key.run_id = *id;
      p.key.config_key = config.config_key;
      p.key.isl = 128;
      p.key.osl = 64;
      p.key.concurrency = conc;
      p.key.repetition = rep;
      p.metrics.tput_per_gpu_total = 100.0 * conc + rep;
      p.metrics.completed = 10;
      if (rep > 0) p.series_key = SeriesKeyOf(config, p.key);
      EXPECT_TRUE(*store.InsertPoint(p));
    }
  }
  return *id;
}

TEST(RunDataTest, LoadsEveryRepetitionWithItsSeriesKey) {
  auto store = MemoryStore();
  const int64_t id = StoreRun(*store, "nightly", "vllm 0.9.1", 3);
  auto run = LoadRun(*store, id);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->points.size(), 6u);
  auto series = run->BySeries();
  ASSERT_EQ(series.size(), 2u);
  const std::string c1 = "llama-3.1-8b/h200/vllm/bf16/tp1/128x64/c1";
  ASSERT_EQ(series.at(c1).size(), 3u);
  for (int rep = 0; rep < 3; ++rep) {
    EXPECT_EQ(series.at(c1)[rep]->repetition, rep);
    EXPECT_EQ(series.at(c1)[rep]->metrics.tput_per_gpu_total, 100.0 + rep);
    EXPECT_TRUE(series.at(c1)[rep]->canary);
    EXPECT_EQ(series.at(c1)[rep]->engine_version, "vllm 0.9.1");
  }
  EXPECT_TRUE(run->HasCanary());
  EXPECT_EQ(run->Attributes(series.at(c1)[0]->config_key).at("engine_version"),
            "vllm 0.9.1");
  EXPECT_EQ(LoadRun(*store, 42).status().code(), ErrorCode::kNotFound);
}

TEST(RunDataTest, SuspectsBetweenTwoRuns) {
  auto store = MemoryStore();
  const int64_t a = StoreRun(*store, "nightly", "vllm 0.9.1", 1);
  const int64_t b = StoreRun(*store, "nightly", "vllm 0.9.2", 1);
  auto ra = LoadRun(*store, a);
  auto rb = LoadRun(*store, b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  const std::string cfg = ra->points[0].config_key;
  auto diff = DiffAttributes(ra->Attributes(cfg), rb->Attributes(cfg));
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(FormatChange(diff[0]), "engine_version: vllm 0.9.1 -> vllm 0.9.2");
  EXPECT_EQ(FormatChange(diff[1]), "label.engine: vllm 0.9.1 -> vllm 0.9.2");
  // Same series keys in both runs despite the upgrade.
  EXPECT_EQ(ra->points[0].series_key, rb->points[0].series_key);
}

TEST(RunDataTest, ListsRunsAndFindsThePreviousRunOfTheSameMatrix) {
  auto store = MemoryStore();
  const int64_t a = StoreRun(*store, "nightly", "v1", 2);
  StoreRun(*store, "other", "v1", 1);
  const int64_t c = StoreRun(*store, "nightly", "v2", 1);
  auto runs = ListRuns(*store);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ(runs->front().run.run_id, c);
  EXPECT_EQ(runs->back().points, 4);
  EXPECT_EQ(runs->back().engine_versions, std::vector<std::string>{"v1"});
  auto prev = PreviousRunOfMatrix(*store, c);
  ASSERT_TRUE(prev.ok()) << prev.status().ToString();
  EXPECT_EQ(prev->run_id, a);
  auto none = PreviousRunOfMatrix(*store, a);
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(none.status().message().find("nightly"), std::string::npos);
}

TEST(RunDataTest, MedianOfRepetitions) {
  EXPECT_EQ(MedianOf({3, 1, 2}), 2);
  EXPECT_EQ(MedianOf({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(MedianOf({std::nan(""), 5}), 5);
  EXPECT_TRUE(std::isnan(MedianOf({})));
}

}  // namespace
}  // namespace infx::living
