// Deployment: one serving configuration of a model on hardware (parallelism,
// precisions, engine, calibration). The input of every performance-model
// function, of the emulator and of the planner.
//
// Parallelism semantics (vLLM / SGLang conventions):
//   - One instance spans tp x pp GPUs. Attention and dense layers are split
//     tp ways; layers are split pp ways.
//   - ep > 1 shards routed experts ep ways across the instance's GPUs
//     (ep must divide tp x pp... in practice ep == tp); ep == 1 means experts
//     are TP-sharded like dense MLPs.
//   - dp_attention: attention runs data-parallel on the tp GPUs (each holds
//     the full attention weights and its own share of the batch's KV cache),
//     so an MLA latent cache is not replicated tp times.
//
// Thread-safety: plain value type.
#pragma once

#include <string>
#include <string_view>

#include "common/precision.h"
#include "common/result.h"
#include "hardware/hardware_spec.h"
#include "model/model_spec.h"
#include "perf/calibration.h"

namespace infx::perf {

enum class Engine { kVllm, kSglang, kTrtllm };
std::string_view EngineName(Engine e);
Result<Engine> ParseEngine(std::string_view text);

struct Parallelism {
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  int gpus() const { return tp * pp; }
  // "tp8", "tp4-pp2", "tp8-ep8-dpa"
  std::string Label() const;
};

struct Deployment {
  model::ModelSpec model;
  hardware::HardwareSpec hardware;
  Precision weight_precision = Precision::kBf16;
  Precision kv_precision = Precision::kBf16;
  Parallelism parallelism;
  Engine engine = Engine::kVllm;
  Calibration calibration;  // defaults from DefaultCalibration(hw, engine)
};

}  // namespace infx::perf
