// HardwareSpec: one accelerator system as inference cost sees it: HBM,
// compute per dtype, scale-up and scale-out networks, power and price.
// Plain data; the built-in catalog and YAML overrides live in
// hardware/catalog.h.
//
// Units are in the names: bytes, bytes per second, FLOP/s, watts, USD.
// Bandwidths are per GPU, one direction.
//
// Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/precision.h"

namespace infx::hardware {

struct HardwareSpec {
  std::string name;          // catalog key, lower case: "h200", "gb200-nvl72"
  std::string display_name;  // "NVIDIA H200 SXM 141GB"
  std::string vendor;        // "nvidia", "amd", "google"
  std::string source;        // where the figures come from (datasheet URL/name)

  double hbm_capacity_bytes = 0;
  double hbm_bandwidth_bytes_per_s = 0;

  // Dense (no sparsity) tensor-core peak per precision; 0 = unsupported.
  double bf16_flops = 0;
  double fp8_flops = 0;
  double fp4_flops = 0;

  int gpus_per_node = 8;                      // GPUs in one server / tray group
  int scale_up_domain_gpus = 8;               // NVLink / xGMI / ICI domain size
  double scale_up_bandwidth_bytes_per_s = 0;  // per GPU, one direction
  double scale_out_bandwidth_bytes_per_s = 0;  // per GPU, one direction
  // Shape of the scale-up network. 0: switched (NVLink/NVSwitch, xGMI):
  // any-to-any inside the domain, each GPU at its full scale-up bandwidth.
  // 2 or 3: a torus of that many dimensions (TPU ICI): each chip links to
  // 2 x torus_dims neighbours, scale_up_bandwidth is spread over those
  // links, and traffic to a far chip crosses several links (hops).
  // perf/topology.h prices collectives on each.
  int torus_dims = 0;

  double tdp_watts = 0;
  // All-in power per GPU (host share, NICs, switches, cooling overhead) for
  // tokens-per-MW figures.
  double all_in_power_watts = 0;
  // Reference price per GPU-hour in USD: an assumption users should set.
  double usd_per_gpu_hour = 0;

  // Other names Find() accepts ("h200-sxm", "h200_sxm"), lower case.
  std::vector<std::string> aliases;

  // Peak dense FLOP/s for `p`; 0 when the hardware has no such tensor core
  // path (callers fall back to the next wider precision).
  double PeakFlops(Precision p) const;
};

}  // namespace infx::hardware
