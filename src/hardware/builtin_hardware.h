// The built-in accelerator entries behind HardwareCatalog::Builtin(), each
// with its datasheet source. Conventions (docs/hardware.md):
//   - FLOP/s are dense tensor-core peaks (vendor "with sparsity" / 2).
//   - Bandwidths are per GPU, one direction (NVLink 900 GB/s bidirectional
//     -> 450e9).
//   - HBM capacity is what the device reports (nvidia-smi / rocm-smi) where
//     known, else the datasheet figure.
//   - all_in_power_watts = server (or rack) max power per GPU x 1.2 for
//     network, storage and facility overhead: an assumption.
//   - usd_per_gpu_hour is a reference rental price, an assumption users
//     should override with --hardware-file.
//
// Thread-safety: returns a fresh vector; pure.
#pragma once

#include <vector>

#include "hardware/hardware_spec.h"

namespace infx::hardware {

std::vector<HardwareSpec> BuiltinHardware();

}  // namespace infx::hardware
