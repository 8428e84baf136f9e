// GPU energy over a point's measurement window from power samples, as
// InferenceX's utils/aggregate_power.py integrates them: per GPU, the
// trapezoid rule over the samples inside the window plus the power
// linearly interpolated at both window edges; every GPU must have samples
// bracketing both edges and no gap between consecutive samples in (or
// next to) the window longer than `max_gap_s`, else power_valid is false
// with the reasons (named, per GPU). Average and P90 watts per GPU come
// from the same samples; joules per token and tokens per MW from the
// energy, the point's token counts and a facility factor (docs/telemetry.md).
//
// When every sample of a GPU also carries the source's cumulative energy
// counter, the GPU's energy is the counter's increase between the window
// edges (interpolated linearly): exact whatever the sampling; the
// trapezoid of the power samples is kept beside it as a cross-check.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace infx::telemetry {

struct PowerSample {
  int64_t t_ns = 0;  // steady clock
  std::string gpu;   // GPU index or id as the source names it
  double watts = 0;
  // Cumulative energy counter of the GPU (DCGM's
  // TOTAL_ENERGY_CONSUMPTION, in J), when the source has one.
  std::optional<double> energy_j;
};

struct PowerIntegrationOptions {
  double max_gap_s = 3.0;     // InferenceX's default
  int expected_num_gpus = 0;  // 0 = whatever the source shows
};

struct GpuPower {
  std::string gpu;
  double energy_j = 0;            // counter increase, else the trapezoid
  double trapezoid_energy_j = 0;  // power samples integrated
  bool from_counter = false;
  double avg_w = 0;  // energy / window
  double p90_w = 0;  // of the samples in the window
  int samples = 0;
  double max_gap_s = 0;
};

struct PowerResult {
  std::string source;  // "nvidia-smi" | "amd-smi" | "dcgm" | "" (none)
  bool valid = false;
  std::vector<std::string> invalid_reasons;
  std::vector<GpuPower> gpus;
  double window_s = 0;
  double total_energy_j = 0;         // all GPUs
  double avg_power_w = 0;            // mean of the GPUs' averages
  double avg_total_gpu_power_w = 0;  // sum of the GPUs' averages
  double p90_power_w = 0;            // largest per-GPU P90
};

PowerResult IntegratePower(const std::vector<PowerSample>& samples,
                           int64_t start_ns, int64_t end_ns,
                           const PowerIntegrationOptions& options);

// Energy per token and per-MW throughput of one point.
struct EnergyFigures {
  double joules_per_input_token = 0;
  double joules_per_output_token = 0;
  double joules_per_total_token = 0;
  double joules_per_successful_query = 0;
  // (input + output tok/s) / (avg total GPU power x facility_factor) x 1e6
  double tokens_per_mw = 0;
  double facility_factor = 1;
};
EnergyFigures DeriveEnergy(const PowerResult& power, int64_t input_tokens,
                           int64_t output_tokens, int64_t completed,
                           double facility_factor);

// The fields of the bench result (docs/telemetry.md): power_valid (1/0),
// power_invalid_reasons, power_source, avg_power_w, p90_power_w,
// avg_total_gpu_power_w, total_gpu_energy_j, joules_per_*_token,
// tokens_per_mw, facility_factor and per-GPU details under power_gpus.
// Energy fields are left out when power is not valid.
nlohmann::json PowerToJson(const PowerResult& power,
                           const EnergyFigures& energy);

}  // namespace infx::telemetry
