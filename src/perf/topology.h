// Collective costs on the shape of the scale-up network. A switched domain
// (NVLink/NVSwitch, xGMI) connects any GPU to any other through a switch:
// an all-reduce or all-to-all moves each byte across one link at the GPU's
// full scale-up bandwidth. A torus (TPU ICI) links each chip to 2 x dims
// neighbours, so the per-chip bandwidth is spread over those links, a
// group that spans fewer dimensions uses fewer links, and an all-to-all's
// bytes cross several links on the way (the mean torus distance), taking
// link capacity at every hop, and the farthest chip adds hop latency. A
// group larger than the domain runs over the scale-out network.
// docs/perf-model.md ("Topology") has the formulas.
//
// Thread-safety: pure functions.
#pragma once

#include "hardware/hardware_spec.h"
#include "perf/calibration.h"

namespace infx::perf {

// How a group of `group` chips sits in a torus of `torus_dims` dimensions:
// the most compact sub-torus (a ring of 2, a 2x2 square, 2x4, 4x4, ...).
struct TorusGroup {
  int dims_used = 1;     // dimensions the group spans
  double side = 1;       // chips along each of them
  double mean_hops = 0;  // mean distance to the other chips, links
};
TorusGroup ShapeTorusGroup(int group, int torus_dims);

// Latency of one hop on a torus link (ICI), added for the farthest chip of
// an all-to-all (an estimate; ring all-reduces step between neighbours).
inline constexpr double kTorusHopLatencyS = 1e-6;

// Seconds for one all-reduce of a `message_bytes` tensor (per GPU) over
// `group` GPUs: ring reduce-scatter + all-gather, 2 (n-1)/n of the message
// through each GPU's links.
double AllReduceSeconds(const hardware::HardwareSpec& hw, int group,
                        double message_bytes, const Calibration& cal);

// Seconds for one all-to-all (EP dispatch or combine) in which each of
// `group` GPUs sends `bytes_out_per_gpu` to the others, evenly spread.
double AllToAllSeconds(const hardware::HardwareSpec& hw, int group,
                       double bytes_out_per_gpu, const Calibration& cal);

}  // namespace infx::perf
