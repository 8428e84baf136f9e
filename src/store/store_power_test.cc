// Measured GPU power per point (schema 4): the power columns and the raw
// /metrics child table round-trip, points without telemetry read back as
// not measured, a schema-3 database migrates, and DeleteFailedPoint removes
// the raw samples with the point.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "store/results_store.h"
#include "store/schema.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_test_tmp";
  std::filesystem::create_directories(dir);
  auto path = dir / (std::to_string(::getpid()) + "-" + name);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return path.string();
}

int64_t RunWithConfig(ResultsStore& store) {
  auto run = store.CreateRun({"m: 1\n", "0.1.0", "abc", "host", ""});
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  ConfigRecord c;
  c.run_id = *run;
  c.config_key = "cfg";
  c.hardware = "h200";
  EXPECT_TRUE(store.UpsertConfig(c).ok());
  return *run;
}

PointRecord Point(int64_t run_id, int conc) {
  PointRecord p;
  p.key.run_id = run_id;
  p.key.config_key = "cfg";
  p.key.isl = 32;
  p.key.osl = 8;
  p.key.concurrency = conc;
  p.metrics.completed = 4;
  return p;
}

// A bench result's power fields as telemetry::PowerToJson writes them.
nlohmann::json ValidPowerJson() {
  return {{"power_valid", 1},
          {"power_invalid_reasons", ""},
          {"power_source", "dcgm"},
          {"avg_power_w", 412.5},
          {"p90_power_w", 655.25},
          {"total_gpu_energy_j", 1234.0},
          {"joules_per_output_token", 0.75},
          {"joules_per_total_token", 0.125},
          {"tokens_per_mw", 3.5e6},
          {"facility_factor", 2.0}};
}

TEST(StorePowerTest, ResultJsonFieldsBecomePointPower) {
  PointPower none = PointPowerFromResultJson({{"completed", 3}});
  EXPECT_FALSE(none.measured);
  EXPECT_TRUE(std::isnan(none.tokens_per_mw));
  PointPower p = PointPowerFromResultJson(ValidPowerJson());
  EXPECT_TRUE(p.measured && p.valid);
  EXPECT_EQ(p.source, "dcgm");
  EXPECT_EQ(p.avg_power_w, 412.5);
  EXPECT_EQ(p.joules_per_total_token, 0.125);
  EXPECT_EQ(p.facility_factor, 2.0);
  // Invalid power: the verdict and reasons, never the figures.
  nlohmann::json bad = ValidPowerJson();
  bad["power_valid"] = 0;
  bad["power_invalid_reasons"] = "gpu 1: sample_gap 4.2 s > 3 s";
  PointPower q = PointPowerFromResultJson(bad);
  EXPECT_TRUE(q.measured);
  EXPECT_FALSE(q.valid);
  EXPECT_EQ(q.invalid_reasons, "gpu 1: sample_gap 4.2 s > 3 s");
  EXPECT_TRUE(std::isnan(q.avg_power_w));
}

void CheckRoundTrip(ResultsStore& store) {
  const int64_t run = RunWithConfig(store);
  PointRecord measured = Point(run, 1);
  measured.metrics_json = ValidPowerJson();
  measured.metrics.power = PointPowerFromResultJson(measured.metrics_json);
  measured.server_metrics_raw = {{"series", {"a", "b{x=\"1\"}"}},
                                 {"t_ms", {0, 100}},
                                 {"values", {{1, 2}, {3, "NaN"}}}};
  PointRecord invalid = Point(run, 2);
  invalid.metrics.power.measured = true;
  invalid.metrics.power.invalid_reasons = "no_power_samples_in_window";
  invalid.metrics.power.avg_power_w = 99;  // not stored: not valid
  PointRecord plain = Point(run, 4);
  for (const PointRecord* p : {&measured, &invalid, &plain}) {
    auto inserted = store.InsertPoint(*p);
    ASSERT_TRUE(inserted.ok() && *inserted) << inserted.status().ToString();
  }
  auto points = store.ListPoints(run);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  ASSERT_EQ(points->size(), 3u);
  const PointPower& a = (*points)[0].metrics.power;
  EXPECT_TRUE(a.measured && a.valid);
  EXPECT_EQ(a.source, "dcgm");
  EXPECT_EQ(a.avg_power_w, 412.5);
  EXPECT_EQ(a.p90_power_w, 655.25);
  EXPECT_EQ(a.total_gpu_energy_j, 1234.0);
  EXPECT_EQ(a.joules_per_output_token, 0.75);
  EXPECT_EQ(a.joules_per_total_token, 0.125);
  EXPECT_EQ(a.tokens_per_mw, 3.5e6);
  EXPECT_EQ(a.facility_factor, 2.0);
  EXPECT_TRUE((*points)[0].server_metrics_raw.is_null());  // not listed
  auto raw = store.GetServerMetricsRaw((*points)[0].point_id);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(*raw, measured.server_metrics_raw);
  const PointPower& b = (*points)[1].metrics.power;
  EXPECT_TRUE(b.measured);
  EXPECT_FALSE(b.valid);
  EXPECT_EQ(b.invalid_reasons, "no_power_samples_in_window");
  EXPECT_TRUE(std::isnan(b.avg_power_w));
  const PointPower& c = (*points)[2].metrics.power;
  EXPECT_FALSE(c.measured);
  EXPECT_TRUE(std::isnan(c.tokens_per_mw));
  EXPECT_TRUE((*store.GetServerMetricsRaw((*points)[2].point_id)).is_null());
  // A failed point's raw samples go with it.
  PointRecord failed = Point(run, 8);
  failed.metrics.completed = 0;
  failed.server_metrics_raw = {{"series", nlohmann::json::array()}};
  ASSERT_TRUE(*store.InsertPoint(failed));
  auto deleted = store.DeleteFailedPoint(failed.key);
  ASSERT_TRUE(deleted.ok() && *deleted) << deleted.status().ToString();
  EXPECT_EQ(store.ListPoints(run)->size(), 3u);
}

TEST(StorePowerTest, PowerAndRawSamplesRoundTripInSqlite) {
  auto store = OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  CheckRoundTrip(**store);
}

TEST(StorePowerTest, PostgresKeepsTheSameFields) {
  const char* url = std::getenv("INFX_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    GTEST_SKIP() << "INFX_TEST_PG_URL not set (tests/store_pg_itest.cc "
                    "covers PostgreSQL in CI)";
  }
  const std::string schema = "infx_power_" + std::to_string(::getpid());
  auto admin = OpenPostgresConnection(url);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  ASSERT_TRUE((*admin)
                  ->ExecScript("DROP SCHEMA IF EXISTS " + schema +
                               " CASCADE; CREATE SCHEMA " + schema)
                  .ok());
  const std::string base = url;
  const char sep = base.find('?') == std::string::npos ? '?' : '&';
  {
    auto store =
        OpenResultsStore(base + sep + "options=-csearch_path%3D" + schema);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    CheckRoundTrip(**store);
  }
  (void)(*admin)->ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

TEST(StorePowerTest, ASchemaThreeDatabaseMigratesWithPointsNotMeasured) {
  const std::string path = TempPath("schema3.db");
  {
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kCreate);
    ASSERT_TRUE(conn.ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          (*conn)
              ->ExecScript(MigrationSql(Migrations()[i], SqlDialect::kSqlite))
              .ok());
    }
    ASSERT_TRUE(
        (*conn)
            ->ExecScript("UPDATE infx_schema SET version = 3;"
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
  EXPECT_FALSE((*points)[0].metrics.power.measured);
  EXPECT_TRUE(std::isnan((*points)[0].metrics.power.avg_power_w));
  PointRecord p = Point(1, 8);
  p.metrics.power = PointPowerFromResultJson(ValidPowerJson());
  ASSERT_TRUE(*(*store)->InsertPoint(p));
  EXPECT_EQ((*(*store)->ListPoints(1))[1].metrics.power.tokens_per_mw, 3.5e6);
}

}  // namespace
}  // namespace infx::store
