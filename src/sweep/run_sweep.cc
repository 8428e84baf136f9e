#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

#include "sweep/adaptive_sweep.h"
#include "sweep/plan_sweep.h"
#include "sweep/rounds.h"
#include "sweep/runner.h"

// RunSweep and RunPlannedSweep live apart from RunPoints so that code
// driving RunPoints with its own target does not link the emulator.
namespace infx::sweep {

Result<std::unique_ptr<ServingTarget>> MakeRunTarget(
    const SweepOptions& options, int64_t run_id) {
  TargetSpec spec = options.matrix.target;
  spec.launch.run_id = run_id;
  spec.hardware_file = options.matrix.hardware_file;
  return MakeTarget(spec, options.matrix.seed, options.cancel);
}

Result<SweepSummary> RunSweep(const SweepOptions& options,
                              store::ResultsStore& store) {
  INFX_ASSIGN_OR_RETURN(int64_t run_id, OpenRun(options, store));
  INFX_ASSIGN_OR_RETURN(auto target, MakeRunTarget(options, run_id));
  return RunPoints(options, ExpandPoints(options.matrix), *target, store,
                   run_id);
}

}  // namespace infx::sweep

namespace infx::sweep {
namespace {

// The run's stored points as the refinement sees them.
Result<std::vector<MeasuredPoint>> Measured(const Matrix& m,
                                            store::ResultsStore& store,
                                            int64_t run_id) {
  std::map<std::string, int> config_index;
  for (size_t i = 0; i < m.configs.size(); ++i) {
    config_index[m.configs[i].Key()] = static_cast<int>(i);
  }
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(run_id));
  std::vector<MeasuredPoint> out;
  for (const auto& p : points) {
    auto c = config_index.find(p.key.config_key);
    if (c == config_index.end() || p.metrics.completed == 0) continue;
    for (size_t w = 0; w < m.workloads.size(); ++w) {
      const Workload& wl = m.workloads[w];
      if (wl.isl == p.key.isl && wl.osl == p.key.osl &&
          wl.range_ratio == p.key.range_ratio) {
        out.push_back({c->second, static_cast<int>(w), p.key.concurrency,
                       p.metrics.interactivity_tok_s_user,
                       p.metrics.tput_per_gpu_total});
      }
    }
  }
  return out;
}

// (config, workload, concurrency) of every point the run has stored.
std::set<std::tuple<int, int, int>> Stored(
    const Matrix& m, const std::vector<store::PointRecord>& points) {
  std::map<std::string, int> config_index;
  for (size_t i = 0; i < m.configs.size(); ++i) {
    config_index[m.configs[i].Key()] = static_cast<int>(i);
  }
  std::set<std::tuple<int, int, int>> out;
  for (const auto& p : points) {
    auto c = config_index.find(p.key.config_key);
    for (size_t w = 0; c != config_index.end() && w < m.workloads.size(); ++w) {
      const Workload& wl = m.workloads[w];
      if (wl.isl == p.key.isl && wl.osl == p.key.osl &&
          wl.range_ratio == p.key.range_ratio) {
        out.insert({c->second, static_cast<int>(w), p.key.concurrency});
      }
    }
  }
  return out;
}

// Refinement rounds of RunPlannedSweep until `budget` points were tried.
Status Refine(const SweepOptions& round_options, const PlanSweepOptions& plan,
              int budget, int used, ServingTarget& target,
              store::ResultsStore& store, int64_t run_id,
              std::set<std::tuple<int, int, int>>& attempted,
              SweepSummary& total) {
  const Matrix& m = round_options.matrix;
  auto note = [&](const std::string& line) {
    if (round_options.progress) *round_options.progress << line << "\n";
  };
  std::set<int> dropped;
  for (int round = 0;
       round < plan.max_rounds && used < budget && !total.interrupted;
       ++round) {
    INFX_ASSIGN_OR_RETURN(auto measured, Measured(m, store, run_id));
    std::vector<std::string> notes;
    const int room = budget - used;
    const int per_round =
        std::max(1, room / std::max(1, plan.max_rounds - round));
    auto more =
        RefinePoints(m, measured, attempted, per_round, plan, &dropped, &notes);
    for (const auto& line : notes) note(line);
    if (more.empty()) {
      note("refine: the measured frontier is resolved");
      break;
    }
    note(
        fmt::format("refine round {}: {} more points", round + 1, more.size()));
    for (const auto& p : more) {
      attempted.insert({p.config_index, p.workload_index, p.concurrency});
    }
    INFX_ASSIGN_OR_RETURN(
        SweepSummary r, RunPoints(round_options, more, target, store, run_id));
    AddRound(total, r);
    used += static_cast<int>(more.size());
  }
  return Status::Ok();
}

}  // namespace

Result<SweepSummary> RunPlannedSweep(const SweepOptions& options,
                                     const PlanSweepOptions& plan,
                                     store::ResultsStore& store) {
  if (!plan.sla.empty()) return RunSlaSweep(options, plan, store);
  if (plan.search == SearchMode::kAdaptive) {
    return RunAdaptiveSweep(options, plan, store);
  }
  const Matrix& m = options.matrix;
  const int grid = static_cast<int>(ExpandPoints(m).size());
  const int budget =
      plan.budget_points > 0 ? plan.budget_points : std::max(1, grid / 2);
  INFX_ASSIGN_OR_RETURN(int64_t run_id, OpenRun(options, store));
  INFX_ASSIGN_OR_RETURN(auto target, MakeRunTarget(options, run_id));
  SweepOptions round_options = options;
  round_options.finish_run = false;
  auto note = [&](const std::string& line) {
    if (options.progress) *options.progress << line << "\n";
  };
  // Points an earlier invocation of this run stored (resume): attempted,
  // whether or not this invocation's plan proposes them again.
  INFX_ASSIGN_OR_RETURN(auto stored_before, store.ListPoints(run_id));
  // Step 1: the planner's initial points.
  InitialPlan initial = PlanInitialPoints(m, plan);
  for (const auto& line : initial.notes) note(line);
  note(fmt::format("plan: {} initial points of a {}-point grid (budget {})",
                   initial.points.size(), grid, budget));
  std::set<std::tuple<int, int, int>> attempted = Stored(m, stored_before);
  for (const auto& p : initial.points) {
    attempted.insert({p.config_index, p.workload_index, p.concurrency});
  }
  INFX_ASSIGN_OR_RETURN(
      SweepSummary total,
      RunPoints(round_options, initial.points, *target, store, run_id));
  // Step 2: refinement rounds where the measured frontier is coarsest.
  const int used = static_cast<int>(attempted.size()) * m.repetitions;
  INFX_RETURN_IF_ERROR(Refine(round_options, plan, budget, used, *target, store,
                              run_id, attempted, total));
  // Step 3: evals at the final points, then close the run.
  return CloseRoundedRun(options, *target, store, run_id,
                         static_cast<int>(stored_before.size()),
                         std::move(total));
}

}  // namespace infx::sweep
