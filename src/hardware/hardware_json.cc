#include "hardware/hardware_json.h"

namespace infx::hardware {

nlohmann::json HardwareSpecJson(const HardwareSpec& spec) {
  return {
      {"name", spec.name},
      {"display_name", spec.display_name},
      {"vendor", spec.vendor},
      {"source", spec.source},
      {"aliases", spec.aliases},
      {"hbm_capacity_bytes", spec.hbm_capacity_bytes},
      {"hbm_bandwidth_bytes_per_s", spec.hbm_bandwidth_bytes_per_s},
      {"bf16_flops", spec.bf16_flops},
      {"fp8_flops", spec.fp8_flops},
      {"fp4_flops", spec.fp4_flops},
      {"gpus_per_node", spec.gpus_per_node},
      {"scale_up_domain_gpus", spec.scale_up_domain_gpus},
      {"scale_up_bandwidth_bytes_per_s", spec.scale_up_bandwidth_bytes_per_s},
      {"scale_out_bandwidth_bytes_per_s", spec.scale_out_bandwidth_bytes_per_s},
      {"scale_up_topology", spec.torus_dims > 0
                                ? std::to_string(spec.torus_dims) + "d-torus"
                                : std::string("switched")},
      {"torus_dims", spec.torus_dims},
      {"tdp_watts", spec.tdp_watts},
      {"all_in_power_watts", spec.all_in_power_watts},
      {"usd_per_gpu_hour", spec.usd_per_gpu_hour},
      {"usd_per_gpu_hour_is_assumption", true}};
}

}  // namespace infx::hardware
