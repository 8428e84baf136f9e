// Candidate: one serving configuration the planner considers (parallelism,
// replicas, precision, optional prefill/decode disaggregation) with its
// predicted curve and, if cut, the kind of cut and a human-readable reason.
//
// Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/precision.h"
#include "perf/deployment.h"
#include "perf/memory.h"
#include "perf/serving.h"

namespace infx::plan {

enum class CutKind {
  kNone,          // kept
  kFit,           // does not fit in memory (reason has the numbers)
  kDivisibility,  // heads / KV heads by TP, layers by PP, experts by EP
  kScaleUp,       // TP group larger than the scale-up domain
  kEpDense,       // expert parallelism on a dense model
  kDuplicate,     // same deployment as another candidate
  kDominated,     // below the predicted frontier by more than the margin
};
std::string_view CutKindName(CutKind kind);

struct Candidate {
  perf::Parallelism parallelism;
  int replicas = 1;  // aggregated: identical instances sharing the load
  Precision weight_precision = Precision::kBf16;
  Precision kv_precision = Precision::kBf16;
  bool disaggregated = false;
  perf::DisaggSplit split;  // only when disaggregated
  int gpus = 0;             // all GPUs the configuration uses

  perf::MemoryPlan memory;
  int64_t max_concurrency = 0;  // per instance, for the workload's lengths
  std::vector<perf::ServingPoint> curve;  // by rising concurrency

  CutKind cut = CutKind::kNone;
  std::string reason;             // why cut ("" when kept)
  double frontier_gain = 0;       // share of the frontier only it reaches
  double frontier_closeness = 0;  // mean throughput / frontier, 0..1

  // "tp4-ep4 x2 fp8", "1p3d tp2 fp8".
  std::string Label() const;
  bool kept() const { return cut == CutKind::kNone; }
};

}  // namespace infx::plan
