#include "plan/plan.h"

#include <algorithm>
#include <string>

#include "perf/cost_model.h"
#include "plan/dominance.h"
#include "plan/enumerate.h"

namespace infx::plan {
namespace {

Status Validate(const PlanRequest& r) {
  if (r.model.num_layers <= 0 || r.model.hidden_size <= 0) {
    return Status::InvalidArgument("model '" + r.model.name +
                                   "' has no layers to plan for");
  }
  if (r.hardware.hbm_capacity_bytes <= 0 ||
      r.hardware.hbm_bandwidth_bytes_per_s <= 0) {
    return Status::InvalidArgument("hardware '" + r.hardware.name +
                                   "' has no HBM capacity or bandwidth");
  }
  if (r.workload.isl <= 0 || r.workload.osl <= 0) {
    return Status::InvalidArgument("--isl and --osl must be positive (got " +
                                   std::to_string(r.workload.isl) + " and " +
                                   std::to_string(r.workload.osl) + ")");
  }
  if (r.dominance_margin < 0 || r.dominance_margin >= 1) {
    return Status::InvalidArgument("--margin must be in [0, 1), got " +
                                   std::to_string(r.dominance_margin));
  }
  if (r.gpu_budget < 0 || r.budget_points < 0) {
    return Status::InvalidArgument("--gpus and --budget must not be negative");
  }
  return Status::Ok();
}

// The candidate's curve over the request's concurrency levels (per
// instance, scaled by replicas or decode instances), up to the first point
// where requests queue.
int64_t EvaluateCurve(const PlanRequest& r, Candidate& c) {
  const perf::CostModel costs = perf::BuildCostModel(MakeDeployment(r, c));
  const perf::SchedulerLimits limits = InstanceLimits(r, c);
  int64_t evaluated = 0;
  for (int64_t level : r.concurrency_levels) {
    perf::ServingPoint p;
    if (c.disaggregated) {
      p = perf::PredictDisaggregated(
          costs, costs, c.memory, c.split, r.workload,
          level * c.split.decode_instances, r.speculation, limits);
    } else {
      p = perf::PredictServing(costs, c.memory, r.workload, level * c.replicas,
                               c.replicas, r.speculation, limits);
    }
    ++evaluated;
    if (p.saturated && !c.curve.empty()) break;
    c.curve.push_back(p);
    if (p.saturated) break;
  }
  return evaluated;
}

bool RankBefore(const Candidate& a, const Candidate& b) {
  if (a.frontier_gain != b.frontier_gain) {
    return a.frontier_gain > b.frontier_gain;
  }
  return a.frontier_closeness > b.frontier_closeness;
}

}  // namespace

std::string_view CutKindName(CutKind kind) {
  switch (kind) {
    case CutKind::kNone:
      return "kept";
    case CutKind::kFit:
      return "fit";
    case CutKind::kDivisibility:
      return "divisibility";
    case CutKind::kScaleUp:
      return "scale-up";
    case CutKind::kEpDense:
      return "ep-dense";
    case CutKind::kDuplicate:
      return "duplicate";
    case CutKind::kDominated:
      return "dominated";
  }
  return "?";
}

std::string Candidate::Label() const {
  const std::string prec(PrecisionName(weight_precision));
  if (disaggregated) {
    return std::to_string(split.prefill_instances) + "p" +
           std::to_string(split.decode_instances) + "d-" + parallelism.Label() +
           " " + prec;
  }
  return parallelism.Label() + " x" + std::to_string(replicas) + " " + prec;
}

Precision NativePrecision(const model::ModelSpec& model) {
  return model.quant ? model.quant->weight_precision : Precision::kBf16;
}

Result<PlanResult> Plan(const PlanRequest& request) {
  INFX_RETURN_IF_ERROR(Validate(request));
  PlanResult result;
  result.gpu_budget = ResolveGpuBudget(request);
  std::vector<Candidate> all = Enumerate(request, result.gpu_budget);
  for (Candidate& c : all) {
    if (c.kept()) result.points_evaluated += EvaluateCurve(request, c);
  }
  CutDominated(request, all, request.dominance_margin);
  ScoreContributions(all);
  for (Candidate& c : all) {
    (c.kept() ? result.kept : result.pruned).push_back(std::move(c));
  }
  std::stable_sort(result.kept.begin(), result.kept.end(), RankBefore);
  result.frontier = PredictedFrontier(result.kept);
  result.picks =
      PickBudget(result.kept, result.frontier, request.budget_points);
  return result;
}

}  // namespace infx::plan
