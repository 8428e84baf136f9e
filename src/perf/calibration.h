// Calibration: the named efficiency factors of the performance model, with
// documented defaults per hardware and engine (docs/perf-model.md), loadable
// from a YAML file so measured runs can fit them.
//
// Thread-safety: plain value type.
#pragma once

#include <string>

#include "common/result.h"

namespace infx::hardware { struct HardwareSpec; }

namespace infx::perf {

struct Calibration {
  double gemm_mfu = 0.6;            // achieved/peak FLOP/s for dense GEMMs
  double attention_mfu = 0.4;       // prefill attention kernels
  double weight_mbu = 0.8;          // achieved/peak bandwidth reading weights
  double kv_mbu = 0.7;              // reading the KV cache in decode
  double comm_efficiency = 0.7;     // achieved/peak link bandwidth
  double comm_latency_s = 10e-6;    // per collective
  double step_overhead_s = 2e-3;    // scheduler, sampling, launch per step
  double memory_utilization = 0.9;  // engine's gpu-memory-utilization
  double runtime_overhead_bytes = 3e9;  // CUDA context, graphs, NCCL buffers
};

struct Deployment;
enum class Engine;

// Defaults for a hardware / engine pair.
Calibration DefaultCalibration(const hardware::HardwareSpec& hw, Engine engine);

// Overrides fields from a YAML mapping of field name to number; unknown keys
// are errors that name them.
Result<Calibration> LoadCalibrationFile(const std::string& path,
                                        Calibration base);

}  // namespace infx::perf
