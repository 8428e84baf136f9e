#include "store/sql_results_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <tuple>

#include "store/schema.h"
#include "store/sql_values.h"

namespace infx::store {
namespace {

class SqlResultsStore final : public ResultsStore {
 public:
  explicit SqlResultsStore(std::unique_ptr<SqlConnection> conn)
      : conn_(std::move(conn)) {}

  std::string Describe() const override { return conn_->Describe(); }

  Result<int64_t> CreateRun(const NewRun& run) override {
    const std::string started =
        run.started_at.empty() ? NowUtcIso8601() : run.started_at;
    return InTransaction<int64_t>([&]() -> Result<int64_t> {
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "INSERT INTO runs (matrix_text, infx_version, git_sha, host, "
              "started_at, finished_at, status, matrix_name, matrix_hash, "
              "provenance_json, labels_json) VALUES ($1, $2, $3, $4, $5, '', "
              "$6, $7, $8, $9, $10) RETURNING run_id",
              {run.matrix_text, run.infx_version, run.git_sha, run.host,
               started, std::string(kRunRunning), run.matrix_name,
               run.matrix_hash,
               DumpJson(run.provenance.is_object() ? run.provenance
                                                   : nlohmann::json::object()),
               DumpLabels(run.labels)}));
      return ParseStoredInt(rows.at(0).at(0), "run_id");
    });
  }

  Status FinishRun(int64_t run_id, std::string_view status) override {
    if (status.empty()) {
      return Status::InvalidArgument("FinishRun: empty status");
    }
    auto r = InTransaction<bool>([&]() -> Result<bool> {
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("UPDATE runs SET status = $1, finished_at = $2 "
                       "WHERE run_id = $3 RETURNING run_id",
                       {std::string(status), NowUtcIso8601(), run_id}));
      if (rows.empty()) return UnknownRun(run_id);
      return true;
    });
    return r.status();
  }

  Result<RunRecord> GetRun(int64_t run_id) override {
    INFX_ASSIGN_OR_RETURN(auto runs, SelectRuns("WHERE run_id = $1", {run_id}));
    if (runs.empty()) return UnknownRun(run_id);
    return runs.front();
  }

  Result<std::vector<RunRecord>> ListRuns() override {
    return SelectRuns("ORDER BY run_id DESC", {});
  }

  Result<std::vector<RunSummary>> ListRunSummaries() override {
    INFX_ASSIGN_OR_RETURN(auto runs, ListRuns());
    INFX_ASSIGN_OR_RETURN(
        auto counts,
        conn_->Query("SELECT run_id, COUNT(*) FROM points GROUP BY run_id",
                     {}));
    INFX_ASSIGN_OR_RETURN(
        auto configs,
        conn_->Query("SELECT run_id, engine_version, details_json FROM configs",
                     {}));
    std::map<int64_t, RunSummary*> by_id;
    std::vector<RunSummary> out(runs.size());
    for (size_t i = 0; i < runs.size(); ++i) {
      out[i].run = std::move(runs[i]);
      by_id[out[i].run.run_id] = &out[i];
    }
    for (const SqlRow& row : counts) {
      INFX_ASSIGN_OR_RETURN(int64_t id, ParseStoredInt(row[0], "run_id"));
      INFX_ASSIGN_OR_RETURN(int64_t n, ParseStoredInt(row[1], "point count"));
      if (auto it = by_id.find(id); it != by_id.end()) it->second->points = n;
    }
    for (const SqlRow& row : configs) {
      INFX_ASSIGN_OR_RETURN(int64_t id, ParseStoredInt(row[0], "run_id"));
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      ++it->second->configs;
      INFX_ASSIGN_OR_RETURN(std::string version,
                            EngineVersionOf(row[1], row[2]));
      auto& versions = it->second->engine_versions;
      if (!version.empty() && std::find(versions.begin(), versions.end(),
                                        version) == versions.end()) {
        versions.insert(
            std::upper_bound(versions.begin(), versions.end(), version),
            version);
      }
    }
    return out;
  }

  Result<RunRecord> LatestRun() override {
    INFX_ASSIGN_OR_RETURN(auto runs,
                          SelectRuns("ORDER BY run_id DESC LIMIT 1", {}));
    if (runs.empty()) {
      return Status::NotFound(Describe() + ": the store holds no runs yet");
    }
    return runs.front();
  }

  Result<int64_t> UpsertConfig(const ConfigRecord& config) override {
    if (config.config_key.empty()) {
      return Status::InvalidArgument("config: empty config_key");
    }
    if (config.num_gpus < 1) {
      return Status::InvalidArgument(
          fmt::format("config {}: num_gpus must be >= 1, got {}",
                      config.config_key, config.num_gpus));
    }
    return InTransaction<int64_t>([&]() -> Result<int64_t> {
      INFX_RETURN_IF_ERROR(CheckRunExists(config.run_id));
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "INSERT INTO configs (run_id, config_key, hardware, num_gpus, "
              "details_json, engine_version, canary) VALUES ($1, $2, $3, $4, "
              "$5, $6, $7) ON CONFLICT (run_id, config_key) DO UPDATE SET "
              "hardware = excluded.hardware, num_gpus = excluded.num_gpus, "
              "details_json = excluded.details_json, engine_version = "
              "excluded.engine_version, canary = excluded.canary "
              "RETURNING config_id",
              {config.run_id, config.config_key, config.hardware,
               static_cast<int64_t>(config.num_gpus), DumpJson(config.details),
               config.engine_version, int64_t{config.canary ? 1 : 0}}));
      return ParseStoredInt(rows.at(0).at(0), "config_id");
    });
  }

  Result<std::vector<ConfigRecord>> ListConfigs(int64_t run_id) override {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT config_id, run_id, config_key, hardware, "
                     "num_gpus, details_json, engine_version, canary FROM "
                     "configs WHERE run_id = $1 ORDER BY config_id",
                     {run_id}));
    std::vector<ConfigRecord> out;
    for (const SqlRow& row : rows) {
      ConfigRecord c;
      INFX_ASSIGN_OR_RETURN(c.config_id, ParseStoredInt(row[0], "config_id"));
      INFX_ASSIGN_OR_RETURN(c.run_id, ParseStoredInt(row[1], "run_id"));
      c.config_key = row[2].value_or("");
      c.hardware = row[3].value_or("");
      INFX_ASSIGN_OR_RETURN(int64_t gpus, ParseStoredInt(row[4], "num_gpus"));
      c.num_gpus = static_cast<int>(gpus);
      INFX_ASSIGN_OR_RETURN(c.details, LoadJson(row[5], "config details"));
      INFX_ASSIGN_OR_RETURN(c.engine_version, EngineVersionOf(row[6], row[5]));
      INFX_ASSIGN_OR_RETURN(int64_t canary, ParseStoredInt(row[7], "canary"));
      c.canary = canary != 0;
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<bool> InsertPoint(const PointRecord& point) override {
    INFX_RETURN_IF_ERROR(ValidateKey(point.key));
    return InTransaction<bool>([&]() -> Result<bool> {
      INFX_ASSIGN_OR_RETURN(
          int64_t config_id,
          FindConfigId(point.key.run_id, point.key.config_key));
      std::vector<SqlValue> params = KeyParams(point.key, config_id);
      for (const auto& c : kMetricColumns) {
        params.push_back(MetricValue(point.metrics.*(c.field)));
      }
      params.push_back(point.metrics.completed);
      params.push_back(point.metrics.failed);
      params.push_back(DumpJson(point.metrics_json.is_null()
                                    ? nlohmann::json::object()
                                    : point.metrics_json));
      params.push_back(NowUtcIso8601());
      params.push_back(point.series_key);
      params.push_back(static_cast<int64_t>(point.metrics.valid ? 1 : 0));
      params.push_back(point.metrics.invalid_reasons);
      for (SqlValue& v : PowerParams(point.metrics.power)) {
        params.push_back(std::move(v));
      }
      std::string placeholders;
      for (size_t i = 1; i <= params.size(); ++i) {
        placeholders += fmt::format("{}${}", i == 1 ? "" : ", ", i);
      }
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(fmt::format("INSERT INTO points ({}) VALUES ({}) ON "
                                   "CONFLICT DO NOTHING RETURNING point_id",
                                   PointColumnList(), placeholders),
                       params));
      if (rows.empty()) return false;  // same key stored before
      INFX_ASSIGN_OR_RETURN(int64_t point_id,
                            ParseStoredInt(rows[0][0], "point_id"));
      if (!point.server_metrics_raw.is_null()) {
        INFX_RETURN_IF_ERROR(
            conn_
                ->Query("INSERT INTO point_metrics_raw (point_id, raw_json) "
                        "VALUES ($1, $2)",
                        {point_id, DumpJson(point.server_metrics_raw)})
                .status());
      }
      if (!point.request_summaries.is_null()) {
        INFX_RETURN_IF_ERROR(
            conn_
                ->Query("INSERT INTO point_requests (point_id, "
                        "summaries_json) VALUES ($1, $2)",
                        {point_id, DumpJson(point.request_summaries)})
                .status());
      }
      return true;
    });
  }

  Result<bool> HasPoint(const PointKey& key) override {
    INFX_RETURN_IF_ERROR(ValidateKey(key));
    auto config_id = FindConfigId(key.run_id, key.config_key);
    if (!config_id.ok()) {
      if (config_id.status().code() == ErrorCode::kNotFound) return false;
      return config_id.status();
    }
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT 1 FROM points WHERE run_id = $1 AND config_id = "
                     "$2 AND isl = $3 AND osl = $4 AND range_ratio = $5 AND "
                     "concurrency = $6 AND request_rate = $7 AND "
                     "repetition = $8",
                     KeyParams(key, *config_id)));
    return !rows.empty();
  }

  Result<bool> DeleteFailedPoint(const PointKey& key) override {
    INFX_RETURN_IF_ERROR(ValidateKey(key));
    return InTransaction<bool>([&]() -> Result<bool> {
      auto config_id = FindConfigId(key.run_id, key.config_key);
      if (!config_id.ok()) {
        if (config_id.status().code() == ErrorCode::kNotFound) return false;
        return config_id.status();
      }
      const std::string where =
          "run_id = $1 AND config_id = $2 AND isl = $3 AND osl = $4 AND "
          "range_ratio = $5 AND concurrency = $6 AND request_rate = $7 AND "
          "repetition = $8 AND completed = 0";
      for (const char* child : {"point_requests", "point_metrics_raw"}) {
        INFX_RETURN_IF_ERROR(
            conn_
                ->Query(fmt::format("DELETE FROM {} WHERE point_id IN (SELECT "
                                    "point_id FROM points WHERE {})",
                                    child, where),
                        KeyParams(key, *config_id))
                .status());
      }
      INFX_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("DELETE FROM points WHERE " + where +
                                             " RETURNING point_id",
                                         KeyParams(key, *config_id)));
      return !rows.empty();
    });
  }

  Result<std::vector<PointRecord>> ListPoints(int64_t run_id) override {
    INFX_ASSIGN_OR_RETURN(auto out, QueryPoints("p.run_id = $1", run_id));
    // Sorted here rather than in SQL: text collation differs by database.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      const auto& x = a.key;
      const auto& y = b.key;
      return std::tie(x.config_key, x.isl, x.osl, x.range_ratio, x.concurrency,
                      x.request_rate, x.repetition) <
             std::tie(y.config_key, y.isl, y.osl, y.range_ratio, y.concurrency,
                      y.request_rate, y.repetition);
    });
    return out;
  }

  Result<std::vector<PointRecord>> ListSeriesPoints(
      const std::string& series_key) override {
    if (series_key.empty()) {
      return Status::InvalidArgument("ListSeriesPoints: empty series key");
    }
    INFX_ASSIGN_OR_RETURN(auto out,
                          QueryPoints("p.series_key = $1", series_key));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.key.run_id, a.key.repetition, a.point_id) <
             std::tie(b.key.run_id, b.key.repetition, b.point_id);
    });
    return out;
  }

  Result<nlohmann::json> GetRequestSummaries(int64_t point_id) override {
    INFX_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT summaries_json FROM point_requests "
                                "WHERE point_id = $1",
                                {point_id}));
    if (rows.empty()) return nlohmann::json();
    return LoadJson(rows[0][0], "request summaries");
  }

  Result<nlohmann::json> GetServerMetricsRaw(int64_t point_id) override {
    INFX_ASSIGN_OR_RETURN(auto rows,
                          conn_->Query("SELECT raw_json FROM point_metrics_raw "
                                       "WHERE point_id = $1",
                                       {point_id}));
    if (rows.empty()) return nlohmann::json();
    return LoadJson(rows[0][0], "raw server metrics");
  }

  Result<int64_t> InsertEval(const EvalRecord& eval) override {
    if (eval.task.empty()) return Status::InvalidArgument("eval: empty task");
    if (!std::isfinite(eval.accuracy) || !std::isfinite(eval.accuracy_stderr)) {
      return Status::InvalidArgument(
          fmt::format("eval {} {}: accuracy and stderr must be finite",
                      eval.config_key, eval.task));
    }
    return InTransaction<int64_t>([&]() -> Result<int64_t> {
      INFX_ASSIGN_OR_RETURN(int64_t config_id,
                            FindConfigId(eval.run_id, eval.config_key));
      SqlValue point_id = nullptr;
      if (eval.point_id) point_id = *eval.point_id;
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "INSERT INTO evals (run_id, config_id, point_id, task, "
              "accuracy, accuracy_stderr, num_questions, outcomes_json, "
              "recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
              "RETURNING eval_id",
              {eval.run_id, config_id, point_id, eval.task, eval.accuracy,
               eval.accuracy_stderr, eval.num_questions,
               DumpJson(eval.outcomes), NowUtcIso8601()}));
      return ParseStoredInt(rows.at(0).at(0), "eval_id");
    });
  }

  Result<std::vector<EvalRecord>> ListEvals(int64_t run_id) override {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT e.eval_id, c.config_key, e.point_id, e.task, "
                     "e.accuracy, e.accuracy_stderr, e.num_questions, "
                     "e.outcomes_json, e.recorded_at FROM evals e JOIN "
                     "configs c ON e.config_id = c.config_id WHERE "
                     "e.run_id = $1 ORDER BY e.eval_id",
                     {run_id}));
    std::vector<EvalRecord> out;
    for (const SqlRow& row : rows) {
      EvalRecord e;
      e.run_id = run_id;
      INFX_ASSIGN_OR_RETURN(e.eval_id, ParseStoredInt(row[0], "eval_id"));
      e.config_key = row[1].value_or("");
      if (row[2]) {
        INFX_ASSIGN_OR_RETURN(e.point_id, ParseStoredInt(row[2], "point_id"));
      }
      e.task = row[3].value_or("");
      INFX_ASSIGN_OR_RETURN(e.accuracy, ParseStoredDouble(row[4], "accuracy"));
      INFX_ASSIGN_OR_RETURN(e.accuracy_stderr,
                            ParseStoredDouble(row[5], "accuracy_stderr"));
      INFX_ASSIGN_OR_RETURN(e.num_questions,
                            ParseStoredInt(row[6], "num_questions"));
      INFX_ASSIGN_OR_RETURN(e.outcomes, LoadJson(row[7], "eval outcomes"));
      e.recorded_at = row[8].value_or("");
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<int64_t> InsertCalibrationFit(
      const CalibrationFitRecord& fit) override {
    return InTransaction<int64_t>([&]() -> Result<int64_t> {
      INFX_RETURN_IF_ERROR(GetRun(fit.run_id).status());
      INFX_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "INSERT INTO calibration_fits (run_id, hardware, "
              "engine, engine_version, fit_json, recorded_at) VALUES "
              "($1, $2, $3, $4, $5, $6) RETURNING fit_id",
              {fit.run_id, fit.hardware, fit.engine, fit.engine_version,
               DumpJson(fit.fit), NowUtcIso8601()}));
      return ParseStoredInt(rows.at(0).at(0), "fit_id");
    });
  }

  Result<std::vector<CalibrationFitRecord>> ListCalibrationFits(
      int64_t run_id) override {
    const std::string select =
        "SELECT fit_id, run_id, hardware, engine, engine_version, fit_json, "
        "recorded_at FROM calibration_fits ";
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        run_id == 0 ? conn_->Query(select + "ORDER BY fit_id", {})
                    : conn_->Query(select + "WHERE run_id = $1 ORDER BY fit_id",
                                   {run_id}));
    std::vector<CalibrationFitRecord> out;
    for (const SqlRow& row : rows) {
      CalibrationFitRecord f;
      INFX_ASSIGN_OR_RETURN(f.fit_id, ParseStoredInt(row[0], "fit_id"));
      INFX_ASSIGN_OR_RETURN(f.run_id, ParseStoredInt(row[1], "run_id"));
      f.hardware = row[2].value_or("");
      f.engine = row[3].value_or("");
      f.engine_version = row[4].value_or("");
      INFX_ASSIGN_OR_RETURN(f.fit, LoadJson(row[5], "calibration fit"));
      f.recorded_at = row[6].value_or("");
      out.push_back(std::move(f));
    }
    return out;
  }

 private:
  // Points matching `where` (over aliases p and c) with one parameter $1.
  Result<std::vector<PointRecord>> QueryPoints(const std::string& where,
                                               SqlValue param) {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query(fmt::format("SELECT {} FROM points p JOIN configs c ON "
                                 "p.config_id = c.config_id WHERE {}",
                                 PointSelectList(), where),
                     {std::move(param)}));
    std::vector<PointRecord> out;
    out.reserve(rows.size());
    for (const SqlRow& row : rows) {
      INFX_ASSIGN_OR_RETURN(PointRecord p, ParsePointRow(row));
      out.push_back(std::move(p));
    }
    return out;
  }

  // Runs `body` between Begin and Commit; rolls back on any error.
  template <typename T, typename F>
  Result<T> InTransaction(F&& body) {
    INFX_RETURN_IF_ERROR(conn_->Begin());
    Result<T> result = body();
    if (!result.ok()) {
      conn_->Rollback();
      return result;
    }
    Status committed = conn_->Commit();
    if (!committed.ok()) {
      conn_->Rollback();
      return committed;
    }
    return result;
  }

  Status UnknownRun(int64_t run_id) const {
    return Status::NotFound(
        fmt::format("{}: no run with id {}", Describe(), run_id));
  }

  Status CheckRunExists(int64_t run_id) {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT 1 FROM runs WHERE run_id = $1", {run_id}));
    return rows.empty() ? UnknownRun(run_id) : Status::Ok();
  }

  Result<int64_t> FindConfigId(int64_t run_id, const std::string& key) {
    INFX_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT config_id FROM configs WHERE run_id = "
                                "$1 AND config_key = $2",
                                {run_id, key}));
    if (rows.empty()) {
      return Status::NotFound(
          fmt::format("{}: run {} has no config '{}' (UpsertConfig it first)",
                      Describe(), run_id, key));
    }
    return ParseStoredInt(rows[0][0], "config_id");
  }

  Result<std::vector<RunRecord>> SelectRuns(const std::string& tail,
                                            const std::vector<SqlValue>& args) {
    INFX_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT run_id, matrix_text, infx_version, git_sha, host, "
                     "started_at, finished_at, status, matrix_name, "
                     "matrix_hash, provenance_json, labels_json FROM runs " +
                         tail,
                     args));
    std::vector<RunRecord> out;
    for (const SqlRow& row : rows) {
      RunRecord r;
      INFX_ASSIGN_OR_RETURN(r.run_id, ParseStoredInt(row[0], "run_id"));
      r.matrix_text = row[1].value_or("");
      r.infx_version = row[2].value_or("");
      r.git_sha = row[3].value_or("");
      r.host = row[4].value_or("");
      r.started_at = row[5].value_or("");
      r.finished_at = row[6].value_or("");
      r.status = row[7].value_or("");
      r.matrix_name = row[8].value_or("");
      r.matrix_hash = row[9].value_or("");
      INFX_ASSIGN_OR_RETURN(r.provenance, LoadJson(row[10], "run provenance"));
      if (!r.provenance.is_object()) r.provenance = nlohmann::json::object();
      INFX_ASSIGN_OR_RETURN(r.labels, LoadLabels(row[11]));
      out.push_back(std::move(r));
    }
    return out;
  }

  std::unique_ptr<SqlConnection> conn_;
};

}  // namespace

std::string NowUtcIso8601() {
  const std::time_t now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

Result<std::unique_ptr<ResultsStore>> MakeSqlResultsStore(
    std::unique_ptr<SqlConnection> conn, bool migrate) {
  if (migrate) INFX_RETURN_IF_ERROR(EnsureSchema(*conn));
  return std::unique_ptr<ResultsStore>(
      std::make_unique<SqlResultsStore>(std::move(conn)));
}

}  // namespace infx::store
