#include "living/compare_store.h"

#include <fmt/format.h>

#include "living/accuracy_compare.h"

namespace infx::living {
namespace {

Result<store::RunRecord> GetRunNamed(store::ResultsStore& store, int64_t id,
                                     std::string_view flag) {
  auto run = store.GetRun(id);
  if (!run.ok()) {
    if (run.status().code() == ErrorCode::kNotFound) {
      return Status::NotFound(fmt::format("{}: unknown run id {} in {}", flag,
                                          id, store.Describe()));
    }
    return run.status();
  }
  return run;
}

// The run to compare against: the newest run before `current` with the
// same matrix, else the newest run before it.
Result<store::RunRecord> DefaultBaseline(
    const std::vector<store::RunRecord>& newest_first,
    const store::RunRecord& current, const std::string& where) {
  const store::RunRecord* fallback = nullptr;
  for (const auto& r : newest_first) {
    if (r.run_id >= current.run_id) continue;
    if (SameMatrix(r, current)) return r;
    if (!fallback) fallback = &r;
  }
  if (fallback) return *fallback;
  return Status::FailedPrecondition(fmt::format(
      "{} has no history: run {} is its only run before run {} (nothing to "
      "compare against; pass --baseline)",
      where, current.run_id, current.run_id));
}

}  // namespace

bool SameMatrix(const store::RunRecord& a, const store::RunRecord& b) {
  if (!a.matrix_name.empty() || !b.matrix_name.empty()) {
    return a.matrix_name == b.matrix_name;
  }
  if (!a.matrix_hash.empty() || !b.matrix_hash.empty()) {
    return a.matrix_hash == b.matrix_hash;
  }
  return a.matrix_text == b.matrix_text;
}

std::vector<int64_t> NoiseHistoryRuns(
    const std::vector<store::RunRecord>& newest_first,
    const store::RunRecord& baseline, int64_t current_run_id, size_t max_runs) {
  std::vector<int64_t> ids;
  for (const auto& r : newest_first) {
    if (ids.size() >= max_runs) break;
    if (r.run_id >= baseline.run_id || r.run_id == current_run_id ||
        !SameMatrix(r, baseline) || r.status == store::kRunRunning) {
      continue;
    }
    ids.push_back(r.run_id);
  }
  return ids;
}

Result<Comparison> CompareStoredRuns(store::ResultsStore& store,
                                     const CompareRequest& request) {
  INFX_ASSIGN_OR_RETURN(auto runs, store.ListRuns());
  if (runs.empty()) {
    return Status::NotFound(fmt::format(
        "{} has no runs (run `infx sweep` first)", store.Describe()));
  }
  store::RunRecord current = runs.front();
  if (request.current_run != 0) {
    INFX_ASSIGN_OR_RETURN(current,
                          GetRunNamed(store, request.current_run, "--run"));
  }
  store::RunRecord baseline;
  if (request.baseline_run != 0) {
    INFX_ASSIGN_OR_RETURN(
        baseline, GetRunNamed(store, request.baseline_run, "--baseline"));
  } else {
    INFX_ASSIGN_OR_RETURN(baseline,
                          DefaultBaseline(runs, current, store.Describe()));
  }
  INFX_ASSIGN_OR_RETURN(
      RunSamples a, LoadRunSamples(store, baseline.run_id, request.iso_levels));
  INFX_ASSIGN_OR_RETURN(
      RunSamples b, LoadRunSamples(store, current.run_id, request.iso_levels));
  NoiseHistory history;
  for (int64_t id :
       NoiseHistoryRuns(runs, baseline, current.run_id, request.history_runs)) {
    INFX_ASSIGN_OR_RETURN(RunSamples past,
                          LoadRunSamples(store, id, request.iso_levels));
    AddToHistory(past, &history);
  }
  INFX_ASSIGN_OR_RETURN(Comparison c,
                        CompareRuns(a, b, history, request.options));
  INFX_ASSIGN_OR_RETURN(auto evals_a, store.ListEvals(baseline.run_id));
  INFX_ASSIGN_OR_RETURN(auto evals_b, store.ListEvals(current.run_id));
  c.accuracy = CompareAccuracy(evals_a, evals_b, request.options.alpha);
  return c;
}

}  // namespace infx::living
