#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "common/files.h"
#include "store/results_store.h"
#include "store/schema.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_test_tmp";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

std::unique_ptr<ResultsStore> MemoryStore() {
  auto store = OpenResultsStore(":memory:");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

int64_t NewRunWithConfig(ResultsStore& store, const std::string& key) {
  auto run = store.CreateRun({"model: x\n", "0.1.0", "abc123", "host1", ""});
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  ConfigRecord c;
  c.run_id = *run;
  c.config_key = key;
  c.hardware = "h200";
  c.num_gpus = 2;
  c.details = {{"model", "llama-3.1-8b"}, {"tp", 2}};
  EXPECT_TRUE(store.UpsertConfig(c).ok());
  return *run;
}

PointRecord MakePoint(int64_t run_id, const std::string& key, int conc) {
  PointRecord p;
  p.key.run_id = run_id;
  p.key.config_key = key;
  p.key.isl = 1024;
  p.key.osl = 1024;
  p.key.range_ratio = 0.8;
  p.key.concurrency = conc;
  p.metrics.tput_per_gpu_total = 1000.0 / 3.0 * conc;
  p.metrics.interactivity_tok_s_user = 100.0 / (1 + conc * 0.1);
  p.metrics.median_ttft_ms = 12.5 + conc;
  p.metrics.completed = 10 * conc;
  p.metrics.failed = 1;
  p.metrics_json = {{"median_ttft_ms", p.metrics.median_ttft_ms}};
  return p;
}

TEST(ResultsStoreTest, RunLifecycle) {
  auto store = MemoryStore();
  EXPECT_EQ(store->LatestRun().status().code(), ErrorCode::kNotFound);
  auto first = store->CreateRun({"a: 1\n", "0.1.0", "sha1", "h", ""});
  auto second = store->CreateRun({"a: 2\n", "0.1.0", "sha2", "h", ""});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  auto latest = store->LatestRun();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->run_id, *second);
  EXPECT_EQ(latest->matrix_text, "a: 2\n");
  EXPECT_EQ(latest->status, kRunRunning);
  EXPECT_FALSE(latest->started_at.empty());
  ASSERT_TRUE(store->FinishRun(*first, kRunCompleted).ok());
  auto got = store->GetRun(*first);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, kRunCompleted);
  EXPECT_FALSE(got->finished_at.empty());
  EXPECT_EQ(store->FinishRun(999, kRunCompleted).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetRun(999).status().code(), ErrorCode::kNotFound);
  auto runs = store->ListRuns();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].run_id, *second);
}

TEST(ResultsStoreTest, UpsertConfigReplacesDetails) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "cfg/tp2");
  ConfigRecord c;
  c.run_id = run;
  c.config_key = "cfg/tp2";
  c.hardware = "b200";
  c.num_gpus = 4;
  c.details = {{"predicted_points", {{{"concurrency", 4}}}}};
  auto id1 = store->UpsertConfig(c);
  auto id2 = store->UpsertConfig(c);
  ASSERT_TRUE(id1.ok() && id2.ok());
  EXPECT_EQ(*id1, *id2);
  auto configs = store->ListConfigs(run);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].hardware, "b200");
  EXPECT_EQ((*configs)[0].num_gpus, 4);
  EXPECT_EQ((*configs)[0].details["predicted_points"][0]["concurrency"], 4);
  c.run_id = 12345;
  EXPECT_EQ(store->UpsertConfig(c).status().code(), ErrorCode::kNotFound);
  c.run_id = run;
  c.num_gpus = 0;
  EXPECT_EQ(store->UpsertConfig(c).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(ResultsStoreTest, InsertPointIsIdempotentOnNaturalKey) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "cfg");
  PointRecord p = MakePoint(run, "cfg", 8);
  EXPECT_FALSE(*store->HasPoint(p.key));
  auto first = store->InsertPoint(p);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  EXPECT_TRUE(*store->HasPoint(p.key));
  p.metrics.tput_per_gpu_total = -1;  // a repeated insert must not overwrite
  auto second = store->InsertPoint(p);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  auto points = store->ListPoints(run);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 1u);
  EXPECT_DOUBLE_EQ((*points)[0].metrics.tput_per_gpu_total, 1000.0 / 3.0 * 8);
  // A different repetition is a different point.
  p.key.repetition = 1;
  EXPECT_TRUE(*store->InsertPoint(p));
  EXPECT_EQ(store->ListPoints(run)->size(), 2u);
}

TEST(ResultsStoreTest, PointRoundTripsExactly) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "cfg");
  PointRecord p = MakePoint(run, "cfg", 3);
  p.key.request_rate = 0.1;
  p.metrics.p99_itl_ms = std::numeric_limits<double>::quiet_NaN();
  p.request_summaries = nlohmann::json::array({{{"ttft_ms", 1.5}}});
  ASSERT_TRUE(store->InsertPoint(p).ok());
  auto points = store->ListPoints(run);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 1u);
  const PointRecord& got = (*points)[0];
  EXPECT_EQ(got.key, p.key);
  EXPECT_EQ(got.metrics.tput_per_gpu_total, p.metrics.tput_per_gpu_total);
  EXPECT_EQ(got.metrics.interactivity_tok_s_user,
            p.metrics.interactivity_tok_s_user);
  EXPECT_TRUE(std::isnan(got.metrics.p99_itl_ms));
  EXPECT_EQ(got.metrics.completed, 30);
  EXPECT_EQ(got.metrics.failed, 1);
  EXPECT_EQ(got.metrics_json, p.metrics_json);
  EXPECT_TRUE(got.request_summaries.is_null());
  auto summaries = store->GetRequestSummaries(got.point_id);
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ(*summaries, p.request_summaries);
}

TEST(ResultsStoreTest, PointNeedsKnownConfigAndValidKey) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "cfg");
  PointRecord p = MakePoint(run, "other", 1);
  EXPECT_EQ(store->InsertPoint(p).status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(*store->HasPoint(p.key));
  p.key.config_key = "cfg";
  p.key.isl = -1;
  EXPECT_EQ(store->InsertPoint(p).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store->ListPoints(run)->empty());
}

TEST(ResultsStoreTest, ListPointsIsSortedByKey) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "b");
  ConfigRecord a;
  a.run_id = run;
  a.config_key = "a";
  ASSERT_TRUE(store->UpsertConfig(a).ok());
  for (int conc : {64, 1, 8}) {
    ASSERT_TRUE(store->InsertPoint(MakePoint(run, "b", conc)).ok());
    ASSERT_TRUE(store->InsertPoint(MakePoint(run, "a", conc)).ok());
  }
  auto points = store->ListPoints(run);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 6u);
  EXPECT_EQ((*points)[0].key.config_key, "a");
  EXPECT_EQ((*points)[0].key.concurrency, 1);
  EXPECT_EQ((*points)[2].key.concurrency, 64);
  EXPECT_EQ((*points)[3].key.config_key, "b");
}

TEST(ResultsStoreTest, EvalsPerConfigAndPoint) {
  auto store = MemoryStore();
  int64_t run = NewRunWithConfig(*store, "cfg");
  ASSERT_TRUE(store->InsertPoint(MakePoint(run, "cfg", 4)).ok());
  int64_t point_id = store->ListPoints(run)->at(0).point_id;
  EvalRecord e;
  e.run_id = run;
  e.config_key = "cfg";
  e.task = "gsm8k";
  e.accuracy = 0.75;
  e.accuracy_stderr = 0.012;
  e.num_questions = 4;
  e.outcomes = {{{"index", 0}, {"correct", true}}};
  ASSERT_TRUE(store->InsertEval(e).ok());
  e.point_id = point_id;
  ASSERT_TRUE(store->InsertEval(e).ok());
  auto evals = store->ListEvals(run);
  ASSERT_TRUE(evals.ok());
  ASSERT_EQ(evals->size(), 2u);
  EXPECT_FALSE((*evals)[0].point_id.has_value());
  EXPECT_EQ((*evals)[1].point_id, point_id);
  EXPECT_EQ((*evals)[1].accuracy, 0.75);
  EXPECT_EQ((*evals)[1].outcomes, e.outcomes);
  e.config_key = "nope";
  EXPECT_EQ(store->InsertEval(e).status().code(), ErrorCode::kNotFound);
}

TEST(ResultsStoreTest, FileStoreUsesWalAndPersists) {
  const std::string path = TempPath("persist.db");
  {
    auto store = OpenResultsStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    int64_t run = NewRunWithConfig(**store, "cfg");
    ASSERT_TRUE((*store)->InsertPoint(MakePoint(run, "cfg", 2)).ok());
  }
  auto conn = OpenSqliteConnection(path, SqliteOpenMode::kExisting);
  ASSERT_TRUE(conn.ok());
  auto mode = (*conn)->Query("PRAGMA journal_mode", {});
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(mode->at(0).at(0), "wal");
  auto reopened = OpenExistingResultsStore(path);
  ASSERT_TRUE(reopened.ok());
  auto latest = (*reopened)->LatestRun();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*reopened)->ListPoints(latest->run_id)->size(), 1u);
}

TEST(ResultsStoreTest, MissingFileIsNotCreatedByReaders) {
  const std::string path = TempPath("missing.db");
  auto store = OpenExistingResultsStore(path);
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(store.status().message().find(path), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResultsStoreTest, NonDatabaseFileIsRejectedAndUntouched) {
  const std::string path = TempPath("notes.txt");
  const std::string text = "this is not a database, just some text\n";
  ASSERT_TRUE(WriteFileAtomic(path, text).ok());
  auto store = OpenResultsStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("not an SQLite database"),
            std::string::npos);
  EXPECT_EQ(*ReadFile(path), text);
}

TEST(ResultsStoreTest, ForeignSqliteDatabaseIsRejected) {
  const std::string path = TempPath("foreign.db");
  {
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kCreate);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->ExecScript("CREATE TABLE songs (title TEXT)").ok());
  }
  auto store = OpenResultsStore(path);
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  auto conn = OpenSqliteConnection(path, SqliteOpenMode::kReadOnly);
  EXPECT_FALSE(*(*conn)->TableExists("runs"));
}

TEST(ResultsStoreTest, NewerSchemaIsRejectedAndUntouched) {
  const std::string path = TempPath("newer.db");
  {
    auto store = OpenResultsStore(path);
    ASSERT_TRUE(store.ok());
    NewRunWithConfig(**store, "cfg");
  }
  {
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kExisting);
    ASSERT_TRUE(
        (*conn)->ExecScript("UPDATE infx_schema SET version = 99").ok());
  }
  auto store = OpenResultsStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("schema version 99"),
            std::string::npos);
  auto conn = OpenSqliteConnection(path, SqliteOpenMode::kExisting);
  EXPECT_EQ(*ReadSchemaVersion(**conn), 99);
  EXPECT_EQ((*conn)->Query("SELECT count(*) FROM runs", {})->at(0).at(0), "1");
}

TEST(ResultsStoreTest, MigrationsEndAtCurrentVersion) {
  ASSERT_FALSE(Migrations().empty());
  EXPECT_EQ(Migrations().back().version, kSchemaVersion);
  for (size_t i = 0; i < Migrations().size(); ++i) {
    EXPECT_EQ(Migrations()[i].version, static_cast<int>(i + 1));
  }
  auto conn = OpenSqliteConnection(":memory:", SqliteOpenMode::kCreate);
  ASSERT_TRUE(EnsureSchema(**conn).ok());
  EXPECT_EQ(*ReadSchemaVersion(**conn), kSchemaVersion);
  ASSERT_TRUE(EnsureSchema(**conn).ok());  // idempotent
}

TEST(ResultsStoreTest, StoredNumbersParseStrictly) {
  EXPECT_EQ(*ParseStoredDouble(FormatDoubleExact(0.1), "x"), 0.1);
  EXPECT_EQ(*ParseStoredDouble(FormatDoubleExact(1.0 / 3.0), "x"), 1.0 / 3.0);
  EXPECT_FALSE(ParseStoredDouble(std::string("1.5abc"), "x").ok());
  EXPECT_FALSE(ParseStoredDouble(std::nullopt, "x").ok());
  EXPECT_EQ(*ParseStoredInt(std::string("-42"), "x"), -42);
  EXPECT_FALSE(ParseStoredInt(std::string("4.2"), "x").ok());
}

}  // namespace
}  // namespace infx::store
