// The sweep runner: the main job of `infx sweep`. For each config of a
// matrix it brings up the target (sweep/target.h), runs every remaining
// point through the load generator (bench::RunBenchmark) and stores each
// point in the results store the moment it completes (one transaction per
// point), then tears the target down. `--resume` continues a run without
// repeating or losing a point: points already stored are skipped
// (store::ResultsStore::HasPoint), and the point in flight at a kill -9 is
// the only one measured again. A config whose target fails to start is
// reported and skipped; the sweep goes on with the next one.
//
// A point where no request succeeded is stored all the same, with zero
// completions and its failures by kind (metrics_json.failures_by_kind):
// the frontier leaves it out, the report shows it as failed, and a resumed
// sweep measures it again only with `retry_failed`. The point interrupted
// by Ctrl-C is not stored (a resumed sweep measures it again).
//
// Thread-safety: RunSweep runs on the calling thread; `cancel` may be set
// from any thread or a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/point_record.h"
#include "sweep/target.h"
#include "telemetry/session.h"

namespace infx::sweep {

struct SweepOptions {
  Matrix matrix;
  std::string matrix_text;  // stored with the run; identifies it on resume
  // Resume: continue run `resume_run_id`, or when 0 the latest run whose
  // matrix text equals matrix_text.
  bool resume = false;
  int64_t resume_run_id = 0;
  // Measure again the points stored as failed (zero completions).
  bool retry_failed = false;
  std::string infx_version;
  std::string git_sha;
  // Free-form run labels (`--label key=value`), stored with the run.
  store::Labels labels;
  // Host provenance (driver, CUDA) stored with a new run; nullopt = ask
  // the host (living::CollectHostProvenance).
  std::optional<nlohmann::json> host_provenance;
  // Predicted points (perf serving model) stored with each config for the
  // report; needs the model and hardware to be known to the catalogs.
  bool predict = true;
  // Human progress (one line per point, or a live line on a terminal).
  std::ostream* progress = nullptr;
  bool progress_is_tty = false;
  std::atomic<bool>* cancel = nullptr;
  // Server telemetry and GPU power per point (sweep/point_telemetry.h,
  // docs/telemetry.md); off unless telemetry.enabled (`infx sweep` turns
  // it on; --no-scrape, --power-source none).
  telemetry::TelemetryOptions telemetry;
  // RunPoints marks the run finished at its end (false: the caller will,
  // e.g. between refinement rounds of --plan).
  bool finish_run = true;
};

struct PointFailure {
  std::string config_key;
  // "c=64 1024/1024: <reason>", "config: <reason>" or "eval c=64: <reason>"
  std::string what;
};

// One eval run by a sweep invocation (sweep/sweep_evals.h).
struct EvalResultLine {
  std::string config_key;
  int concurrency = 0;
  std::string task;
  double strict_match = 0, strict_match_stderr = 0;
  double flexible_extract = 0, flexible_extract_stderr = 0;
  int64_t num_questions = 0;
  double min_score = 0;  // Matrix::EvalMinScore of the config
  bool pass = true;      // both filters >= min_score
};

struct SweepSummary {
  int64_t run_id = 0;
  int points_planned = 0;             // points of the matrix (after planning)
  int points_measured = 0;            // stored by this invocation
  int points_resumed = 0;             // already stored, skipped
  int points_failed = 0;              // failed: not stored, or stored as failed
  int points_failed_stored = 0;       // of points_failed: stored as failed
  int points_resumed_failed = 0;      // of points_resumed: stored as failed
  std::vector<EvalResultLine> evals;  // evals run (and stored) by this call
  int evals_failed = 0;  // evals that could not run (not stored; --resume)
  std::vector<PointFailure> failures;
  bool interrupted = false;
  double elapsed_s = 0;
  // --plan adaptive / --sla: what the search did (points vs grid,
  // hypervolume reached, dropped configs, SLA boundaries); null otherwise.
  // Schema: docs/matrix.md "`--plan`".
  nlohmann::json search;
  std::vector<std::string> search_notes;  // the same, as human lines
};

// Runs `points` (indices into options.matrix) on `target`, storing into
// `store`, with the matrix's evals (sweep/sweep_evals.h) when
// options.finish_run: each config's right after its points, then the
// closing pass. Finishes the run as completed, interrupted or failed (when
// nothing at all could be measured).
Result<SweepSummary> RunPoints(const SweepOptions& options,
                               const std::vector<Point>& points,
                               ServingTarget& target,
                               store::ResultsStore& store, int64_t run_id);

// options.matrix_text as stored with the run: the secrets written into the
// launch commands (sweep/redact.h) replaced by "***".
std::string StoredMatrixText(const SweepOptions& options);

// Opens or resumes the run for `options` (CreateRun, or the run to resume
// after checking its matrix text matches). Returns the run id.
Result<int64_t> OpenRun(const SweepOptions& options,
                        store::ResultsStore& store);

// MakeTarget for the matrix's target, its engine logs named with run_id.
Result<std::unique_ptr<ServingTarget>> MakeRunTarget(
    const SweepOptions& options, int64_t run_id);

// OpenRun + MakeRunTarget + RunPoints over ExpandPoints(matrix).
Result<SweepSummary> RunSweep(const SweepOptions& options,
                              store::ResultsStore& store);

}  // namespace infx::sweep
