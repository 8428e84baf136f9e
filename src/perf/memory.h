// Memory model: what one GPU of a deployment holds (weights, activations,
// workspace, engine overhead) and how many KV-cache tokens fit in the rest.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "perf/deployment.h"

namespace infx::perf {

struct MemoryPlan {
  double hbm_bytes_per_gpu = 0;
  double usable_bytes_per_gpu = 0;  // hbm x engine memory-utilization
  double weight_bytes_per_gpu = 0;  // the most loaded GPU
  double activation_bytes_per_gpu = 0;
  double overhead_bytes_per_gpu = 0;  // CUDA graphs, NCCL buffers, runtime
  double kv_bytes_per_gpu = 0;        // what is left for the KV cache
  double kv_bytes_per_token_per_gpu = 0;
  int64_t kv_capacity_tokens = 0;  // per instance (all DP ranks)
  bool fits = false;
  std::string reason;  // why it does not fit, with the numbers; "" if fits
};

MemoryPlan PlanMemory(const Deployment& deployment);

// Largest concurrency whose sequences (isl + osl tokens each) all fit in the
// KV cache at once. 0 when not even one fits.
int64_t MaxConcurrency(const MemoryPlan& plan, const Deployment& deployment,
                       int64_t isl, int64_t osl);

}  // namespace infx::perf
