// Point validity in the store: stored and read back on both a fresh
// database and one made by the schema-1 binary (whose points read back as
// valid after the additive migration).
#include <gtest/gtest.h>

#include <filesystem>

#include "store/results_store.h"
#include "store/schema.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_test_tmp";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return path.string();
}

PointRecord Point(int64_t run_id, int conc, bool valid) {
  PointRecord p;
  p.key.run_id = run_id;
  p.key.config_key = "cfg";
  p.key.isl = 32;
  p.key.osl = 8;
  p.key.concurrency = conc;
  p.metrics.completed = 4;
  p.metrics.valid = valid;
  if (!valid) p.metrics.invalid_reasons = "error_rate: 0.5 > 0.01";
  return p;
}

int64_t RunWithConfig(ResultsStore& store) {
  auto run = store.CreateRun({"m: 1\n", "0.1.0", "abc", "host", ""});
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  ConfigRecord c;
  c.run_id = *run;
  c.config_key = "cfg";
  EXPECT_TRUE(store.UpsertConfig(c).ok());
  return *run;
}

TEST(StoreValidityTest, InvalidPointsAreStoredWithTheirReasons) {
  auto store = OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  const int64_t run = RunWithConfig(**store);
  ASSERT_TRUE(*(*store)->InsertPoint(Point(run, 1, true)));
  ASSERT_TRUE(*(*store)->InsertPoint(Point(run, 2, false)));
  auto points = (*store)->ListPoints(run);
  ASSERT_TRUE(points.ok());
  ASSERT_EQ(points->size(), 2u);
  EXPECT_TRUE((*points)[0].metrics.valid);
  EXPECT_EQ((*points)[0].metrics.invalid_reasons, "");
  EXPECT_FALSE((*points)[1].metrics.valid);
  EXPECT_EQ((*points)[1].metrics.invalid_reasons, "error_rate: 0.5 > 0.01");
}

TEST(StoreValidityTest, ASchemaOneDatabaseMigratesWithItsPointsValid) {
  const std::string path = TempPath("schema1.db");
  {
    // What the schema-1 binary created: migration 1 only, one point.
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kCreate);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        (*conn)
            ->ExecScript(MigrationSql(Migrations()[0], SqlDialect::kSqlite))
            .ok());
    ASSERT_TRUE(
        (*conn)
            ->ExecScript("UPDATE infx_schema SET version = 1;"
                         "INSERT INTO runs (matrix_text, infx_version, git_sha,"
                         " host, started_at, status) VALUES ('m', '0', 's', "
                         "'h', '2026-01-01T00:00:00Z', 'completed');"
                         "INSERT INTO configs (run_id, config_key, hardware, "
                         "num_gpus, details_json) VALUES (1, 'cfg', '', 1, "
                         "'{}');"
                         "INSERT INTO points (run_id, config_id, isl, osl, "
                         "range_ratio, concurrency, request_rate, repetition,"
                         " completed, failed, metrics_json, recorded_at) "
                         "VALUES (1, 1, 32, 8, 1.0, 4, 0, 0, 9, 0, '{}', "
                         "'2026-01-01T00:00:00Z');")
            .ok());
  }
  auto store = OpenResultsStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto points = (*store)->ListPoints(1);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 1u);
  EXPECT_TRUE((*points)[0].metrics.valid);
  EXPECT_EQ((*points)[0].metrics.completed, 9);
  ASSERT_TRUE(*(*store)->InsertPoint(Point(1, 8, false)));
  EXPECT_FALSE((*(*store)->ListPoints(1))[1].metrics.valid);
}

}  // namespace
}  // namespace infx::store
