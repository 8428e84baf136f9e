// ResultsStore: where sweeps keep runs, configs, measured points and eval
// results, behind one interface with two backends: an SQLite file (default
// "infx.db", WAL mode; ":memory:" for tests) and PostgreSQL
// ("postgresql://user:pass@host:port/db"). Both share one schema with
// versioned migrations (docs/store.md).
//
// Durability contract: every mutating call is its own transaction, committed
// before it returns, so a kill -9 loses at most the call in flight.
// InsertPoint is idempotent on the point's natural key (PointKey), so a
// resumed sweep never duplicates a point.
//
// Failure modes: opening a file that is not a database, or a database whose
// schema version is newer than this binary knows, fails with a clear Status
// and leaves the stored data untouched. Backend exceptions never escape.
//
// Thread-safety: one ResultsStore object must be used by one thread at a
// time (no internal locking). Separate objects on the same SQLite file or
// PostgreSQL database may be used concurrently (the databases lock).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::store {

// Highest schema version this binary reads and writes.
inline constexpr int kSchemaVersion = 5;

// Run status strings stored in RunRecord::status.
inline constexpr std::string_view kRunRunning = "running";
inline constexpr std::string_view kRunCompleted = "completed";
inline constexpr std::string_view kRunFailed = "failed";
inline constexpr std::string_view kRunInterrupted = "interrupted";

// Free-form run labels (`infx sweep --label key=value`), sorted by key.
using Labels = std::map<std::string, std::string>;

// What the caller supplies to start a run.
struct NewRun {
  std::string matrix_text;   // the matrix YAML (or InferenceX import) as given
  std::string infx_version;  // "0.1.0"
  std::string git_sha;       // short sha of the infx build
  std::string host;          // hostname the sweep ran on
  std::string started_at;    // ISO-8601 UTC; "" = now
  // Schema 2 (provenance, docs/store.md). All optional.
  std::string matrix_name;  // the matrix's `name:`
  std::string matrix_hash;  // "sha256:<hex>" of matrix_text
  // Host-level provenance as flat string attributes, e.g.
  // {"driver_version": "550.54.15", "cuda_version": "12.4", "gpu": "..."}.
  nlohmann::json provenance = nlohmann::json::object();
  Labels labels;
};

struct RunRecord {
  int64_t run_id = 0;
  std::string matrix_text;
  std::string infx_version;
  std::string git_sha;
  std::string host;
  std::string started_at;   // ISO-8601 UTC "2026-11-21T07:04:54Z"
  std::string finished_at;  // "" while running
  std::string status;       // kRunRunning, kRunCompleted, ...
  // Schema 2; "" / {} for runs stored by older infx.
  std::string matrix_name;
  std::string matrix_hash;
  nlohmann::json provenance = nlohmann::json::object();
  Labels labels;
};

// A run with its counts, for listings (`infx runs`).
struct RunSummary {
  RunRecord run;
  int64_t points = 0;   // stored points (every repetition counts)
  int64_t configs = 0;  // stored configs
  // Distinct ConfigRecord::engine_version values of the run, sorted.
  std::vector<std::string> engine_versions;
};

// One serving config measured in a run.
struct ConfigRecord {
  int64_t config_id = 0;  // assigned by the store
  int64_t run_id = 0;
  // Stable, human-readable key unique within a run, e.g.
  // "llama-3.1-8b/h200/bf16/tp2-pp1-ep1". Natural key with run_id.
  std::string config_key;
  std::string hardware;  // hardware::HardwareCatalog name ("h200"); may be ""
  int num_gpus = 1;      // GPUs the config occupies (throughput is per GPU)
  // Free-form details: model, engine, precision, parallelism, launch command.
  // By convention the planner's predictions live under "predicted_points":
  //   [{"concurrency": 64, "tput_per_gpu_total": ..., "tput_per_gpu_output":
  //     ..., "tput_per_gpu_input": ..., "interactivity_tok_s_user": ...,
  //     "median_ttft_ms": ..., "median_e2el_ms": ...}, ...]
  // which the report and frontier draw beside the measured points.
  nlohmann::json details = nlohmann::json::object();
  // Schema 2. The engine as it reported itself ("vllm 0.10.2", the
  // emulator's `target.emulator.version`); "" = unknown. Read back from
  // details["engine_version"] for configs stored before schema 2.
  std::string engine_version;
  // The matrix marked this config `canary: true`: its drift tells an
  // environment change from an engine change (docs/matrix.md).
  bool canary = false;
};

// Natural key of a point: a resumed sweep asks HasPoint(key) before
// measuring and InsertPoint ignores a second insert of the same key.
struct PointKey {
  int64_t run_id = 0;
  std::string config_key;
  int isl = 0;               // input sequence length, tokens
  int osl = 0;               // output sequence length, tokens
  double range_ratio = 1.0;  // random range ratio as in vLLM benchmark_serving
  int concurrency = 0;       // max concurrency; 0 when rate-driven
  double request_rate = 0;   // requests/s; 0 = unlimited / concurrency-driven
  int repetition = 0;        // 0-based repetition index

  bool operator==(const PointKey&) const = default;
};

// Key metric columns (queried and indexed); definitions as in vLLM
// benchmark_serving.py and InferenceX (interactivity = median 1000/TPOT).
// Non-finite values (e.g. TTFT of a point whose requests all failed) are
// stored as NULL and read back as NaN.
// Schema 4: GPU power and energy measured during a point (telemetry,
// docs/telemetry.md): the bench result's power fields as columns, so
// frontiers and the API read them without parsing metrics_json. Figures
// are NaN (NULL) when not measured or not valid.
struct PointPower {
  bool measured = false;  // power was sampled (power_valid column not NULL)
  bool valid = false;     // power_valid: the figures below can be trusted
  std::string invalid_reasons;        // "; "-joined, "" when valid
  std::string source;                 // "nvidia-smi" | "amd-smi" | "dcgm" | ""
  double avg_power_w = kNotMeasured;  // per GPU, mean over GPUs
  double p90_power_w = kNotMeasured;  // largest per-GPU P90
  double total_gpu_energy_j = kNotMeasured;       // all GPUs, over the window
  double joules_per_output_token = kNotMeasured;  // GPU energy / output tok
  double joules_per_total_token = kNotMeasured;   // GPU energy / (in + out)
  // (input + output) tok/s / (GPU power x facility_factor) x 1e6.
  double tokens_per_mw = kNotMeasured;
  double facility_factor = kNotMeasured;  // all-in / GPU board power

  static constexpr double kNotMeasured =
      std::numeric_limits<double>::quiet_NaN();
};
// The power fields of a bench result JSON (power_valid, avg_power_w, ...;
// docs/telemetry.md): measured false when it has no power_valid.
PointPower PointPowerFromResultJson(const nlohmann::json& result);

struct PointMetrics {
  double tput_per_gpu_total = 0;        // (input + output) tok/s / num_gpus
  double tput_per_gpu_output = 0;       // output tok/s / num_gpus
  double tput_per_gpu_input = 0;        // input tok/s / num_gpus
  double interactivity_tok_s_user = 0;  // median per-user output tok/s
  double mean_ttft_ms = 0, median_ttft_ms = 0, p99_ttft_ms = 0;
  double mean_tpot_ms = 0, median_tpot_ms = 0, p99_tpot_ms = 0;
  double mean_itl_ms = 0, median_itl_ms = 0, p99_itl_ms = 0;
  double mean_e2el_ms = 0, median_e2el_ms = 0, p99_e2el_ms = 0;
  double request_throughput_rps = 0;
  int64_t completed = 0;  // successful requests
  int64_t failed = 0;     // failed requests
  double duration_s = 0;  // benchmark wall time
  // Run validity (metrics/validity.h): invalid points are stored, shown
  // flagged, and left off frontiers unless asked for.
  bool valid = true;
  std::string invalid_reasons;  // "; "-joined reasons, "" when valid
  PointPower power;             // schema 4
};

struct PointRecord {
  int64_t point_id = 0;  // assigned by the store
  PointKey key;
  PointMetrics metrics;
  // Every metric of the bench result (the bench module's JSON), verbatim.
  nlohmann::json metrics_json = nlohmann::json::object();
  // Per-request summaries (array of objects, e.g. {"input_tokens", ...,
  // "ttft_ms", "e2el_ms", "ok"}). Stored in a child table; ListPoints leaves
  // this null, GetRequestSummaries loads it.
  nlohmann::json request_summaries;
  std::string recorded_at;  // ISO-8601 UTC, set by the store
  // Schema 2: the series this point belongs to across runs
  // (living/series_key.h); "" for points stored before schema 2, whose key
  // living::LoadRun derives from the config details.
  std::string series_key;
  // Schema 4: the raw /metrics samples of the point (the bench result's
  // server_metrics_raw, docs/telemetry.md), kept in a child table so point
  // listings stay small; ListPoints leaves this null, GetServerMetricsRaw
  // loads it. The summary stays in metrics_json["server_telemetry"].
  nlohmann::json server_metrics_raw;
};

// An accuracy result (lm-eval style) for a whole config or one point.
struct EvalRecord {
  int64_t eval_id = 0;  // assigned by the store
  int64_t run_id = 0;
  std::string config_key;
  std::optional<int64_t> point_id;  // nullopt = config-level result
  std::string task;                 // "gsm8k"
  double accuracy = 0;              // fraction in [0, 1]
  double accuracy_stderr = 0;       // standard error of accuracy
  int64_t num_questions = 0;
  // Per-question outcomes, e.g. [{"index": 3, "correct": true,
  // "extracted": "42"}, ...]; any JSON array.
  nlohmann::json outcomes = nlohmann::json::array();
  std::string recorded_at;  // set by the store
};

// A calibration fitted to a run's points (`infx calibrate`), kept with the
// run so a fitted factor's drift over runs is visible (schema 5).
struct CalibrationFitRecord {
  int64_t fit_id = 0;  // assigned by the store
  int64_t run_id = 0;
  std::string hardware;        // "h200"
  std::string engine;          // "vllm"
  std::string engine_version;  // "" = unknown or several
  // The `infx calibrate --json` document (factors, residuals, errors).
  nlohmann::json fit = nlohmann::json::object();
  std::string recorded_at;  // set by the store
};

class ResultsStore {
 public:
  virtual ~ResultsStore() = default;

  // "sqlite:/path/infx.db" or "postgresql://host/db" (password elided).
  virtual std::string Describe() const = 0;

  // Runs. CreateRun stores status "running" and returns the new run id.
  virtual Result<int64_t> CreateRun(const NewRun& run) = 0;
  // Sets status and finished_at (now). NotFound for an unknown run.
  virtual Status FinishRun(int64_t run_id, std::string_view status) = 0;
  virtual Result<RunRecord> GetRun(int64_t run_id) = 0;
  // Newest first.
  virtual Result<std::vector<RunRecord>> ListRuns() = 0;
  // Newest first, with point/config counts and engine versions (one query
  // per table, not per run).
  virtual Result<std::vector<RunSummary>> ListRunSummaries() = 0;
  // The run with the highest id; NotFound when the store has no runs.
  virtual Result<RunRecord> LatestRun() = 0;

  // Inserts the config, or replaces hardware/num_gpus/details of an existing
  // (run_id, config_key). Returns its config_id. NotFound for unknown run.
  virtual Result<int64_t> UpsertConfig(const ConfigRecord& config) = 0;
  virtual Result<std::vector<ConfigRecord>> ListConfigs(int64_t run_id) = 0;

  // Inserts the point in its own transaction. The config (run_id,
  // config_key) must exist (NotFound otherwise). Returns true when stored,
  // false when a point with the same key already existed (left unchanged).
  virtual Result<bool> InsertPoint(const PointRecord& point) = 0;
  virtual Result<bool> HasPoint(const PointKey& key) = 0;
  // Removes the point with this key (and its request summaries) when it is
  // stored with zero completed requests, so that `sweep --retry-failed`
  // can measure it again. True when a point was removed.
  virtual Result<bool> DeleteFailedPoint(const PointKey& key) = 0;
  // Points of a run ordered by config_key, isl, osl, concurrency, rate,
  // repetition; request_summaries left null.
  virtual Result<std::vector<PointRecord>> ListPoints(int64_t run_id) = 0;
  // Points of every run whose stored series_key is `series_key`, ordered by
  // run_id then repetition (points from before schema 2 have no stored key
  // and are not found here; living::LoadRun derives theirs).
  virtual Result<std::vector<PointRecord>> ListSeriesPoints(
      const std::string& series_key) = 0;
  // Per-request summaries of one point (null JSON when none were stored).
  virtual Result<nlohmann::json> GetRequestSummaries(int64_t point_id) = 0;
  // Raw /metrics samples of one point (null JSON when none were stored).
  virtual Result<nlohmann::json> GetServerMetricsRaw(int64_t point_id) = 0;

  // Evals. Returns the new eval_id.
  virtual Result<int64_t> InsertEval(const EvalRecord& eval) = 0;
  virtual Result<std::vector<EvalRecord>> ListEvals(int64_t run_id) = 0;

  // Calibration fits (schema 5). InsertCalibrationFit returns the new
  // fit_id; NotFound for an unknown run. Stores that keep no fits (result
  // files) say so (FailedPrecondition).
  virtual Result<int64_t> InsertCalibrationFit(
      const CalibrationFitRecord& fit) {
    return Status::FailedPrecondition(
        "this store keeps no calibration fits (run " +
        std::to_string(fit.run_id) + ")");
  }
  // Fits of one run (0 = every run), oldest first.
  virtual Result<std::vector<CalibrationFitRecord>> ListCalibrationFits(
      int64_t run_id) {
    return Status::FailedPrecondition(
        "this store keeps no calibration fits (run " + std::to_string(run_id) +
        ")");
  }
};

// Opens (creating and migrating if needed) a store. "postgresql://..." or
// "postgres://..." selects PostgreSQL; ":memory:" an in-memory SQLite
// database; any other "scheme://" is InvalidArgument; anything else is an
// SQLite file path ("" means "infx.db").
Result<std::unique_ptr<ResultsStore>> OpenResultsStore(
    const std::string& path_or_url);
// As OpenResultsStore, but a missing SQLite file is NotFound instead of
// being created: for commands that add to an existing store (sweep
// --resume).
Result<std::unique_ptr<ResultsStore>> OpenExistingResultsStore(
    const std::string& path_or_url);
// For commands that only read (frontier, report): SQLite is opened
// read-only (never switched to WAL, never given a schema) and PostgreSQL
// sessions are read-only. A database that is not an infx results store is
// FailedPrecondition and left untouched; an infx store with an older schema
// is migrated first (that is the only write).
Result<std::unique_ptr<ResultsStore>> OpenResultsStoreReadOnly(
    const std::string& path_or_url);

// The store location with secrets removed, for messages and output: the
// password of "postgresql://user:pw@host/db" and a "password=" query
// parameter are dropped. Other strings are returned unchanged.
std::string RedactStoreUrl(const std::string& path_or_url);
// `text` with every secret of `url` (its passwords, raw and
// percent-decoded) replaced by "***": for messages from client libraries.
std::string ScrubStoreUrlSecrets(const std::string& text,
                                 const std::string& url);

}  // namespace infx::store
