#include "perf/topology.h"

#include <algorithm>
#include <cmath>

namespace infx::perf {
namespace {

bool InDomain(const hardware::HardwareSpec& hw, int group) {
  return group <= std::max(1, hw.scale_up_domain_gpus);
}

// The link bandwidth a group inside or beyond the domain uses, per GPU.
double GroupLinkBytesPerS(const hardware::HardwareSpec& hw, int group) {
  const double out = hw.scale_out_bandwidth_bytes_per_s > 0
                         ? hw.scale_out_bandwidth_bytes_per_s
                         : hw.scale_up_bandwidth_bytes_per_s;
  return InDomain(hw, group) ? hw.scale_up_bandwidth_bytes_per_s : out;
}

double Transfer(double bytes, double bytes_per_s, const Calibration& cal) {
  const double bw = bytes_per_s * cal.comm_efficiency;
  return bw > 0 ? bytes / bw : 0.0;
}

bool OnTorus(const hardware::HardwareSpec& hw, int group) {
  return hw.torus_dims > 0 && group > 1 && InDomain(hw, group);
}

}  // namespace

TorusGroup ShapeTorusGroup(int group, int torus_dims) {
  TorusGroup g;
  const double n = std::max(1, group);
  const int dims = std::max(1, torus_dims);
  // A ring of 2, then one more dimension per doubling up to the torus's.
  g.dims_used = std::clamp(static_cast<int>(std::floor(std::log2(n))), 1, dims);
  g.side = std::pow(n, 1.0 / g.dims_used);
  // Mean wrap-around distance along one ring of `side` chips: floor(s^2/4)
  // summed over destinations, / s; over all others: x dims, x n/(n-1).
  const double per_dim = std::floor(g.side * g.side / 4.0) / g.side;
  g.mean_hops = n > 1 ? per_dim * g.dims_used * n / (n - 1) : 0;
  return g;
}

double AllReduceSeconds(const hardware::HardwareSpec& hw, int group,
                        double message_bytes, const Calibration& cal) {
  if (group <= 1) return 0;
  const double n = group;
  const double through = message_bytes * 2.0 * (n - 1) / n;
  if (!OnTorus(hw, group)) {
    return cal.comm_latency_s +
           Transfer(through, GroupLinkBytesPerS(hw, group), cal);
  }
  // Dimension by dimension (bidirectional rings of neighbours, so each
  // ring step is one hop, as on a switch): the group drives the links of
  // the dimensions it spans, dims_used / torus_dims of the chip's ICI
  // bandwidth.
  const TorusGroup g = ShapeTorusGroup(group, hw.torus_dims);
  const double bw = hw.scale_up_bandwidth_bytes_per_s * g.dims_used /
                    std::max(1, hw.torus_dims);
  return cal.comm_latency_s + Transfer(through, bw, cal);
}

double AllToAllSeconds(const hardware::HardwareSpec& hw, int group,
                       double bytes_out_per_gpu, const Calibration& cal) {
  if (group <= 1) return 0;
  if (!OnTorus(hw, group)) {
    return cal.comm_latency_s +
           Transfer(bytes_out_per_gpu, GroupLinkBytesPerS(hw, group), cal);
  }
  // Every byte occupies mean_hops links; the group's links (2 per spanned
  // dimension per chip) share the load evenly under dimension-order
  // routing. The farthest chip is dims_used x side/2 hops away.
  const TorusGroup g = ShapeTorusGroup(group, hw.torus_dims);
  const double bw = hw.scale_up_bandwidth_bytes_per_s * g.dims_used /
                    std::max(1, hw.torus_dims);
  const double far_hops = g.dims_used * std::floor(g.side / 2.0);
  return cal.comm_latency_s + far_hops * kTorusHopLatencyS +
         Transfer(bytes_out_per_gpu * g.mean_hops, bw, cal);
}

}  // namespace infx::perf
