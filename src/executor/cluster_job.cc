#include "executor/cluster_job.h"

#include <fmt/format.h>

#include <chrono>

#include "executor/job_scripts.h"
#include "executor/result_file.h"
#include "sweep/target.h"

namespace infx::executor {
namespace {

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Records when the target is up (the first request follows at once), for
// the controller's submit-to-first-request overhead.
class TimedTarget : public sweep::ServingTarget {
 public:
  TimedTarget(sweep::ServingTarget& inner, ResultFileStore& file)
      : inner_(inner), file_(file) {}
  Result<sweep::TargetEndpoint> Start(const sweep::ServingConfig& c,
                                      int index) override {
    auto ep = inner_.Start(c, index);
    if (ep.ok()) (void)file_.AppendReady(UnixMs());
    return ep;
  }
  void Stop() override { inner_.Stop(); }
  std::string Unsupported(const sweep::ServingConfig& c) const override {
    return inner_.Unsupported(c);
  }

 private:
  sweep::ServingTarget& inner_;
  ResultFileStore& file_;
};

// The inner store of the job and the run id to write into.
Result<std::pair<std::unique_ptr<store::ResultsStore>, int64_t>> OpenInner(
    const ClusterJobOptions& o, const std::string& result_path) {
  if (!o.store_url.empty()) {
    INFX_ASSIGN_OR_RETURN(auto pg, store::OpenResultsStore(o.store_url));
    INFX_RETURN_IF_ERROR(pg->GetRun(o.run_id).status());
    return std::make_pair(std::move(pg), o.run_id);
  }
  // SQLite on the controller: an in-memory store holding what earlier
  // attempts of this config wrote, so that their points are skipped.
  INFX_ASSIGN_OR_RETURN(auto mem, store::OpenResultsStore(":memory:"));
  INFX_ASSIGN_OR_RETURN(int64_t run, mem->CreateRun(store::NewRun{}));
  int64_t offset = 0;
  INFX_ASSIGN_OR_RETURN(std::string earlier,
                        ReadCompleteLines(result_path, &offset));
  INFX_RETURN_IF_ERROR(IngestResultLines(earlier, *mem, run).status());
  return std::make_pair(std::move(mem), run);
}

}  // namespace

Result<sweep::Matrix> SingleConfigMatrix(const sweep::Matrix& m, int index) {
  if (index < 0 || index >= static_cast<int>(m.configs.size())) {
    return Status::InvalidArgument(
        fmt::format("--config {}: the matrix has {} configs (0..{})", index,
                    m.configs.size(), static_cast<int>(m.configs.size()) - 1));
  }
  sweep::Matrix one = m;
  one.configs = {m.configs[index]};
  if (!m.config_concurrencies.empty()) {
    one.config_concurrencies = {m.config_concurrencies[index]};
  }
  one.explicit_points.clear();
  for (sweep::Point p : m.explicit_points) {
    if (p.config_index != index) continue;
    p.config_index = 0;
    one.explicit_points.push_back(p);
  }
  return one;
}

Result<sweep::SweepSummary> RunClusterJob(const ClusterJobOptions& o) {
  INFX_ASSIGN_OR_RETURN(sweep::Matrix full,
                        sweep::LoadMatrixFile(o.matrix_path));
  full.hardware_file = o.hardware_file;
  if (!o.url.empty()) {
    full.target.kind = sweep::TargetKind::kUrl;
    full.target.url = o.url;
  }
  INFX_ASSIGN_OR_RETURN(sweep::Matrix m,
                        SingleConfigMatrix(full, o.config_index));
  const std::string path = ConfigResultPath(o.run_dir, o.config_index);
  INFX_ASSIGN_OR_RETURN(auto inner, OpenInner(o, path));
  const int64_t run_id = inner.second;
  INFX_ASSIGN_OR_RETURN(auto file,
                        ResultFileStore::Open(std::move(inner.first), path));
  const std::string key = m.configs[0].Key();
  sweep::TargetSpec spec = m.target;
  spec.launch.run_id = run_id;  // engine logs named per run
  spec.hardware_file = m.hardware_file;
  auto target = sweep::MakeTarget(spec, m.seed, o.cancel);
  if (!target.ok()) {
    (void)file->AppendFailure(key, "config: " + target.status().message());
    (void)file->AppendEnd(false, 0, 0);
    return target.status();
  }
  TimedTarget timed(**target, *file);
  sweep::SweepOptions so;
  so.matrix = m;
  so.progress = o.progress;
  so.progress_is_tty = o.progress_is_tty;
  so.cancel = o.cancel;
  auto summary =
      sweep::RunPoints(so, sweep::ExpandPoints(m), timed, *file, run_id);
  if (!summary.ok()) {
    (void)file->AppendFailure(key, summary.status().message());
    (void)file->AppendEnd(false, 0, 0);
    return summary.status();
  }
  for (const auto& f : summary->failures) {
    INFX_RETURN_IF_ERROR(file->AppendFailure(f.config_key, f.what));
  }
  const bool ok = summary->points_failed == 0 && summary->evals_failed == 0 &&
                  !summary->interrupted;
  INFX_RETURN_IF_ERROR(
      file->AppendEnd(ok, summary->points_measured, summary->points_failed));
  return summary;
}

}  // namespace infx::executor
