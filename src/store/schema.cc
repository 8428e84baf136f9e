#include "store/schema.h"

#include <fmt/format.h>

#include "store/results_store.h"

namespace infx::store {
namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE infx_schema (
  version INTEGER NOT NULL
);
INSERT INTO infx_schema (version) VALUES (0);
CREATE TABLE runs (
  run_id {pk},
  matrix_text TEXT NOT NULL,
  infx_version TEXT NOT NULL,
  git_sha TEXT NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL
);
CREATE TABLE configs (
  config_id {pk},
  run_id {bigint} NOT NULL REFERENCES runs (run_id),
  config_key TEXT NOT NULL,
  hardware TEXT NOT NULL,
  num_gpus INTEGER NOT NULL,
  details_json TEXT NOT NULL,
  UNIQUE (run_id, config_key)
);
CREATE TABLE points (
  point_id {pk},
  run_id {bigint} NOT NULL REFERENCES runs (run_id),
  config_id {bigint} NOT NULL REFERENCES configs (config_id),
  isl INTEGER NOT NULL,
  osl INTEGER NOT NULL,
  range_ratio {real} NOT NULL,
  concurrency INTEGER NOT NULL,
  request_rate {real} NOT NULL,
  repetition INTEGER NOT NULL,
  tput_per_gpu_total {real},
  tput_per_gpu_output {real},
  tput_per_gpu_input {real},
  interactivity_tok_s_user {real},
  mean_ttft_ms {real},
  median_ttft_ms {real},
  p99_ttft_ms {real},
  mean_tpot_ms {real},
  median_tpot_ms {real},
  p99_tpot_ms {real},
  mean_itl_ms {real},
  median_itl_ms {real},
  p99_itl_ms {real},
  mean_e2el_ms {real},
  median_e2el_ms {real},
  p99_e2el_ms {real},
  request_throughput_rps {real},
  completed {bigint} NOT NULL,
  failed {bigint} NOT NULL,
  duration_s {real},
  metrics_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (run_id, config_id, isl, osl, range_ratio, concurrency,
          request_rate, repetition)
);
CREATE TABLE point_requests (
  point_id {bigint} PRIMARY KEY REFERENCES points (point_id) ON DELETE CASCADE,
  summaries_json TEXT NOT NULL
);
CREATE TABLE evals (
  eval_id {pk},
  run_id {bigint} NOT NULL REFERENCES runs (run_id),
  config_id {bigint} NOT NULL REFERENCES configs (config_id),
  point_id {bigint} REFERENCES points (point_id),
  task TEXT NOT NULL,
  accuracy {real} NOT NULL,
  accuracy_stderr {real} NOT NULL,
  num_questions {bigint} NOT NULL,
  outcomes_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX points_by_run ON points (run_id, config_id);
CREATE INDEX evals_by_run ON evals (run_id);
)sql";

// Schema 2: provenance of runs and configs, the canary flag and each
// point's series key (issue 14; docs/store.md).
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN matrix_name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN matrix_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN provenance_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN labels_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE configs ADD COLUMN engine_version TEXT NOT NULL DEFAULT '';
ALTER TABLE configs ADD COLUMN canary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE points ADD COLUMN series_key TEXT NOT NULL DEFAULT '';
CREATE INDEX points_by_series ON points (series_key, run_id);
)sql";

// Schema 3: run validity of each point (issue 11; docs/store.md). Points
// stored before it read back as valid.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE points ADD COLUMN valid INTEGER NOT NULL DEFAULT 1;
ALTER TABLE points ADD COLUMN invalid_reasons TEXT NOT NULL DEFAULT '';
)sql";

// Schema 4: GPU power and energy measured per point, and the raw /metrics
// samples in a child table (issue 19; docs/telemetry.md, docs/store.md).
// power_valid is NULL for points measured without telemetry.
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE points ADD COLUMN power_valid INTEGER;
ALTER TABLE points ADD COLUMN power_invalid_reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE points ADD COLUMN power_source TEXT NOT NULL DEFAULT '';
ALTER TABLE points ADD COLUMN avg_power_w {real};
ALTER TABLE points ADD COLUMN p90_power_w {real};
ALTER TABLE points ADD COLUMN total_gpu_energy_j {real};
ALTER TABLE points ADD COLUMN joules_per_output_token {real};
ALTER TABLE points ADD COLUMN joules_per_total_token {real};
ALTER TABLE points ADD COLUMN tokens_per_mw {real};
ALTER TABLE points ADD COLUMN facility_factor {real};
CREATE TABLE point_metrics_raw (
  point_id {bigint} PRIMARY KEY REFERENCES points (point_id) ON DELETE CASCADE,
  raw_json TEXT NOT NULL
);
)sql";

// Schema 5: calibration fits kept with the run they came from (issue 17;
// docs/store.md, docs/calibration.md).
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE calibration_fits (
  fit_id {pk},
  run_id {bigint} NOT NULL REFERENCES runs (run_id),
  hardware TEXT NOT NULL,
  engine TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  fit_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX calibration_fits_by_run ON calibration_fits (run_id);
)sql";

void ReplaceAll(std::string& text, const std::string& from,
                const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

Status ApplyMigration(SqlConnection& conn, const Migration& m) {
  INFX_RETURN_IF_ERROR(conn.Begin());
  auto fail = [&](const Status& s) {
    conn.Rollback();
    return s.WithContext(
        fmt::format("migration to schema {} ({})", m.version, m.description));
  };
  if (conn.dialect() == SqlDialect::kPostgres) {
    // Serialises concurrent migrators; released at commit.
    auto lock = conn.Query("SELECT pg_advisory_xact_lock(7274617)", {});
    if (!lock.ok()) return fail(lock.status());
  }
  // Another process may have migrated while we waited for the lock.
  auto version = ReadSchemaVersion(conn);
  if (!version.ok()) return fail(version.status());
  if (*version >= m.version) {
    conn.Rollback();
    return Status::Ok();
  }
  if (*version == 0 && conn.dialect() == SqlDialect::kSqlite) {
    // Checked under the write lock: a concurrent opener that created the
    // schema meanwhile is seen above, never mistaken for foreign tables.
    auto has_tables = conn.HasAnyTable();
    if (!has_tables.ok()) return fail(has_tables.status());
    if (*has_tables) {
      conn.Rollback();
      return Status::FailedPrecondition(fmt::format(
          "{}: SQLite database holds other tables, not an infx results store "
          "(left untouched)",
          conn.Describe()));
    }
  }
  Status s = conn.ExecScript(MigrationSql(m, conn.dialect()));
  if (!s.ok()) return fail(s);
  auto update = conn.Query("UPDATE infx_schema SET version = $1",
                           {static_cast<int64_t>(m.version)});
  if (!update.ok()) return fail(update.status());
  return conn.Commit();
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "runs, configs, points, point_requests, evals", kSchemaV1},
      {2, "run and config provenance, canary, point series_key", kSchemaV2},
      {3, "point validity (valid, invalid_reasons)", kSchemaV3},
      {4, "point GPU power and energy, raw /metrics samples", kSchemaV4},
      {5, "calibration fits", kSchemaV5},
  };
  return kMigrations;
}

std::string MigrationSql(const Migration& migration, SqlDialect dialect) {
  std::string sql = migration.sql_template;
  const bool pg = dialect == SqlDialect::kPostgres;
  ReplaceAll(
      sql, "{pk}",
      pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  ReplaceAll(sql, "{real}", pg ? "DOUBLE PRECISION" : "REAL");
  ReplaceAll(sql, "{bigint}", pg ? "BIGINT" : "INTEGER");
  return sql;
}

Result<int> ReadSchemaVersion(SqlConnection& conn) {
  INFX_ASSIGN_OR_RETURN(bool has_table, conn.TableExists("infx_schema"));
  if (!has_table) return 0;
  INFX_ASSIGN_OR_RETURN(auto rows,
                        conn.Query("SELECT version FROM infx_schema", {}));
  if (rows.size() != 1 || rows[0].empty()) {
    return Status::FailedPrecondition(fmt::format(
        "{}: table infx_schema must hold exactly one row", conn.Describe()));
  }
  INFX_ASSIGN_OR_RETURN(int64_t v,
                        ParseStoredInt(rows[0][0], "schema version"));
  return static_cast<int>(v);
}

Status EnsureSchema(SqlConnection& conn) {
  INFX_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(conn));
  if (version > kSchemaVersion) {
    return Status::FailedPrecondition(fmt::format(
        "{}: results store has schema version {}, newer than this infx "
        "(supports up to {}); upgrade infx (database left untouched)",
        conn.Describe(), version, kSchemaVersion));
  }
  for (const Migration& m : Migrations()) {
    if (m.version > version) INFX_RETURN_IF_ERROR(ApplyMigration(conn, m));
  }
  return Status::Ok();
}

}  // namespace infx::store
