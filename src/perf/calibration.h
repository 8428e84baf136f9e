// Calibration: the named efficiency factors of the performance model, with
// documented defaults per hardware and engine (docs/perf-model.md), loadable
// from a YAML file so measured runs can fit them.
//
// Thread-safety: plain value type.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace infx::hardware {
struct HardwareSpec;
}

namespace infx::perf {

struct Calibration {
  double gemm_mfu = 0.6;  // achieved/peak FLOP/s, dense BF16/FP8 GEMMs
  // Dense GEMMs on native FP4 tensor cores (NVFP4/MXFP4 weights and
  // activations), as a fraction of the FP4 peak. Lower than gemm_mfu: the
  // published FP4 speed-ups over FP8 fall well short of the 2x peak ratio.
  double fp4_gemm_mfu = 0.34;
  // Routed-expert grouped GEMMs at BF16/FP8, as a fraction of the peak:
  // few rows per expert, short K (the expert's intermediate size), tile
  // padding per expert. FP4 experts scale it by fp4_gemm_mfu / gemm_mfu.
  double moe_gemm_mfu = 0.40;
  // Coefficient of variation of the per-expert routing frequency (0 =
  // uniform routing). Sets the systematic part of the EP load imbalance
  // (perf/moe.h); the statistical part needs no parameter.
  double expert_load_cv = 0.0;
  double attention_mfu = 0.4;       // prefill attention kernels
  double weight_mbu = 0.8;          // achieved/peak bandwidth reading weights
  double kv_mbu = 0.7;              // reading the KV cache in decode
  double comm_efficiency = 0.7;     // achieved/peak link bandwidth
  double comm_latency_s = 10e-6;    // per collective
  double step_overhead_s = 2e-3;    // scheduler, sampling, launch per step
  double memory_utilization = 0.9;  // engine's gpu-memory-utilization
  double runtime_overhead_bytes = 3e9;  // CUDA context, graphs, NCCL buffers
  // Latency floor per decoder layer and step (small-kernel launch and
  // synchronisation latency that no roofline term captures).
  double per_layer_overhead_s = 15e-6;
  // Extra latency per MoE layer (router, top-k, permute/unpermute kernels)
  // and per MLA layer (latent projections, absorbed attention) per step.
  double moe_layer_overhead_s = 60e-6;
  double mla_layer_overhead_s = 20e-6;
  // Host work per scheduled sequence and step (scheduling, sampling,
  // detokenisation), added to step_overhead_s.
  double per_seq_overhead_s = 8e-6;
  // TensorRT-LLM convention: when true, memory_utilization is the fraction
  // of the memory left after weights, activations and runtime overhead that
  // goes to the KV cache (kv_cache_free_gpu_memory_fraction); when false it
  // is the fraction of all HBM the engine may use (vLLM
  // gpu-memory-utilization, SGLang mem-fraction-static).
  bool utilization_of_free_memory = false;
};

// Field names LoadCalibrationFile accepts, in declaration order.
const std::vector<std::string>& CalibrationFieldNames();

struct Deployment;
enum class Engine;

// Defaults for a hardware / engine pair.
Calibration DefaultCalibration(const hardware::HardwareSpec& hw, Engine engine);

// Defaults shipped with infx come from public figures (datasheets, vendor
// GEMM/bandwidth benchmarks, published serving measurements) until
// scripts/calibrate/ has been run on the hardware; docs/perf-model.md.

// Overrides fields from a YAML mapping of field name to number; unknown keys
// are errors that name them.
Result<Calibration> LoadCalibrationFile(const std::string& path,
                                        Calibration base);

}  // namespace infx::perf
