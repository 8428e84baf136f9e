#include "sweep/predict.h"

#include <fmt/format.h>

#include <set>

#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/calibration.h"
#include "perf/calibration_file.h"
#include "perf/cost_model.h"
#include "perf/memory.h"

namespace infx::sweep {

Result<perf::Deployment> DeploymentFor(const ServingConfig& config,
                                       const EmulatorTargetSpec& emulator,
                                       const std::string& hardware_file,
                                       const std::string& calibration_file,
                                       const std::string& engine_version) {
  if (config.disaggregated()) {
    return Status::FailedPrecondition(
        fmt::format("{}: predictions for disaggregated configs are not wired",
                    config.Key()));
  }
  perf::Deployment d;
  INFX_ASSIGN_OR_RETURN(d.model, model::LoadModel(config.model));
  static const hardware::HardwareCatalog builtin =
      hardware::HardwareCatalog::Builtin();
  if (hardware_file.empty()) {
    INFX_ASSIGN_OR_RETURN(d.hardware, builtin.Find(config.hardware));
  } else {
    hardware::HardwareCatalog catalog = builtin;
    INFX_RETURN_IF_ERROR(catalog.MergeYamlFile(hardware_file));
    INFX_ASSIGN_OR_RETURN(d.hardware, catalog.Find(config.hardware));
  }
  INFX_ASSIGN_OR_RETURN(d.weight_precision, ParsePrecision(config.precision));
  INFX_ASSIGN_OR_RETURN(
      d.kv_precision,
      ParsePrecision(config.kv_precision.empty() ? config.precision
                                                 : config.kv_precision));
  auto engine = perf::ParseEngine(config.engine);
  d.engine = engine.ok() ? *engine : perf::Engine::kVllm;
  d.parallelism.tp = config.tp;
  d.parallelism.pp = config.pp;
  d.parallelism.ep = config.ep;
  d.parallelism.dp_attention = config.dp_attention;
  INFX_ASSIGN_OR_RETURN(d.calibration,
                        perf::CalibrationFor(calibration_file, d.hardware,
                                             d.engine, engine_version));
  if (emulator.kv_cache_fraction > 0) {
    d.calibration.memory_utilization = emulator.kv_cache_fraction;
  }
  return d;
}

Result<perf::ServingPoint> PredictPoint(const Matrix& matrix, int config_index,
                                        const Workload& workload,
                                        int concurrency) {
  INFX_ASSIGN_OR_RETURN(
      perf::Deployment d,
      DeploymentFor(matrix.configs[config_index], matrix.target.emulator,
                    matrix.hardware_file, matrix.calibration_file));
  const perf::CostModel costs = perf::BuildCostModel(d);
  const perf::MemoryPlan memory = perf::PlanMemory(d);
  if (!memory.fits) {
    return Status::FailedPrecondition(
        fmt::format("{}: does not fit: {}", matrix.configs[config_index].Key(),
                    memory.reason));
  }
  perf::SchedulerLimits limits;
  limits.max_num_seqs = matrix.target.emulator.max_num_seqs;
  limits.max_batched_tokens = matrix.target.emulator.max_batched_tokens;
  const perf::Workload w{workload.isl, workload.osl, workload.range_ratio,
                         workload.prefix_hit_rate};
  return perf::PredictServing(costs, memory, w, concurrency, 1, {}, limits);
}

Result<nlohmann::json> PredictConfigPoints(const Matrix& matrix,
                                           int config_index) {
  std::set<std::pair<int, int>> wanted;  // (workload, concurrency)
  for (const Point& p : ExpandPoints(matrix)) {
    if (p.config_index == config_index) {
      wanted.insert({p.workload_index, p.concurrency});
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [w, conc] : wanted) {
    const Workload& workload = matrix.workloads[w];
    INFX_ASSIGN_OR_RETURN(perf::ServingPoint sp,
                          PredictPoint(matrix, config_index, workload, conc));
    out.push_back({{"isl", workload.isl},
                   {"osl", workload.osl},
                   {"concurrency", conc},
                   {"tput_per_gpu_total", sp.total_tok_s_per_gpu},
                   {"tput_per_gpu_output", sp.output_tok_s_per_gpu},
                   {"tput_per_gpu_input", sp.input_tok_s_per_gpu},
                   {"interactivity_tok_s_user", sp.interactivity_tok_s_user},
                   {"median_ttft_ms", sp.ttft_ms},
                   {"median_e2el_ms", sp.e2e_ms}});
  }
  return out;
}

}  // namespace infx::sweep
