// Test-only fixtures for perf and plan tests: datasheet hardware entries
// (so physics tests do not depend on catalog edits) and deployments of
// catalog models. Header-only; not part of the library API.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "hardware/hardware_spec.h"
#include "model/model_loader.h"
#include "perf/deployment.h"

namespace infx::perf::testing {

// NVIDIA H100 SXM 80GB / H200 SXM 141GB / B200 datasheets (dense FLOP/s).
inline hardware::HardwareSpec H100() {
  hardware::HardwareSpec hw;
  hw.name = "h100";
  hw.vendor = "nvidia";
  hw.hbm_capacity_bytes = 80e9;
  hw.hbm_bandwidth_bytes_per_s = 3.35e12;
  hw.bf16_flops = 989e12;
  hw.fp8_flops = 1979e12;
  hw.gpus_per_node = 8;
  hw.scale_up_domain_gpus = 8;
  hw.scale_up_bandwidth_bytes_per_s = 450e9;
  hw.scale_out_bandwidth_bytes_per_s = 50e9;
  return hw;
}

inline hardware::HardwareSpec H200() {
  hardware::HardwareSpec hw = H100();
  hw.name = "h200";
  hw.hbm_capacity_bytes = 141e9;
  hw.hbm_bandwidth_bytes_per_s = 4.8e12;
  return hw;
}

inline hardware::HardwareSpec B200() {
  hardware::HardwareSpec hw = H100();
  hw.name = "b200";
  hw.hbm_capacity_bytes = 180e9;
  hw.hbm_bandwidth_bytes_per_s = 8e12;
  hw.bf16_flops = 2250e12;
  hw.fp8_flops = 4500e12;
  hw.fp4_flops = 9000e12;
  hw.scale_up_bandwidth_bytes_per_s = 900e9;
  return hw;
}

// A deployment of catalog model `name`; asserts the model loads.
inline Deployment MakeDeployment(const std::string& name,
                                 const hardware::HardwareSpec& hw,
                                 Precision weights, int tp, int pp = 1,
                                 int ep = 1, bool dpa = false) {
  Deployment d;
  auto model = model::LoadModel(name);
  if (model.ok()) d.model = *model;
  d.hardware = hw;
  d.weight_precision = weights;
  d.kv_precision =
      weights == Precision::kBf16 ? Precision::kBf16 : Precision::kFp8;
  d.parallelism = {tp, pp, ep, dpa};
  d.engine = Engine::kVllm;
  d.calibration = DefaultCalibration(hw, d.engine);
  return d;
}

}  // namespace infx::perf::testing
