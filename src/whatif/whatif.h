// What-if explorer: predicted Pareto frontiers (tok/s/GPU against
// tok/s/user) side by side for variants of hardware and model (catalog
// entries, hypothetical changes such as doubled HBM bandwidth or a larger
// scale-up domain, another precision, another model), each frontier the
// planner's best over every serving configuration of that variant; the
// throughput at iso-interactivity levels with the winning configuration;
// and a decomposition of the gain from the first variant to the last into
// hardware, parallelism, precision and model architecture. Pure: no I/O.
// Contract of the JSON form in docs/whatif.md.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "perf/deployment.h"
#include "perf/serving.h"
#include "whatif/variant.h"

namespace infx::whatif {

struct WhatIfRequest {
  std::vector<Variant> variants;  // MakeVariants
  perf::Workload workload;
  perf::Engine engine = perf::Engine::kVllm;
  // GPUs per variant; 0: the planner's default (one node, or the scale-up
  // domain when larger).
  int gpu_budget = 0;
  bool include_disaggregated = false;
  // Interactivity levels (tok/s/user) of the table; empty: the default
  // levels any variant reaches (DefaultIsoLevels).
  std::vector<double> iso_levels;
  bool decompose = false;
};

// One point of a variant's predicted frontier.
struct FrontierPoint {
  double interactivity = 0;       // tok/s/user
  double throughput_per_gpu = 0;  // total (input + output) tok/s/GPU
  std::string config;             // plan::Candidate::Label()
  std::string parallelism;        // perf::Parallelism::Label() ("tp8-ep8-dpa")
  int64_t concurrency = 0;
  double ttft_ms = 0;
  double tpot_ms = 0;
};

// Best throughput at or above one interactivity level, and the config that
// gives it; no value when the variant never reaches the level.
struct IsoCell {
  double interactivity = 0;
  std::optional<double> throughput_per_gpu;
  std::string config;
  std::string parallelism;
};

struct VariantResult {
  std::string label;
  std::string model;
  std::string hardware;
  std::string precision;
  int gpu_budget = 0;
  std::vector<Setting> settings;
  std::vector<FrontierPoint> frontier;  // by rising interactivity
  std::vector<IsoCell> iso;             // one per level
  std::string note;  // why the frontier is empty ("" otherwise)
};

// One step of the decomposition: the baseline with the layers up to and
// including `layer` switched to the target's.
struct DecompositionStep {
  std::string layer;   // "baseline", "hardware", "parallelism", ...
  std::string change;  // "h200 -> b200", "unchanged"
  std::vector<IsoCell> iso;
};

struct WhatIfResult {
  std::vector<double> iso_levels;
  std::vector<VariantResult> variants;
  std::vector<DecompositionStep> decomposition;  // empty unless asked
  int64_t points_evaluated = 0;
};

Result<WhatIfResult> RunWhatIf(const WhatIfRequest& request);

// The frontier's best throughput at or above `level` (a step, not an
// interpolation: a point the variant is predicted to reach).
IsoCell IsoAt(const std::vector<FrontierPoint>& frontier, double level);

// Of {10, 20, 50, 100, 200, 500, 1000} tok/s/user, those below the highest
// interactivity any variant reaches.
std::vector<double> DefaultIsoLevels(const std::vector<VariantResult>& v);

}  // namespace infx::whatif
