#include "sweep/sweep_evals.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "eval/runner.h"
#include "frontier/analysis.h"

namespace infx::sweep {
namespace {

bool Cancelled(const SweepOptions& o) { return o.cancel && o.cancel->load(); }

// (config key, concurrency) -> the first stored point there (ListPoints
// order: workload, then repetition).
using PointIndex = std::map<std::pair<std::string, int>, int64_t>;

PointIndex IndexPoints(const std::vector<store::PointRecord>& points) {
  PointIndex index;
  for (const auto& p : points) {
    if (p.metrics.completed <= 0) continue;
    index.try_emplace({p.key.config_key, p.key.concurrency}, p.point_id);
  }
  return index;
}

// (config key, concurrency) of the stored evals of `task`.
std::set<std::pair<std::string, int>> StoredEvals(
    const std::vector<store::EvalRecord>& evals,
    const std::vector<store::PointRecord>& points, const std::string& task) {
  std::map<int64_t, int> concurrency_of;
  for (const auto& p : points) concurrency_of[p.point_id] = p.key.concurrency;
  std::set<std::pair<std::string, int>> done;
  for (const auto& e : evals) {
    if (e.task != task || !e.point_id) continue;
    auto it = concurrency_of.find(*e.point_id);
    if (it != concurrency_of.end()) done.insert({e.config_key, it->second});
  }
  return done;
}

// Frontier mode: (config key, concurrency) -> point id of every frontier
// point, as `infx sweep` prints the frontier.
std::map<std::pair<std::string, int>, int64_t> FrontierPoints(
    const std::vector<store::ConfigRecord>& configs,
    const std::vector<store::PointRecord>& points, int64_t run_id) {
  std::map<std::pair<std::string, int>, int64_t> out;
  const auto analysis = frontier::AnalyzePoints(
      run_id, configs, points, frontier::AnalysisOptions{}, {});
  for (const auto& s : analysis.scenarios) {
    for (const auto& p : s.frontier) {
      out.try_emplace({p.config_key, static_cast<int>(p.concurrency)},
                      p.point_id);
    }
  }
  return out;
}

}  // namespace

std::vector<int> SelectEvalConcurrencies(const EvalSpec& spec,
                                         std::vector<int> measured) {
  std::sort(measured.begin(), measured.end());
  measured.erase(std::unique(measured.begin(), measured.end()), measured.end());
  std::erase_if(measured, [&](int c) { return c < spec.min_concurrency; });
  if (measured.empty()) return {};
  const int highest = measured.back();
  const int median = measured[measured.size() / 2];
  std::vector<int> out;
  switch (spec.points) {
    case EvalPoints::kHighest:
      out = {highest};
      break;
    case EvalPoints::kMedian:
      out = {median};
      break;
    case EvalPoints::kHighestAndMedian:
      out = {median, highest};
      break;
    case EvalPoints::kAll:
      out = measured;
      break;
    case EvalPoints::kList:
      for (int c : measured) {
        if (std::binary_search(spec.concurrencies.begin(),
                               spec.concurrencies.end(), c)) {
          out.push_back(c);
        }
      }
      break;
    case EvalPoints::kFrontier:
      break;
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::vector<EvalTarget>> PendingEvals(const Matrix& matrix,
                                             store::ResultsStore& store,
                                             int64_t run_id, int only_config,
                                             bool with_frontier) {
  const EvalSpec& spec = matrix.eval;
  std::vector<EvalTarget> out;
  if (spec.num_questions <= 0) return out;
  if (spec.points == EvalPoints::kFrontier && !with_frontier) return out;
  INFX_ASSIGN_OR_RETURN(auto task, eval::ParseTaskName(spec.task));
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(run_id));
  INFX_ASSIGN_OR_RETURN(auto evals, store.ListEvals(run_id));
  const auto done = StoredEvals(evals, points, eval::TaskName(task));
  const PointIndex index = IndexPoints(points);
  std::map<std::pair<std::string, int>, int64_t> on_frontier;
  if (spec.points == EvalPoints::kFrontier) {
    INFX_ASSIGN_OR_RETURN(auto configs, store.ListConfigs(run_id));
    on_frontier = FrontierPoints(configs, points, run_id);
  }
  for (size_t i = 0; i < matrix.configs.size(); ++i) {
    if (only_config >= 0 && static_cast<int>(i) != only_config) continue;
    const std::string key = matrix.configs[i].Key();
    std::vector<std::pair<int, int64_t>> chosen;  // (concurrency, point)
    if (spec.points == EvalPoints::kFrontier) {
      for (const auto& [at, point_id] : on_frontier) {
        if (at.first == key && at.second >= spec.min_concurrency) {
          chosen.push_back({at.second, point_id});
        }
      }
    } else {
      std::vector<int> measured;
      for (const auto& [at, point_id] : index) {
        if (at.first == key) measured.push_back(at.second);
      }
      for (int c : SelectEvalConcurrencies(spec, measured)) {
        chosen.push_back({c, index.at({key, c})});
      }
    }
    for (const auto& [conc, point_id] : chosen) {
      if (done.count({key, conc})) continue;
      out.push_back({static_cast<int>(i), conc, point_id});
    }
  }
  return out;
}

void RunEvals(const SweepOptions& options,
              const std::vector<EvalTarget>& targets, const TargetEndpoint& ep,
              store::ResultsStore& store, int64_t run_id, Progress& progress,
              SweepSummary& summary) {
  const Matrix& m = options.matrix;
  for (const EvalTarget& t : targets) {
    if (Cancelled(options)) return;
    const ServingConfig& config = m.configs[t.config_index];
    const std::string key = config.Key();
    auto fail = [&](const std::string& why) {
      ++summary.evals_failed;
      summary.failures.push_back(
          {key, fmt::format("eval c={}: {}", t.concurrency, why)});
      progress.Note(
          fmt::format("eval {} c={} failed: {}", key, t.concurrency, why));
    };
    auto task = eval::ParseTaskName(m.eval.task);
    if (!task.ok()) {
      fail(task.status().message());
      continue;
    }
    eval::RunnerOptions ro;
    ro.base_url = ep.base_url;
    ro.model = ep.served_model;
    ro.task = *task;
    ro.data = m.eval.data;
    ro.limit = static_cast<size_t>(m.eval.num_questions);
    ro.concurrency = t.concurrency;
    progress.Note(fmt::format("eval {} {} c={}: {} questions", key, m.eval.task,
                              t.concurrency, m.eval.num_questions));
    auto result = eval::RunGsm8kAtPoint(ro, store, run_id, key, t.point_id,
                                        options.cancel);
    if (!result.ok()) {
      fail(result.status().message());
      continue;
    }
    const eval::EvalSummary& s = result->run.summary;
    EvalResultLine line;
    line.config_key = key;
    line.concurrency = t.concurrency;
    line.task = s.task;
    line.strict_match = s.strict_match.accuracy;
    line.strict_match_stderr = s.strict_match.standard_error;
    line.flexible_extract = s.flexible_extract.accuracy;
    line.flexible_extract_stderr = s.flexible_extract.standard_error;
    line.num_questions = static_cast<int64_t>(s.strict_match.n);
    line.min_score = m.EvalMinScore(config);
    // As frontier/accuracy.h: every filter must reach the min score.
    line.pass = line.strict_match >= line.min_score &&
                line.flexible_extract >= line.min_score;
    progress.Note(fmt::format(
        "eval {} {} c={}: strict-match {:.3f} +- {:.3f}, flexible-extract "
        "{:.3f} +- {:.3f} ({} questions) {} (min score {:.2f})",
        key, line.task, t.concurrency, line.strict_match,
        line.strict_match_stderr, line.flexible_extract,
        line.flexible_extract_stderr, line.num_questions,
        line.pass ? "PASS" : "FAIL", line.min_score));
    summary.evals.push_back(std::move(line));
  }
}

void RunPendingEvals(const SweepOptions& options, ServingTarget& target,
                     store::ResultsStore& store, int64_t run_id,
                     Progress& progress, SweepSummary& summary) {
  const Matrix& m = options.matrix;
  if (m.eval.num_questions <= 0 || Cancelled(options)) return;
  auto pending = PendingEvals(m, store, run_id, -1, true);
  if (!pending.ok()) {
    ++summary.evals_failed;
    summary.failures.push_back({"", "evals: " + pending.status().message()});
    progress.Note("evals: " + pending.status().message());
    return;
  }
  std::map<int, std::vector<EvalTarget>> by_config;
  for (const EvalTarget& t : *pending) by_config[t.config_index].push_back(t);
  for (const auto& [config_index, targets] : by_config) {
    if (Cancelled(options)) return;
    const ServingConfig& c = m.configs[config_index];
    progress.Note(fmt::format("config {}: starting target for {} eval(s)",
                              c.Key(), targets.size()));
    auto ep = target.Start(c, config_index);
    if (!ep.ok()) {
      summary.evals_failed += static_cast<int>(targets.size());
      summary.failures.push_back({c.Key(), "evals: " + ep.status().message()});
      progress.Note(fmt::format("config {}: evals skipped: {}", c.Key(),
                                ep.status().message()));
      continue;
    }
    RunEvals(options, targets, *ep, store, run_id, progress, summary);
    target.Stop();
  }
}

}  // namespace infx::sweep
