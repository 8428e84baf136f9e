// Planner: for a model on hardware and a workload, enumerates every serving
// configuration within a GPU budget, cuts the illogical ones with a reason
// each (fit, divisibility, scale-up domain, EP on dense models, duplicates,
// dominance below the predicted frontier by more than a margin), ranks the
// survivors by what they add to the predicted Pareto frontier (tok/s/GPU vs
// tok/s/user) and, under a budget of benchmark points, picks the configs
// and concurrencies that best resolve it. Pure: no I/O.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "hardware/hardware_spec.h"
#include "model/model_spec.h"
#include "perf/calibration.h"
#include "perf/deployment.h"
#include "perf/serving.h"
#include "plan/candidate.h"

namespace infx::plan {

struct PlanRequest {
  model::ModelSpec model;
  hardware::HardwareSpec hardware;
  perf::Workload workload;
  perf::Engine engine = perf::Engine::kVllm;
  // Empty: the checkpoint's precision (BF16 when it has no quant config).
  std::vector<Precision> precisions;
  // 0: one node, or the scale-up domain when it is larger (NVL72).
  int gpu_budget = 0;
  // Cut a config when every point is below the frontier by more than this
  // fraction (the model's uncertainty).
  double dominance_margin = 0.10;
  // Benchmark points to pick; 0: no budget, every kept point.
  int budget_points = 0;
  bool include_disaggregated = true;
  // Speculative decoding / MTP applied to every candidate (off by default).
  perf::Speculation speculation;
  std::optional<perf::Calibration> calibration;  // else DefaultCalibration
  perf::SchedulerLimits limits;
  // Concurrency levels per instance (per decode instance when
  // disaggregated), scaled by the replica count to the configuration's
  // total; a curve stops at its first saturated point.
  std::vector<int64_t> concurrency_levels = {1,  2,   4,   8,   16,   32,
                                             64, 128, 256, 512, 1024, 2048};
};

// One predicted point on the frontier, or one benchmark point to run.
struct PlanPoint {
  std::string config;  // Candidate::Label()
  int64_t concurrency = 0;
  double interactivity_tok_s_user = 0;
  double total_tok_s_per_gpu = 0;
  double output_tok_s_per_gpu = 0;
  double ttft_ms = 0;
  double tpot_ms = 0;
};

struct PlanResult {
  int gpu_budget = 0;
  std::vector<Candidate> kept;      // ranked, best first
  std::vector<Candidate> pruned;    // in enumeration order, each with reason
  std::vector<PlanPoint> frontier;  // by rising interactivity
  std::vector<PlanPoint> picks;     // the budgeted benchmark points
  int64_t points_evaluated = 0;
};

Result<PlanResult> Plan(const PlanRequest& request);

// The precision a checkpoint ships in (its quant config), else BF16.
Precision NativePrecision(const model::ModelSpec& model);

}  // namespace infx::plan
