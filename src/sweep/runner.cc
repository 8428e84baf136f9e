#include "sweep/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "bench/runner.h"
#include "living/provenance.h"
#include "living/series_key.h"
#include "sweep/cache_hygiene.h"
#include "sweep/engine_build.h"
#include "sweep/launch_target.h"
#include "sweep/point_record.h"
#include "sweep/point_telemetry.h"
#include "sweep/predict.h"
#include "sweep/progress.h"
#include "sweep/redact.h"
#include "sweep/sweep_evals.h"

namespace infx::sweep {
namespace {

std::string PointLabel(const Matrix& m, const Point& p) {
  std::string label =
      fmt::format("{} {} c={}", m.configs[p.config_index].Key(),
                  m.workloads[p.workload_index].Label(), p.concurrency);
  if (m.repetitions > 1) label += fmt::format(" rep {}", p.repetition);
  return label;
}

Result<bench::BenchConfig> MakeBenchConfig(const SweepOptions& options,
                                           const Point& p,
                                           const TargetEndpoint& ep) {
  const Matrix& m = options.matrix;
  const Workload& w = m.workloads[p.workload_index];
  bench::BenchConfig b;
  b.client.base_url = ep.base_url;
  b.client.model = ep.served_model;
  INFX_ASSIGN_OR_RETURN(b.client.endpoint, bench::ParseEndpoint(m.endpoint));
  b.dataset.name = "random";
  b.dataset.input_len = w.isl;
  b.dataset.output_len = w.osl;
  b.dataset.range_ratio = w.range_ratio;
  if (w.dataset != "random") {  // trace / session replay
    b.dataset.name = w.dataset;
    b.dataset.path = w.dataset_path;
    b.dataset.output_len = 0;  // the trace's lengths
    b.dataset.trace_speedup = w.trace_speedup;
    b.dataset.trace_timestamps = w.trace_timestamps;
    b.dataset.hash_block_size = w.hash_block_size;
  }
  b.sampling.ignore_eos = true;  // as InferenceX's benchmark client
  b.num_prompts = p.num_prompts;
  b.max_concurrency = p.concurrency;
  b.request_rate = std::numeric_limits<double>::infinity();
  b.warmup = m.warmup_requests;
  b.seed = PointSeed(m, p);
  b.duration_s = m.point_timeout_s;
  b.metrics.num_gpus = m.configs[p.config_index].gpus();
  b.metrics.percentiles = {50, 90, 95, 99};
  b.cancel = options.cancel;
  return b;
}

bool Cancelled(const SweepOptions& o) { return o.cancel && o.cancel->load(); }

Status UpsertConfig(const SweepOptions& options, int config_index,
                    const TargetEndpoint* ep, store::ResultsStore& store,
                    int64_t run_id);

// "timeout 3, http_status 9" (ErrorKindName -> count), "unknown" if none.
std::string FailureKinds(const metrics::BenchMetrics& m) {
  std::string out;
  for (const auto& [kind, count] : m.failures_by_kind) {
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", kind, count);
  }
  return out.empty() ? "unknown" : out;
}

// Stores one measured point (replacing a point stored as failed when
// options.retry_failed).
Status StorePoint(const SweepOptions& options, const Point& p,
                  const store::ConfigRecord& identity,
                  const bench::MeasuredPoint& measured,
                  const CacheHygiene& hygiene, store::ResultsStore& store,
                  int64_t run_id) {
  store::PointRecord record =
      MakePointRecord(options.matrix, p, identity, measured.result, run_id);
  AddPointTelemetry(measured, &record);  // sets metrics_json
  record.metrics_json["cache_hygiene"] = hygiene.ToJson();
  if (options.retry_failed) {
    INFX_RETURN_IF_ERROR(store.DeleteFailedPoint(record.key).status());
  }
  return store.InsertPoint(record).status();
}

// Runs and stores the points of one config (already up on `ep`).
void RunConfigPoints(const SweepOptions& options,
                     const std::vector<Point>& points, TargetEndpoint& ep,
                     store::ResultsStore& store, int64_t run_id,
                     Progress& progress, SweepSummary& summary) {
  const Matrix& m = options.matrix;
  // The config as series keys see it (one config per call).
  store::ConfigRecord identity;
  if (!points.empty()) {
    identity.config_key = m.configs[points.front().config_index].Key();
    identity.details = ConfigDetails(m, points.front().config_index);
  }
  CacheHygienist hygienist;  // the config's server
  for (const Point& p : points) {
    if (Cancelled(options)) return;
    const Workload& w = m.workloads[p.workload_index];
    const std::string key = m.configs[p.config_index].Key();
    progress.Start(PointLabel(m, p),
                   Progress::Work(p.num_prompts, p.concurrency, w.isl, w.osl));
    auto fail = [&](const std::string& why) {
      ++summary.points_failed;
      summary.failures.push_back(
          {key, fmt::format("c={} {}: {}", p.concurrency, w.Label(), why)});
      progress.Done(why, false);
    };
    auto config = MakeBenchConfig(options, p, ep);
    if (!config.ok()) {
      fail(config.status().message());
      continue;
    }
    const CacheHygiene hygiene =
        hygienist.BeforePoint(m.target.kind == TargetKind::kEmulator
                                  ? "emulator"
                                  : m.configs[p.config_index].engine,
                              ep.base_url, p.workload_index, PointSeed(m, p));
    if (hygiene.action == "warned" && options.progress) {
      *options.progress << "warning: " << PointLabel(m, p) << ": "
                        << hygiene.detail << "\n";
    }
    auto measured = bench::RunBenchmarkWithTelemetry(
        *config, PointTelemetryOptions(options.telemetry, m,
                                       m.configs[p.config_index], ep));
    if (!measured.ok()) {
      fail(measured.status().message());
      continue;
    }
    const bench::BenchResult* result = &measured->result;
    if (result->cancelled) {
      fail("interrupted (not stored)");
      return;
    }
    const auto& bm = result->metrics;
    if (ep.engine_version_source.empty()) {
      // No /version or /props: llama.cpp names its build in the chunks.
      EngineBuild build = BuildFromRecords(result->records);
      if (build.known()) {
        ep.engine_version = build.version;
        ep.engine_version_source = build.source;
        (void)UpsertConfig(options, p.config_index, &ep, store, run_id);
      }
    }
    if (Status stored =
            StorePoint(options, p, identity, *measured, hygiene, store, run_id);
        !stored.ok()) {
      fail("store: " + stored.message());
      continue;
    }
    if (bm.completed == 0) {
      // Stored (the frontier skips it, the report shows it as failed);
      // --resume measures it again only with --retry-failed.
      ++summary.points_failed_stored;
      fail(fmt::format("no request succeeded ({} failed: {}; stored as failed)",
                       bm.failed, FailureKinds(bm)));
      continue;
    }
    ++summary.points_measured;
    progress.Done(
        fmt::format(
            "{:.0f} tok/s/GPU, {:.1f} tok/s/user{}{}",
            bm.total_token_throughput_per_gpu, bm.interactivity.median,
            bm.failed ? fmt::format(", {} failed", bm.failed) : "",
            result->validity.valid
                ? ""
                : ", INVALID: " +
                      fmt::format("{}",
                                  fmt::join(result->validity.reasons, "; "))),
        true);
  }
}

Status UpsertConfig(const SweepOptions& options, int config_index,
                    const TargetEndpoint* ep, store::ResultsStore& store,
                    int64_t run_id) {
  const ServingConfig& c = options.matrix.configs[config_index];
  store::ConfigRecord rec;
  rec.run_id = run_id;
  rec.config_key = c.Key();
  rec.hardware = c.hardware;
  rec.num_gpus = c.gpus();
  rec.details = ConfigDetails(options.matrix, config_index);
  rec.canary = c.canary;
  if (options.matrix.eval.num_questions > 0) {
    // Read back by frontier/accuracy.h to judge the config's evals.
    rec.details["eval_min_score"] = options.matrix.EvalMinScore(c);
  }
  if (ep) {
    rec.details["engine_version"] = ep->engine_version;
    rec.engine_version = ep->engine_version;
    rec.details["engine_version_source"] = ep->engine_version_source;
    if (!ep->command.empty()) rec.details["launch_command"] = ep->command;
    if (!ep->log_path.empty()) rec.details["engine_log"] = ep->log_path;
    if (!ep->emulated_engine.empty()) {
      rec.details["emulator_calibration"] = ep->emulated_engine;
    }
  }
  if (options.predict) {
    auto predicted = PredictConfigPoints(options.matrix, config_index);
    if (predicted.ok()) {
      rec.details["predicted_points"] = *predicted;
    } else {
      rec.details["prediction_error"] = predicted.status().message();
    }
  }
  return store.UpsertConfig(rec).status();
}

// Groups point indices by config, configs in order of first appearance.
std::vector<std::pair<int, std::vector<Point>>> GroupByConfig(
    const std::vector<Point>& points) {
  std::vector<std::pair<int, std::vector<Point>>> groups;
  std::map<int, size_t> index;
  for (const Point& p : points) {
    auto [it, added] = index.try_emplace(p.config_index, groups.size());
    if (added) groups.push_back({p.config_index, {}});
    groups[it->second].second.push_back(p);
  }
  return groups;
}

// Points of `points` still to measure, and their progress work.
struct Todo {
  std::vector<Point> points;
  double work = 0;
};

Result<Todo> PointsToRun(const SweepOptions& options,
                         const std::vector<Point>& points,
                         store::ResultsStore& store, int64_t run_id,
                         SweepSummary& summary) {
  const Matrix& m = options.matrix;
  // Keys of points stored with zero completions (failed points).
  std::vector<store::PointKey> failed;
  if (options.resume || options.retry_failed) {
    INFX_ASSIGN_OR_RETURN(auto stored, store.ListPoints(run_id));
    for (const auto& p : stored) {
      if (p.metrics.completed == 0) failed.push_back(p.key);
    }
  }
  Todo todo;
  for (const Point& p : points) {
    const store::PointKey key = MakePointKey(m, p, run_id);
    INFX_ASSIGN_OR_RETURN(bool have, store.HasPoint(key));
    const bool was_failed =
        have && std::find(failed.begin(), failed.end(), key) != failed.end();
    if (have && !(was_failed && options.retry_failed)) {
      ++summary.points_resumed;
      if (was_failed) ++summary.points_resumed_failed;
      continue;
    }
    const Workload& w = m.workloads[p.workload_index];
    todo.work += Progress::Work(p.num_prompts, p.concurrency, w.isl, w.osl);
    todo.points.push_back(p);
  }
  return todo;
}

// Step 2 of RunPoints for one config: target up, points, evals, down.
Status RunConfig(const SweepOptions& options, int config_index,
                 const std::vector<Point>& group, ServingTarget& target,
                 store::ResultsStore& store, int64_t run_id, Progress& progress,
                 SweepSummary& summary) {
  const Matrix& m = options.matrix;
  const ServingConfig& c = m.configs[config_index];
  auto skip = [&](const std::string& why) {
    summary.points_failed += static_cast<int>(group.size());
    summary.failures.push_back({c.Key(), "config: " + why});
    progress.Note(fmt::format("config {} skipped: {}", c.Key(), why));
    return Status::Ok();
  };
  if (std::string why = target.Unsupported(c); !why.empty()) return skip(why);
  progress.Note(
      fmt::format("config {} ({} GPUs): starting target", c.Key(), c.gpus()));
  auto ep = target.Start(c, config_index);
  if (!ep.ok()) return skip(ep.status().message());
  Status upserted = UpsertConfig(options, config_index, &*ep, store, run_id);
  if (!upserted.ok()) {
    target.Stop();
    return upserted;
  }
  RunConfigPoints(options, group, *ep, store, run_id, progress, summary);
  // Evals of this config while it is up (not for --plan rounds, whose
  // points are not final; the closing pass runs those).
  if (options.finish_run && !Cancelled(options)) {
    auto pending = PendingEvals(m, store, run_id, config_index, false);
    if (pending.ok()) {
      RunEvals(options, *pending, *ep, store, run_id, progress, summary);
    } else {
      ++summary.evals_failed;
      summary.failures.push_back(
          {c.Key(), "evals: " + pending.status().message()});
    }
  }
  target.Stop();
  return Status::Ok();
}

}  // namespace

std::string StoredMatrixText(const SweepOptions& options) {
  const LaunchSpec& launch = options.matrix.target.launch;
  std::vector<std::string> secrets = SecretValues(launch.version_command);
  for (const auto& [engine, command] : launch.commands) {
    for (auto& v : SecretValues(command)) secrets.push_back(std::move(v));
  }
  return RedactValues(options.matrix_text, secrets);
}

Result<int64_t> OpenRun(const SweepOptions& options,
                        store::ResultsStore& store) {
  if (!options.resume) {
    store::NewRun run;
    run.matrix_text = StoredMatrixText(options);
    run.infx_version = options.infx_version;
    run.git_sha = options.git_sha;
    char host[256] = {0};
    if (gethostname(host, sizeof(host) - 1) == 0) run.host = host;
    run.matrix_name = options.matrix.name;
    run.matrix_hash = living::Sha256Digest(options.matrix_text);
    run.provenance = options.host_provenance ? *options.host_provenance
                                             : living::CollectHostProvenance();
    run.labels = options.labels;
    return store.CreateRun(run);
  }
  store::RunRecord run;
  if (options.resume_run_id > 0) {
    INFX_ASSIGN_OR_RETURN(run, store.GetRun(options.resume_run_id));
  } else {
    auto latest = store.LatestRun();
    if (!latest.ok()) {
      return Status::NotFound(
          fmt::format("--resume: {} has no run to resume", store.Describe()));
    }
    run = *latest;
  }
  if (run.matrix_text != StoredMatrixText(options)) {
    return Status::FailedPrecondition(fmt::format(
        "--resume: run {} in {} was started from a different matrix; pass "
        "the same matrix file (or --run ID of the matching run)",
        run.run_id, store.Describe()));
  }
  return run.run_id;
}

Result<SweepSummary> RunPoints(const SweepOptions& options,
                               const std::vector<Point>& points,
                               ServingTarget& target,
                               store::ResultsStore& store, int64_t run_id) {
  SweepSummary summary;
  summary.run_id = run_id;
  summary.points_planned = static_cast<int>(points.size());
  // Step 1: drop points already stored (resume).
  INFX_ASSIGN_OR_RETURN(Todo todo,
                        PointsToRun(options, points, store, run_id, summary));
  Progress progress(options.progress, options.progress_is_tty,
                    static_cast<int>(todo.points.size()), todo.work);
  if (summary.points_resumed > 0) {
    progress.Note(fmt::format(
        "resuming run {}: {} of {} points already stored{}", run_id,
        summary.points_resumed, points.size(),
        summary.points_resumed_failed > 0
            ? fmt::format(" ({} stored as failed; --retry-failed measures "
                          "them again)",
                          summary.points_resumed_failed)
            : ""));
  }
  // Step 2: per config, bring the target up, run its points, tear down.
  for (const auto& [config_index, group] : GroupByConfig(todo.points)) {
    if (Cancelled(options)) break;
    INFX_RETURN_IF_ERROR(RunConfig(options, config_index, group, target, store,
                                   run_id, progress, summary));
  }
  // Step 3: evals the run still lacks (frontier points, resumed configs).
  if (options.finish_run) {
    RunPendingEvals(options, target, store, run_id, progress, summary);
  }
  progress.Finish();
  // Step 4: close the run.
  summary.interrupted = Cancelled(options);
  summary.elapsed_s = progress.elapsed_s();
  const bool nothing = summary.points_measured == 0 &&
                       summary.points_resumed == 0 && !points.empty();
  INFX_RETURN_IF_ERROR(
      store.FinishRun(run_id, summary.interrupted ? store::kRunInterrupted
                              : nothing           ? store::kRunFailed
                                                  : store::kRunCompleted));
  return summary;
}

}  // namespace infx::sweep
