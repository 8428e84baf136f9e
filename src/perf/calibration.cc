#include "perf/calibration.h"

#include <algorithm>
#include <exception>
#include <string_view>

#include "common/files.h"
#include "hardware/hardware_spec.h"
#include "perf/deployment.h"

namespace infx::perf {
namespace {

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Efficiency of the hardware's kernels, from public figures: Hopper dense
// GEMMs reach ~60-70% of peak (cuBLAS, NVIDIA's MLPerf notes) and decode
// reads weights at ~80% of HBM bandwidth (aiconfigurator's
// mem_bw_empirical_scaling_factor 0.8); Blackwell kernels are younger;
// MI300-class GEMMs reach less of their larger peak (AMD ROCm blogs).
void ApplyHardwareDefaults(const hardware::HardwareSpec& hw, Calibration& c) {
  const std::string& name = hw.name;
  if (hw.vendor == "amd") {
    c.gemm_mfu = 0.45;
    c.attention_mfu = 0.35;
    c.weight_mbu = 0.70;
    c.kv_mbu = 0.60;
    c.comm_efficiency = 0.60;
    c.comm_latency_s = 15e-6;
  } else if (hw.vendor == "google") {
    c.gemm_mfu = 0.55;
    c.attention_mfu = 0.40;
    c.weight_mbu = 0.80;
    c.kv_mbu = 0.70;
    c.comm_latency_s = 10e-6;
  } else if (Contains(name, "b200") || Contains(name, "b300") ||
             Contains(name, "gb")) {
    c.gemm_mfu = 0.55;
    c.attention_mfu = 0.45;
    c.weight_mbu = 0.78;
    c.kv_mbu = 0.70;
    c.comm_efficiency = 0.75;
    c.comm_latency_s = 8e-6;
  } else {  // Hopper and anything NVIDIA-like
    c.gemm_mfu = 0.62;
    c.attention_mfu = 0.45;
    c.weight_mbu = 0.80;
    c.kv_mbu = 0.70;
    c.comm_efficiency = 0.70;
    c.comm_latency_s = 8e-6;
  }
}

// Host-side overheads and memory conventions of each engine.
void ApplyEngineDefaults(Engine engine, Calibration& c) {
  switch (engine) {
    case Engine::kVllm:  // V1 engine, CUDA graphs, gpu-memory-utilization
      c.step_overhead_s = 1.0e-3;
      c.per_seq_overhead_s = 8e-6;
      c.memory_utilization = 0.90;
      c.runtime_overhead_bytes = 3e9;
      c.utilization_of_free_memory = false;
      break;
    case Engine::kSglang:  // mem-fraction-static, overlap scheduler
      c.step_overhead_s = 0.8e-3;
      c.per_seq_overhead_s = 6e-6;
      c.memory_utilization = 0.88;
      c.runtime_overhead_bytes = 3e9;
      c.utilization_of_free_memory = false;
      break;
    case Engine::kTrtllm:  // C++ runtime, kv_cache_free_gpu_memory_fraction
      c.step_overhead_s = 0.5e-3;
      c.per_seq_overhead_s = 4e-6;
      c.memory_utilization = 0.90;
      c.runtime_overhead_bytes = 2.5e9;
      c.utilization_of_free_memory = true;
      c.gemm_mfu = std::min(0.75, c.gemm_mfu + 0.05);
      break;
  }
}

struct Field {
  const char* name;
  double Calibration::*number;
  bool Calibration::*flag;
};

const std::vector<Field>& Fields() {
  static const std::vector<Field> kFields = {
      {"gemm_mfu", &Calibration::gemm_mfu, nullptr},
      {"attention_mfu", &Calibration::attention_mfu, nullptr},
      {"weight_mbu", &Calibration::weight_mbu, nullptr},
      {"kv_mbu", &Calibration::kv_mbu, nullptr},
      {"comm_efficiency", &Calibration::comm_efficiency, nullptr},
      {"comm_latency_s", &Calibration::comm_latency_s, nullptr},
      {"step_overhead_s", &Calibration::step_overhead_s, nullptr},
      {"memory_utilization", &Calibration::memory_utilization, nullptr},
      {"runtime_overhead_bytes", &Calibration::runtime_overhead_bytes, nullptr},
      {"per_layer_overhead_s", &Calibration::per_layer_overhead_s, nullptr},
      {"moe_layer_overhead_s", &Calibration::moe_layer_overhead_s, nullptr},
      {"mla_layer_overhead_s", &Calibration::mla_layer_overhead_s, nullptr},
      {"per_seq_overhead_s", &Calibration::per_seq_overhead_s, nullptr},
      {"utilization_of_free_memory", nullptr,
       &Calibration::utilization_of_free_memory},
  };
  return kFields;
}

Status SetField(const std::string& key, const YAML::Node& value,
                const std::string& path, Calibration& c) {
  for (const Field& f : Fields()) {
    if (key != f.name) continue;
    try {
      if (f.flag != nullptr) {
        c.*(f.flag) = value.as<bool>();
        return Status::Ok();
      }
      const double v = value.as<double>();
      const bool fraction = key.ends_with("mfu") || key.ends_with("mbu") ||
                            key == "comm_efficiency" ||
                            key == "memory_utilization";
      if (v < 0 || (fraction && (v <= 0 || v > 1))) {
        return Status::InvalidArgument(
            path + ": '" + key + "' = " + value.Scalar() + " is out of range");
      }
      c.*(f.number) = v;
      return Status::Ok();
    } catch (const std::exception&) {
      return Status::InvalidArgument(
          path + ": '" + key + "' is not a number: '" + value.Scalar() + "'");
    }
  }
  return Status::InvalidArgument(path + ": unknown calibration field '" + key +
                                 "'");
}

}  // namespace

const std::vector<std::string>& CalibrationFieldNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Field& f : Fields()) names.emplace_back(f.name);
    return names;
  }();
  return kNames;
}

Calibration DefaultCalibration(const hardware::HardwareSpec& hw,
                               Engine engine) {
  Calibration c;
  ApplyHardwareDefaults(hw, c);
  ApplyEngineDefaults(engine, c);
  return c;
}

Result<Calibration> LoadCalibrationFile(const std::string& path,
                                        Calibration base) {
  INFX_ASSIGN_OR_RETURN(YAML::Node root, ReadYamlFile(path));
  if (!root.IsMap()) {
    return Status::InvalidArgument(
        path + ": expected a mapping of calibration field to number");
  }
  for (const auto& entry : root) {
    std::string key;
    try {
      key = entry.first.as<std::string>();
    } catch (const std::exception&) {
      return Status::InvalidArgument(path + ": non-string key");
    }
    INFX_RETURN_IF_ERROR(SetField(key, entry.second, path, base));
  }
  return base;
}

}  // namespace infx::perf
