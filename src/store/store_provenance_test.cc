// Schema 2 of the results store: run/config provenance, labels, canary,
// series keys, run summaries, and the migration of a schema-1 database.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/results_store.h"
#include "store/schema.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::unique_ptr<ResultsStore> MemoryStore() {
  auto store = OpenResultsStore(":memory:");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

NewRun ProvenancedRun(const std::string& version) {
  NewRun run;
  run.matrix_text = "name: nightly\n";
  run.infx_version = "infx 0.1.0";
  run.git_sha = "abc1234";
  run.host = "node7";
  run.matrix_name = "nightly";
  run.matrix_hash = "sha256:00ff";
  run.provenance = {{"driver_version", "550.54.15"}, {"cuda_version", "12.4"}};
  run.labels = {{"branch", "main"}, {"engine", version}};
  return run;
}

int64_t AddConfig(ResultsStore& store, int64_t run_id, const std::string& key,
                  const std::string& engine_version, bool canary) {
  ConfigRecord c;
  c.run_id = run_id;
  c.config_key = key;
  c.hardware = "h200";
  c.num_gpus = 1;
  c.engine_version = engine_version;
  c.canary = canary;
  auto id = store.UpsertConfig(c);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return *id;
}

PointRecord SeriesPoint(int64_t run_id, const std::string& config_key,
                        const std::string& series, int repetition) {
  PointRecord p;
  p.key.run_id = run_id;
  p.key.config_key = config_key;
  p.key.isl = 128;
  p.key.osl = 64;
  p.key.concurrency = 4;
  p.key.repetition = repetition;
  p.metrics.tput_per_gpu_total = 100 + repetition;
  p.metrics.completed = 8;
  p.series_key = series;
  return p;
}

TEST(StoreProvenanceTest, RunProvenanceAndLabelsRoundTrip) {
  auto store = MemoryStore();
  auto id = store->CreateRun(ProvenancedRun("0.9.1"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto run = store->GetRun(*id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->matrix_name, "nightly");
  EXPECT_EQ(run->matrix_hash, "sha256:00ff");
  EXPECT_EQ(run->provenance.value("driver_version", ""), "550.54.15");
  EXPECT_EQ(run->provenance.value("cuda_version", ""), "12.4");
  EXPECT_EQ(run->labels, (Labels{{"branch", "main"}, {"engine", "0.9.1"}}));
}

TEST(StoreProvenanceTest, ConfigEngineVersionAndCanaryRoundTrip) {
  auto store = MemoryStore();
  auto id = store->CreateRun(ProvenancedRun("x"));
  ASSERT_TRUE(id.ok());
  AddConfig(*store, *id, "a", "vllm 0.9.2", true);
  AddConfig(*store, *id, "b", "", false);
  auto configs = store->ListConfigs(*id);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 2u);
  EXPECT_EQ((*configs)[0].engine_version, "vllm 0.9.2");
  EXPECT_TRUE((*configs)[0].canary);
  EXPECT_EQ((*configs)[1].engine_version, "");
  EXPECT_FALSE((*configs)[1].canary);
}

TEST(StoreProvenanceTest, SeriesPointsAcrossRunsInRunOrder) {
  auto store = MemoryStore();
  for (int r = 0; r < 3; ++r) {
    auto id = store->CreateRun(ProvenancedRun("v"));
    ASSERT_TRUE(id.ok());
    AddConfig(*store, *id, "cfg", "v", false);
    for (int rep = 1; rep >= 0; --rep) {
      ASSERT_TRUE(*store->InsertPoint(SeriesPoint(*id, "cfg", "S1", rep)));
    }
    PointRecord other = SeriesPoint(*id, "cfg", "S2", 0);
    other.key.concurrency = 8;
    ASSERT_TRUE(*store->InsertPoint(other));
  }
  auto points = store->ListSeriesPoints("S1");
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 6u);
  for (size_t i = 0; i < points->size(); ++i) {
    EXPECT_EQ((*points)[i].key.run_id, static_cast<int64_t>(i / 2 + 1));
    EXPECT_EQ((*points)[i].key.repetition, static_cast<int>(i % 2));
    EXPECT_EQ((*points)[i].series_key, "S1");
    EXPECT_EQ((*points)[i].key.config_key, "cfg");
  }
  auto listed = store->ListPoints(1);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(listed->front().key.run_id, 1);
  EXPECT_EQ(listed->back().series_key, "S2");
  EXPECT_TRUE(store->ListSeriesPoints("nope")->empty());
  EXPECT_FALSE(store->ListSeriesPoints("").ok());
}

TEST(StoreProvenanceTest, RunSummariesCountPointsAndEngineVersions) {
  auto store = MemoryStore();
  auto first = store->CreateRun(ProvenancedRun("a"));
  auto second = store->CreateRun(ProvenancedRun("b"));
  ASSERT_TRUE(first.ok() && second.ok());
  AddConfig(*store, *first, "x", "vllm 0.9.2", false);
  AddConfig(*store, *first, "y", "sglang 0.4", false);
  AddConfig(*store, *first, "z", "vllm 0.9.2", false);
  for (int rep = 0; rep < 3; ++rep) {
    ASSERT_TRUE(*store->InsertPoint(SeriesPoint(*first, "x", "S", rep)));
  }
  auto summaries = store->ListRunSummaries();
  ASSERT_TRUE(summaries.ok()) << summaries.status().ToString();
  ASSERT_EQ(summaries->size(), 2u);
  EXPECT_EQ((*summaries)[0].run.run_id, *second);  // newest first
  EXPECT_EQ((*summaries)[0].points, 0);
  EXPECT_EQ((*summaries)[0].configs, 0);
  EXPECT_TRUE((*summaries)[0].engine_versions.empty());
  EXPECT_EQ((*summaries)[1].points, 3);
  EXPECT_EQ((*summaries)[1].configs, 3);
  EXPECT_EQ((*summaries)[1].engine_versions,
            (std::vector<std::string>{"sglang 0.4", "vllm 0.9.2"}));
  EXPECT_EQ((*summaries)[1].run.labels.at("engine"), "a");
}

// A database written by schema 1 (before provenance) opens, migrates and
// reads back with empty provenance; old configs' engine versions come from
// their details.
TEST(StoreProvenanceTest, SchemaOneDatabaseMigrates) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_test_tmp";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "schema1.db").string();
  std::filesystem::remove(path);
  {
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kCreate);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->ExecScript(MigrationSql(Migrations().at(0), SqlDialect::kSqlite))
            .ok());
    ASSERT_TRUE((*conn)
                    ->ExecScript(
                        "UPDATE infx_schema SET version = 1;"
                        "INSERT INTO runs (matrix_text, infx_version, git_sha, "
                        "host, started_at, status) VALUES ('m', 'v', 's', "
                        "'h', '2026-01-01T00:00:00Z', 'completed');"
                        "INSERT INTO configs (run_id, config_key, hardware, "
                        "num_gpus, details_json) VALUES (1, 'c', 'h200', 1, "
                        "'{\"engine_version\": \"vllm 0.8\"}');")
                    .ok());
  }
  auto store = OpenResultsStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto run = (*store)->GetRun(1);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->matrix_hash, "");
  EXPECT_TRUE(run->provenance.empty());
  EXPECT_TRUE(run->labels.empty());
  auto configs = (*store)->ListConfigs(1);
  ASSERT_TRUE(configs.ok());
  EXPECT_EQ(configs->at(0).engine_version, "vllm 0.8");
  EXPECT_FALSE(configs->at(0).canary);
  auto summaries = (*store)->ListRunSummaries();
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ(summaries->at(0).engine_versions,
            std::vector<std::string>{"vllm 0.8"});
  auto conn = OpenSqliteConnection(path, SqliteOpenMode::kExisting);
  EXPECT_EQ(*ReadSchemaVersion(**conn), kSchemaVersion);
}

}  // namespace
}  // namespace infx::store
