// Built-in accelerator figures. Each entry cites its datasheet; dense
// FLOP/s are the vendor's "with sparsity" figures halved. Power and price
// rules are in builtin_hardware.h. hardware/catalog_test.cc cross-checks the
// NVIDIA entries against NVIDIA AIConfigurator's system files.
#include "hardware/builtin_hardware.h"

namespace infx::hardware {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;
constexpr double kMiB = 1024.0 * 1024;
constexpr double kGB = 1e9;
constexpr double kTB = 1e12;
constexpr double kTflops = 1e12;
constexpr double kPflops = 1e15;
constexpr double kOverhead = 1.2;  // all-in power over server power per GPU

std::vector<HardwareSpec> NvidiaHopperAndAmpere() {
  return {
      // NVIDIA H100 Tensor Core GPU datasheet, SXM5: 80 GB HBM3, 3.35 TB/s,
      // BF16 1,979 / FP8 3,958 TFLOPS with sparsity, NVLink 900 GB/s,
      // up to 700 W; DGX H100: 8x ConnectX-7 400 Gb/s, 10.2 kW max.
      {.name = "h100",
       .display_name = "NVIDIA H100 SXM5 80GB",
       .vendor = "nvidia",
       .source = "NVIDIA H100 datasheet (SXM5); DGX H100 user guide",
       .hbm_capacity_bytes = 80 * kGiB,
       .hbm_bandwidth_bytes_per_s = 3.35 * kTB,
       .bf16_flops = 989.5 * kTflops,
       .fp8_flops = 1979 * kTflops,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 450 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 700,
       .all_in_power_watts = 10200.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 2.00,
       .aliases = {"h100-sxm", "h100-sxm5", "h100-80gb"}},
      // NVIDIA H200 Tensor Core GPU datasheet, SXM: 141 GB HBM3e, 4.8 TB/s,
      // same Hopper tensor cores as H100, NVLink 900 GB/s, up to 700 W;
      // DGX H200 10.2 kW max.
      {.name = "h200",
       .display_name = "NVIDIA H200 SXM 141GB",
       .vendor = "nvidia",
       .source = "NVIDIA H200 datasheet (SXM); DGX H200 datasheet",
       .hbm_capacity_bytes = 141 * kGiB,
       .hbm_bandwidth_bytes_per_s = 4.8 * kTB,
       .bf16_flops = 989.5 * kTflops,
       .fp8_flops = 1979 * kTflops,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 450 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 700,
       .all_in_power_watts = 10200.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 2.50,
       .aliases = {"h200-sxm", "h200-141gb"}},
      // NVIDIA A100 datasheet, SXM4 80GB: 2,039 GB/s, BF16 312 TFLOPS dense,
      // NVLink 600 GB/s, 400 W; DGX A100: ConnectX-6 200 Gb/s, 6.5 kW max.
      {.name = "a100",
       .display_name = "NVIDIA A100 SXM4 80GB",
       .vendor = "nvidia",
       .source = "NVIDIA A100 datasheet (SXM4 80GB); DGX A100 datasheet",
       .hbm_capacity_bytes = 80 * kGiB,
       .hbm_bandwidth_bytes_per_s = 2.039 * kTB,
       .bf16_flops = 312 * kTflops,
       .fp8_flops = 0,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 300 * kGB,
       .scale_out_bandwidth_bytes_per_s = 25 * kGB,
       .tdp_watts = 400,
       .all_in_power_watts = 6500.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 1.30,
       .aliases = {"a100-sxm", "a100-80gb"}},
      // NVIDIA L40S datasheet: 48 GB GDDR6 (46,068 MiB usable), 864 GB/s,
      // BF16 362.05 / FP8 733 TFLOPS dense (733 / 1,466 with sparsity),
      // PCIe Gen4 x16 (no NVLink), 350 W. Server power is an estimate.
      {.name = "l40s",
       .display_name = "NVIDIA L40S 48GB (PCIe)",
       .vendor = "nvidia",
       .source = "NVIDIA L40S datasheet; server power estimated",
       .hbm_capacity_bytes = 46068 * kMiB,
       .hbm_bandwidth_bytes_per_s = 864 * kGB,
       .bf16_flops = 362.05 * kTflops,
       .fp8_flops = 733 * kTflops,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 32 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 350,
       .all_in_power_watts = 5000.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 0.90,
       .aliases = {"l40s-48gb"}},
  };
}

std::vector<HardwareSpec> NvidiaBlackwell() {
  return {
      // NVIDIA DGX B200 / HGX B200 datasheet: 1,440 GB HBM3e (nvidia-smi
      // 183,359 MiB per GPU), 64 TB/s total, FP4 144 / FP8 72 / BF16 36
      // PFLOPS with sparsity for 8 GPUs, NVLink 1.8 TB/s, 1,000 W; DGX B200:
      // 8x ConnectX-7 400 Gb/s, ~14.3 kW max.
      {.name = "b200",
       .display_name = "NVIDIA B200 SXM 180GB",
       .vendor = "nvidia",
       .source = "NVIDIA DGX B200 / HGX B200 datasheets",
       .hbm_capacity_bytes = 183359 * kMiB,
       .hbm_bandwidth_bytes_per_s = 8 * kTB,
       .bf16_flops = 2.25 * kPflops,
       .fp8_flops = 4.5 * kPflops,
       .fp4_flops = 9 * kPflops,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 900 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 1000,
       .all_in_power_watts = 14300.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 3.75,
       .aliases = {"b200-sxm", "hgx-b200", "dgx-b200"}},
      // NVIDIA HGX B300 datasheet (Blackwell Ultra): 288 GB HBM3e per GPU
      // (nvidia-smi 275,040 MiB), ~8 TB/s, FP4 108 PFLOPS dense / FP8 72 /
      // BF16 36 PFLOPS with sparsity for 8 GPUs, NVLink 1.8 TB/s, 1,100 W,
      // ConnectX-8 800 Gb/s per GPU; DGX B300 ~14.5 kW.
      {.name = "b300",
       .display_name = "NVIDIA B300 SXM 288GB (Blackwell Ultra)",
       .vendor = "nvidia",
       .source = "NVIDIA HGX B300 / DGX B300 datasheets",
       .hbm_capacity_bytes = 275040 * kMiB,
       .hbm_bandwidth_bytes_per_s = 8 * kTB,
       .bf16_flops = 2.25 * kPflops,
       .fp8_flops = 4.5 * kPflops,
       .fp4_flops = 13.5 * kPflops,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 900 * kGB,
       .scale_out_bandwidth_bytes_per_s = 100 * kGB,
       .tdp_watts = 1100,
       .all_in_power_watts = 14500.0 / 8 * kOverhead,
       .usd_per_gpu_hour = 4.50,
       .aliases = {"b300-sxm", "hgx-b300", "dgx-b300"}},
      // NVIDIA GB200 NVL72 datasheet: 72 GPUs in one NVLink domain, 13.4 TB
      // HBM3e (nvidia-smi 189,471 MiB per GPU), 576 TB/s, FP4 1,440 / FP8
      // 720 / BF16 360 PFLOPS with sparsity per rack, NVLink 1.8 TB/s per
      // GPU, 1,200 W per GPU, 4 GPUs per compute tray, ConnectX-7 400 Gb/s
      // per GPU; ~132 kW per rack.
      {.name = "gb200-nvl72",
       .display_name = "NVIDIA GB200 NVL72 (per GPU)",
       .vendor = "nvidia",
       .source = "NVIDIA GB200 NVL72 datasheet",
       .hbm_capacity_bytes = 189471 * kMiB,
       .hbm_bandwidth_bytes_per_s = 8 * kTB,
       .bf16_flops = 2.5 * kPflops,
       .fp8_flops = 5 * kPflops,
       .fp4_flops = 10 * kPflops,
       .gpus_per_node = 4,
       .scale_up_domain_gpus = 72,
       .scale_up_bandwidth_bytes_per_s = 900 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 1200,
       .all_in_power_watts = 132000.0 / 72 * kOverhead,
       .usd_per_gpu_hour = 4.50,
       .aliases = {"gb200", "gb200-nvl"}},
      // NVIDIA GB300 NVL72 datasheet: 72 Blackwell Ultra GPUs, up to 20 TB
      // HBM3e (nvidia-smi 284,208 MiB per GPU), 576 TB/s, FP4 1,080 PFLOPS
      // dense / FP8 720 / BF16 360 PFLOPS with sparsity per rack, NVLink
      // 1.8 TB/s, ConnectX-8 800 Gb/s per GPU, 1,400 W; ~140 kW per rack.
      {.name = "gb300-nvl72",
       .display_name = "NVIDIA GB300 NVL72 (per GPU)",
       .vendor = "nvidia",
       .source = "NVIDIA GB300 NVL72 datasheet",
       .hbm_capacity_bytes = 284208 * kMiB,
       .hbm_bandwidth_bytes_per_s = 8 * kTB,
       .bf16_flops = 2.5 * kPflops,
       .fp8_flops = 5 * kPflops,
       .fp4_flops = 15 * kPflops,
       .gpus_per_node = 4,
       .scale_up_domain_gpus = 72,
       .scale_up_bandwidth_bytes_per_s = 900 * kGB,
       .scale_out_bandwidth_bytes_per_s = 100 * kGB,
       .tdp_watts = 1400,
       .all_in_power_watts = 140000.0 / 72 * kOverhead,
       .usd_per_gpu_hour = 5.50,
       .aliases = {"gb300", "gb300-nvl"}},
  };
}

// AMD Instinct: 8 GPUs per platform, fully connected by 7 Infinity Fabric
// links per GPU (peak link bandwidth is bidirectional, halved here), one
// 400 Gb/s NIC per GPU. Server power is an estimate: 8 x TDP + host.
std::vector<HardwareSpec> Amd() {
  return {
      // AMD Instinct MI300X datasheet: 192 GB HBM3, 5.3 TB/s, BF16 1,307.4 /
      // FP8 2,614.9 TFLOPS dense, 7 x 128 GB/s Infinity Fabric links, 750 W.
      {.name = "mi300x",
       .display_name = "AMD Instinct MI300X 192GB",
       .vendor = "amd",
       .source = "AMD Instinct MI300X datasheet; server power estimated",
       .hbm_capacity_bytes = 192 * kGiB,
       .hbm_bandwidth_bytes_per_s = 5.3 * kTB,
       .bf16_flops = 1307.4 * kTflops,
       .fp8_flops = 2614.9 * kTflops,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 448 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 750,
       .all_in_power_watts = (8 * 750.0 + 4000) / 8 * kOverhead,
       .usd_per_gpu_hour = 1.90,
       .aliases = {"mi300"}},
      // AMD Instinct MI325X datasheet: 256 GB HBM3E, 6 TB/s, BF16 1,307.4 /
      // FP8 2,614.9 TFLOPS dense, 7 x 128 GB/s Infinity Fabric, 1,000 W.
      {.name = "mi325x",
       .display_name = "AMD Instinct MI325X 256GB",
       .vendor = "amd",
       .source = "AMD Instinct MI325X datasheet; server power estimated",
       .hbm_capacity_bytes = 256 * kGiB,
       .hbm_bandwidth_bytes_per_s = 6 * kTB,
       .bf16_flops = 1307.4 * kTflops,
       .fp8_flops = 2614.9 * kTflops,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 448 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 1000,
       .all_in_power_watts = (8 * 1000.0 + 4000) / 8 * kOverhead,
       .usd_per_gpu_hour = 2.25,
       .aliases = {"mi325"}},
      // AMD Instinct MI355X datasheet: 288 GB HBM3E, 8 TB/s, BF16 2.5 / FP8
      // 5.0 / MXFP4 10.0 PFLOPS dense, 7 x 153.6 GB/s Infinity Fabric,
      // 1,400 W (liquid cooled).
      {.name = "mi355x",
       .display_name = "AMD Instinct MI355X 288GB",
       .vendor = "amd",
       .source = "AMD Instinct MI355X datasheet; server power estimated",
       .hbm_capacity_bytes = 288 * kGiB,
       .hbm_bandwidth_bytes_per_s = 8 * kTB,
       .bf16_flops = 2516.6 * kTflops,
       .fp8_flops = 5033.2 * kTflops,
       .fp4_flops = 10066.3 * kTflops,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 8,
       .scale_up_bandwidth_bytes_per_s = 537.6 * kGB,
       .scale_out_bandwidth_bytes_per_s = 50 * kGB,
       .tdp_watts = 1400,
       .all_in_power_watts = (8 * 1400.0 + 5000) / 8 * kOverhead,
       .usd_per_gpu_hour = 3.00,
       .aliases = {"mi355"}},
  };
}

// Google Cloud TPU system architecture pages (v5e, v6e): per-chip HBM,
// bandwidth, BF16 peak and ICI bandwidth; 256-chip pods; 8 chips per host.
// No FP8/FP4 tensor path (INT8 only), so those are 0. ICI: the pages now
// give "bidirectional ICI bandwidth (per chip)" (v5e 400 GBps, v6e 800
// GBps); one direction is half of that, the same figure as the older
// pages' 1,600 / 3,200 Gbps (4 ports x 400 / 800 Gbps, one way). Chip power,
// DCN bandwidth per chip and server power are not published: estimates.
std::vector<HardwareSpec> Google() {
  return {
      // TPU v5e: 16 GB HBM2, 819 GB/s, BF16 197 TFLOPS, INT8 394 TOPS,
      // ICI 1,600 Gbps; on-demand list price $1.20 per chip-hour.
      {.name = "tpu-v5e",
       .display_name = "Google TPU v5e",
       .vendor = "google",
       .source = "cloud.google.com/tpu/docs/v5e; power and DCN estimated",
       .hbm_capacity_bytes = 16 * kGiB,
       .hbm_bandwidth_bytes_per_s = 819 * kGB,
       .bf16_flops = 197 * kTflops,
       .fp8_flops = 0,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 256,
       .scale_up_bandwidth_bytes_per_s = 200 * kGB,
       .scale_out_bandwidth_bytes_per_s = 3.125 * kGB,
       .torus_dims = 2,  // 2D torus, 16x16 per pod
       .tdp_watts = 200,
       .all_in_power_watts = 350,
       .usd_per_gpu_hour = 1.20,
       .aliases = {"v5e", "tpuv5e", "v5litepod"}},
      // TPU v6e (Trillium): 32 GB HBM, 1,640 GB/s, BF16 918 TFLOPS, INT8
      // 1,836 TOPS, ICI 3,200 Gbps; on-demand list price $2.70 per
      // chip-hour.
      {.name = "tpu-v6e",
       .display_name = "Google TPU v6e (Trillium)",
       .vendor = "google",
       .source = "cloud.google.com/tpu/docs/v6e; power and DCN estimated",
       .hbm_capacity_bytes = 32 * kGiB,
       .hbm_bandwidth_bytes_per_s = 1640 * kGB,
       .bf16_flops = 918 * kTflops,
       .fp8_flops = 0,
       .fp4_flops = 0,
       .gpus_per_node = 8,
       .scale_up_domain_gpus = 256,
       .scale_up_bandwidth_bytes_per_s = 400 * kGB,
       .scale_out_bandwidth_bytes_per_s = 12.5 * kGB,
       .torus_dims = 2,  // 2D torus, 4 ICI ports per chip, 16x16 per pod
       .tdp_watts = 300,
       .all_in_power_watts = 550,
       .usd_per_gpu_hour = 2.70,
       .aliases = {"v6e", "tpuv6e", "trillium"}},
      // TPU v5p: 95 GiB HBM2e usable, 2,765 GB/s, BF16 459 TFLOPS (FP8 no
      // faster), ICI 1,200 GB/s bidirectional per chip over 6 ports, 3D
      // torus, 8,960 chips per pod (largest slice 6,144), 4 chips per host,
      // DCN 50 Gb/s per chip; power and price are estimates.
      {.name = "tpu-v5p",
       .display_name = "Google TPU v5p",
       .vendor = "google",
       .source = "cloud.google.com/tpu/docs/v5p; power and price estimated",
       .hbm_capacity_bytes = 95 * kGiB,
       .hbm_bandwidth_bytes_per_s = 2765 * kGB,
       .bf16_flops = 459 * kTflops,
       .fp8_flops = 0,
       .fp4_flops = 0,
       .gpus_per_node = 4,
       .scale_up_domain_gpus = 6144,
       .scale_up_bandwidth_bytes_per_s = 600 * kGB,
       .scale_out_bandwidth_bytes_per_s = 6.25 * kGB,
       .torus_dims = 3,  // 3D torus (16x16x24 largest slice)
       .tdp_watts = 450,
       .all_in_power_watts = 800,
       .usd_per_gpu_hour = 4.20,
       .aliases = {"v5p", "tpuv5p"}},
  };
}

}  // namespace

std::vector<HardwareSpec> BuiltinHardware() {
  std::vector<HardwareSpec> all;
  for (auto group :
       {NvidiaHopperAndAmpere(), NvidiaBlackwell(), Amd(), Google()}) {
    for (HardwareSpec& spec : group) all.push_back(std::move(spec));
  }
  return all;
}

}  // namespace infx::hardware
