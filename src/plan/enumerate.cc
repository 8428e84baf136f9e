#include "plan/enumerate.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "common/table.h"
#include "model/model_math.h"

namespace infx::plan {
namespace {

std::vector<int> PowersOfTwoUpTo(int limit) {
  std::vector<int> out;
  for (int v = 1; v <= limit; v *= 2) out.push_back(v);
  return out;
}

Precision KvPrecisionFor(const PlanRequest& r, Precision weights) {
  if (r.model.quant && r.model.quant->kv_cache_precision &&
      weights == r.model.quant->weight_precision) {
    return *r.model.quant->kv_cache_precision;
  }
  return weights == Precision::kBf16 ? Precision::kBf16 : Precision::kFp8;
}

std::string Divisibility(const model::ModelSpec& m,
                         const perf::Parallelism& p) {
  const int64_t heads = m.attention.num_heads;
  const int64_t kv = std::max<int64_t>(1, m.attention.num_kv_heads);
  if (heads % p.tp != 0) {
    return std::to_string(heads) + " attention heads are not divisible by TP " +
           std::to_string(p.tp);
  }
  if (m.attention.kind == model::AttentionKind::kGqa && kv % p.tp != 0 &&
      p.tp % kv != 0) {
    return std::to_string(kv) + " KV heads and TP " + std::to_string(p.tp) +
           " do not divide one another";
  }
  if (m.num_layers % p.pp != 0) {
    return std::to_string(m.num_layers) + " layers are not divisible by PP " +
           std::to_string(p.pp);
  }
  if (m.moe && p.ep > 1 && m.moe->num_experts % p.ep != 0) {
    return std::to_string(m.moe->num_experts) +
           " experts are not divisible by EP " + std::to_string(p.ep);
  }
  return "";
}

// Static cuts that need no prediction, in the order they are reported.
// `beyond_domain`: a TP group larger than the scale-up domain is allowed
// (its collectives then run over the scale-out network).
void ApplyStaticCuts(const PlanRequest& r, Candidate& c,
                     bool beyond_domain = false) {
  const perf::Parallelism& p = c.parallelism;
  const int domain = std::max(1, r.hardware.scale_up_domain_gpus);
  if (p.tp > domain && !beyond_domain) {
    c.cut = CutKind::kScaleUp;
    c.reason = "TP " + std::to_string(p.tp) + " exceeds the " +
               std::to_string(domain) +
               "-GPU scale-up domain: every all-reduce would cross the "
               "scale-out network";
    return;
  }
  if (std::string why = Divisibility(r.model, p); !why.empty()) {
    c.cut = CutKind::kDivisibility;
    c.reason = why;
    return;
  }
  if (p.ep > 1 && !r.model.moe) {
    c.cut = CutKind::kEpDense;
    c.reason = "EP " + std::to_string(p.ep) +
               " on a dense model: there are no experts to shard";
    return;
  }
  if (p.dp_attention && p.tp == 1) {
    c.cut = CutKind::kDuplicate;
    c.reason = "DP-attention over one rank is the same deployment as tp1";
  }
}

void ApplyFitCut(const PlanRequest& r, Candidate& c) {
  const perf::Deployment d = MakeDeployment(r, c);
  c.memory = perf::PlanMemory(d);
  if (!c.memory.fits) {
    c.cut = CutKind::kFit;
    c.reason = c.memory.reason;
    return;
  }
  const int64_t isl = r.workload.isl;
  const int64_t osl = r.workload.osl;
  c.max_concurrency = perf::MaxConcurrency(c.memory, d, isl, osl);
  if (c.max_concurrency == 0) {
    c.cut = CutKind::kFit;
    c.reason = "does not fit: the KV cache (" +
               FormatFixed(c.memory.kv_bytes_per_gpu / 1e9, 1) +
               " GB per GPU) cannot hold one sequence of " +
               std::to_string(isl + osl) + " tokens";
  }
}

std::vector<perf::Parallelism> Shapes(const PlanRequest& r, int budget) {
  std::vector<int> tps = PowersOfTwoUpTo(budget);
  if (std::find(tps.begin(), tps.end(), budget) == tps.end()) {
    tps.push_back(budget);
  }
  std::vector<perf::Parallelism> out;
  for (int tp : tps) {
    for (int pp : PowersOfTwoUpTo(budget / tp)) {
      std::vector<int> eps = {1};
      if (tp > 1) eps.push_back(tp);
      for (int ep : eps) {
        for (bool dpa : {false, true}) {
          // Dense models: one EP variant is enough to report the cut.
          if (!r.model.moe && ep > 1 && dpa) continue;
          out.push_back({tp, pp, ep, dpa});
        }
      }
    }
  }
  return out;
}

void AddDisaggregated(const Candidate& base, int budget,
                      std::vector<Candidate>& out) {
  const int g = base.parallelism.gpus();
  for (int x = 1; x * g < budget; ++x) {
    for (int y = 1; (x + y) * g <= budget; ++y) {
      Candidate c = base;
      c.disaggregated = true;
      c.split = {x, y};
      c.replicas = 1;
      c.gpus = (x + y) * g;
      out.push_back(c);
    }
  }
}

}  // namespace

int ResolveGpuBudget(const PlanRequest& r) {
  if (r.gpu_budget > 0) return r.gpu_budget;
  return std::max(
      {1, r.hardware.gpus_per_node, r.hardware.scale_up_domain_gpus});
}

perf::Deployment MakeDeployment(const PlanRequest& r, const Candidate& c) {
  perf::Deployment d;
  d.model = r.model;
  d.hardware = r.hardware;
  d.weight_precision = c.weight_precision;
  d.kv_precision = c.kv_precision;
  d.parallelism = c.parallelism;
  d.engine = r.engine;
  d.calibration = r.calibration
                      ? *r.calibration
                      : perf::DefaultCalibration(r.hardware, r.engine);
  return d;
}

perf::SchedulerLimits InstanceLimits(const PlanRequest& r, const Candidate& c) {
  perf::SchedulerLimits l = r.limits;
  if (c.parallelism.dp_attention) {
    l.max_num_seqs *= c.parallelism.tp;
    l.max_batched_tokens *= c.parallelism.tp;
  }
  return l;
}

// When no instance inside one scale-up domain fits the model, engines run
// TP across nodes (SGLang --tp 16 on 2x8 H100 for DeepSeek-R1): the
// scale-up cut is lifted for this precision and those shapes are judged
// like the others, their all-reduces priced over the scale-out network.
void AdmitBeyondDomain(const PlanRequest& r, std::vector<Candidate>& cs) {
  for (const Candidate& c : cs) {
    if (c.kept()) return;
  }
  for (Candidate& c : cs) {
    if (c.cut != CutKind::kScaleUp) continue;
    c.cut = CutKind::kNone;
    c.reason.clear();
    ApplyStaticCuts(r, c, /*beyond_domain=*/true);
    if (c.kept()) ApplyFitCut(r, c);
  }
}

std::vector<Candidate> Enumerate(const PlanRequest& r, int budget) {
  std::vector<Precision> precisions = r.precisions;
  if (precisions.empty()) precisions.push_back(NativePrecision(r.model));
  std::vector<Candidate> out;
  std::vector<Candidate> disagg;
  for (Precision prec : precisions) {
    std::vector<Candidate> shapes;
    for (const perf::Parallelism& p : Shapes(r, budget)) {
      Candidate c;
      c.parallelism = p;
      c.weight_precision = prec;
      c.kv_precision = KvPrecisionFor(r, prec);
      c.replicas = std::max(1, budget / p.gpus());
      c.gpus = c.replicas * p.gpus();
      ApplyStaticCuts(r, c);
      if (c.kept()) ApplyFitCut(r, c);
      shapes.push_back(std::move(c));
    }
    AdmitBeyondDomain(r, shapes);
    for (Candidate& c : shapes) {
      if (c.kept() && r.include_disaggregated && c.parallelism.pp == 1) {
        AddDisaggregated(c, budget, disagg);
      }
      out.push_back(std::move(c));
    }
  }
  out.insert(out.end(), disagg.begin(), disagg.end());
  return out;
}

}  // namespace infx::plan
