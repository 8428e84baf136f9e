#include "whatif/whatif.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "plan/plan.h"

namespace infx::whatif {
namespace {

using CandidateFilter = std::function<bool(const plan::Candidate&)>;

plan::PlanRequest MakePlanRequest(const WhatIfRequest& w,
                                  const model::ModelSpec& model,
                                  const hardware::HardwareSpec& hw,
                                  Precision precision) {
  plan::PlanRequest r;
  r.model = model;
  r.hardware = hw;
  r.workload = w.workload;
  r.engine = w.engine;
  r.precisions = {precision};
  r.gpu_budget = w.gpu_budget;
  r.include_disaggregated = w.include_disaggregated;
  return r;
}

// Pareto frontier over the curves of the candidates `keep` accepts (kept
// ones and those cut as dominated: both have curves).
std::vector<FrontierPoint> FrontierOf(const plan::PlanResult& r,
                                      const CandidateFilter& keep) {
  std::vector<FrontierPoint> all;
  for (const auto* list : {&r.kept, &r.pruned}) {
    for (const plan::Candidate& c : *list) {
      if (c.curve.empty() || !keep(c)) continue;
      for (const perf::ServingPoint& p : c.curve) {
        all.push_back({p.interactivity_tok_s_user, p.total_tok_s_per_gpu,
                       c.Label(), c.parallelism.Label(), p.concurrency,
                       p.ttft_ms, p.tpot_ms});
      }
    }
  }
  std::sort(all.begin(), all.end(),
            [](const FrontierPoint& a, const FrontierPoint& b) {
              if (a.interactivity != b.interactivity) {
                return a.interactivity > b.interactivity;
              }
              if (a.throughput_per_gpu != b.throughput_per_gpu) {
                return a.throughput_per_gpu > b.throughput_per_gpu;
              }
              return a.config < b.config;
            });
  std::vector<FrontierPoint> front;
  double best = -1;
  for (FrontierPoint& p : all) {
    if (p.throughput_per_gpu > best) {
      best = p.throughput_per_gpu;
      front.push_back(std::move(p));
    }
  }
  std::reverse(front.begin(), front.end());
  return front;
}

std::vector<IsoCell> IsoRow(const std::vector<FrontierPoint>& frontier,
                            const std::vector<double>& levels) {
  std::vector<IsoCell> row;
  for (double level : levels) row.push_back(IsoAt(frontier, level));
  return row;
}

bool SameHardware(const hardware::HardwareSpec& a,
                  const hardware::HardwareSpec& b) {
  return a.name == b.name && a.hbm_capacity_bytes == b.hbm_capacity_bytes &&
         a.hbm_bandwidth_bytes_per_s == b.hbm_bandwidth_bytes_per_s &&
         a.bf16_flops == b.bf16_flops && a.fp8_flops == b.fp8_flops &&
         a.fp4_flops == b.fp4_flops &&
         a.scale_up_domain_gpus == b.scale_up_domain_gpus &&
         a.scale_up_bandwidth_bytes_per_s == b.scale_up_bandwidth_bytes_per_s &&
         a.scale_out_bandwidth_bytes_per_s ==
             b.scale_out_bandwidth_bytes_per_s &&
         a.torus_dims == b.torus_dims;
}

std::string HardwareText(const Variant& v) {
  std::string text = v.hardware.name;
  for (const Setting& s : v.settings) {
    if (s.field != "precision") text += " " + s.field + "=" + s.value;
  }
  return text;
}

std::string Change(const std::string& from, const std::string& to) {
  return from == to ? "unchanged" : from + " -> " + to;
}

// Baseline (first variant) to target (last), one layer at a time: the
// target's hardware with the baseline's winning parallelism at each level,
// then any parallelism, then the target's precision, then its model.
Result<std::vector<DecompositionStep>> Decompose(
    const WhatIfRequest& w, const std::vector<double>& levels,
    const VariantResult& base_result, const VariantResult& target_result,
    int64_t* evaluated) {
  const Variant& a = w.variants.front();
  const Variant& b = w.variants.back();
  std::vector<DecompositionStep> steps;
  steps.push_back({"baseline", a.label, base_result.iso});
  std::vector<IsoCell> fixed = base_result.iso;
  std::vector<IsoCell> free = base_result.iso;
  if (!SameHardware(a.hardware, b.hardware)) {
    INFX_ASSIGN_OR_RETURN(
        plan::PlanResult r,
        plan::Plan(MakePlanRequest(w, a.model, b.hardware, a.precision)));
    *evaluated += r.points_evaluated;
    for (size_t i = 0; i < levels.size(); ++i) {
      const std::string shape = base_result.iso[i].parallelism;
      fixed[i] = IsoAt(FrontierOf(r,
                                  [&](const plan::Candidate& c) {
                                    return c.parallelism.Label() == shape;
                                  }),
                       levels[i]);
    }
    free = IsoRow(FrontierOf(r, [](const plan::Candidate&) { return true; }),
                  levels);
  }
  steps.push_back(
      {"hardware", Change(HardwareText(a), HardwareText(b)), fixed});
  steps.push_back({"parallelism", "best config per level", free});
  std::vector<IsoCell> precise = free;
  if (a.precision != b.precision) {
    INFX_ASSIGN_OR_RETURN(
        plan::PlanResult r,
        plan::Plan(MakePlanRequest(w, a.model, b.hardware, b.precision)));
    *evaluated += r.points_evaluated;
    precise = IsoRow(FrontierOf(r, [](const plan::Candidate&) { return true; }),
                     levels);
  }
  steps.push_back({"precision",
                   Change(std::string(PrecisionName(a.precision)),
                          std::string(PrecisionName(b.precision))),
                   precise});
  steps.push_back({"model architecture", Change(a.model.name, b.model.name),
                   a.model.name == b.model.name ? precise : target_result.iso});
  return steps;
}

}  // namespace

IsoCell IsoAt(const std::vector<FrontierPoint>& frontier, double level) {
  IsoCell cell;
  cell.interactivity = level;
  for (const FrontierPoint& p : frontier) {
    if (p.interactivity + 1e-9 < level) continue;
    if (!cell.throughput_per_gpu ||
        p.throughput_per_gpu > *cell.throughput_per_gpu) {
      cell.throughput_per_gpu = p.throughput_per_gpu;
      cell.config = p.config;
      cell.parallelism = p.parallelism;
    }
  }
  return cell;
}

std::vector<double> DefaultIsoLevels(const std::vector<VariantResult>& v) {
  double top = 0;
  for (const VariantResult& r : v) {
    for (const FrontierPoint& p : r.frontier) {
      top = std::max(top, p.interactivity);
    }
  }
  std::vector<double> levels;
  for (double l : {10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0}) {
    if (l <= top) levels.push_back(l);
  }
  return levels;
}

Result<WhatIfResult> RunWhatIf(const WhatIfRequest& w) {
  if (w.variants.empty()) {
    return Status::InvalidArgument("whatif: no variants to compare");
  }
  WhatIfResult out;
  for (const Variant& v : w.variants) {
    VariantResult vr;
    vr.label = v.label;
    vr.model = v.model.name;
    vr.hardware = v.hardware.name;
    vr.precision = std::string(PrecisionName(v.precision));
    vr.settings = v.settings;
    Result<plan::PlanResult> r =
        plan::Plan(MakePlanRequest(w, v.model, v.hardware, v.precision));
    if (!r.ok()) {
      return Status::InvalidArgument("variant '" + v.label +
                                     "': " + r.status().message());
    }
    out.points_evaluated += r->points_evaluated;
    vr.gpu_budget = r->gpu_budget;
    vr.frontier = FrontierOf(*r, [](const plan::Candidate&) { return true; });
    if (vr.frontier.empty()) {
      vr.note =
          "no configuration fits on " + std::to_string(r->gpu_budget) + " GPUs";
    }
    out.variants.push_back(std::move(vr));
  }
  out.iso_levels =
      w.iso_levels.empty() ? DefaultIsoLevels(out.variants) : w.iso_levels;
  for (VariantResult& vr : out.variants) {
    vr.iso = IsoRow(vr.frontier, out.iso_levels);
  }
  if (w.decompose && w.variants.size() >= 2) {
    INFX_ASSIGN_OR_RETURN(
        out.decomposition,
        Decompose(w, out.iso_levels, out.variants.front(), out.variants.back(),
                  &out.points_evaluated));
  }
  return out;
}

}  // namespace infx::whatif
