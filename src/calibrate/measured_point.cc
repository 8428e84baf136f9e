#include "calibrate/measured_point.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "common/precision.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/cost_model.h"
#include "perf/memory.h"

namespace infx::calibrate {
namespace {

// Concurrency that stands for "max throughput": more than any scheduler
// runs at once, so the prediction sits on the capacity cap.
constexpr int64_t kMaxThroughputConcurrency = 1'000'000;

template <typename T>
T Get(const nlohmann::json& d, const char* key, T fallback) {
  auto it = d.find(key);
  if (it == d.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const std::exception&) {
    return fallback;
  }
}

// A stored config as the model sees it (the sweep runner's and the
// importer's details: model, hardware, engine, precision, parallelism).
struct StoredConfig {
  std::string model, hardware, engine, precision, kv_precision;
  int tp = 1, pp = 1, ep = 1;
  bool dp_attention = false;
  bool disaggregated = false;
};

StoredConfig ConfigFromDetails(const store::ConfigRecord& c) {
  const nlohmann::json& d = c.details;
  StoredConfig s;
  s.model = Get<std::string>(d, "model", "");
  s.hardware =
      c.hardware.empty() ? Get<std::string>(d, "hardware", "") : c.hardware;
  s.engine = Get<std::string>(d, "engine", "vllm");
  s.precision = Get<std::string>(d, "precision", "bf16");
  s.kv_precision = Get<std::string>(d, "kv_precision", s.precision);
  s.tp = Get<int>(d, "tp", 1);
  s.pp = Get<int>(d, "pp", 1);
  s.ep = Get<int>(d, "ep", 1);
  s.dp_attention = Get<bool>(d, "dp_attention", false);
  s.disaggregated = d.contains("prefill");
  return s;
}

Result<perf::Deployment> DeploymentOf(const StoredConfig& s) {
  static const hardware::HardwareCatalog catalog =
      hardware::HardwareCatalog::Builtin();
  perf::Deployment d;
  INFX_ASSIGN_OR_RETURN(d.model, model::LoadModel(s.model));
  INFX_ASSIGN_OR_RETURN(d.hardware, catalog.Find(s.hardware));
  INFX_ASSIGN_OR_RETURN(d.weight_precision, ParsePrecision(s.precision));
  INFX_ASSIGN_OR_RETURN(d.kv_precision, ParsePrecision(s.kv_precision));
  INFX_ASSIGN_OR_RETURN(d.engine, perf::ParseEngine(s.engine));
  d.parallelism = {s.tp, s.pp, s.ep, s.dp_attention};
  d.calibration = perf::DefaultCalibration(d.hardware, d.engine);
  return d;
}

struct ConfigInfo {
  perf::Deployment deployment;
  perf::SchedulerLimits limits;
  std::string engine_version;
};

// The deployment of a stored config, or why it cannot be predicted.
Result<ConfigInfo> ConfigDeployment(const store::ConfigRecord& c) {
  const StoredConfig s = ConfigFromDetails(c);
  if (s.disaggregated) {
    return Status::FailedPrecondition("disaggregated: not modelled here");
  }
  if (!perf::ParseEngine(s.engine).ok()) {
    return Status::FailedPrecondition("engine '" + s.engine +
                                      "' has no performance model");
  }
  ConfigInfo info;
  INFX_ASSIGN_OR_RETURN(info.deployment, DeploymentOf(s));
  const perf::MemoryPlan memory = perf::PlanMemory(info.deployment);
  if (!memory.fits) {
    return Status::FailedPrecondition("does not fit: " + memory.reason);
  }
  info.limits.max_num_seqs = Get<int64_t>(c.details, "max_num_seqs", 256);
  info.limits.max_batched_tokens =
      Get<int64_t>(c.details, "max_batched_tokens", 8192);
  info.engine_version = c.engine_version;
  return info;
}

bool Selected(const store::ConfigRecord& c, const PointFilter& filter) {
  const StoredConfig s = ConfigFromDetails(c);
  return (filter.engine.empty() || s.engine == filter.engine) &&
         (filter.hardware.empty() || s.hardware == filter.hardware);
}

double Positive(double v) { return std::isfinite(v) && v > 0 ? v : 0; }

}  // namespace

Result<LoadedPoints> LoadMeasuredPoints(store::ResultsStore& store,
                                        const PointFilter& filter) {
  LoadedPoints out;
  if (filter.run_id > 0) {
    INFX_ASSIGN_OR_RETURN(store::RunRecord run, store.GetRun(filter.run_id));
    out.run_id = run.run_id;
  } else {
    INFX_ASSIGN_OR_RETURN(store::RunRecord run, store.LatestRun());
    out.run_id = run.run_id;
  }
  INFX_ASSIGN_OR_RETURN(auto configs, store.ListConfigs(out.run_id));
  std::map<std::string, Result<ConfigInfo>> by_key;
  for (const store::ConfigRecord& c : configs) {
    if (!Selected(c, filter)) continue;
    auto info = ConfigDeployment(c);
    if (!info.ok()) {
      out.skipped.push_back(
          fmt::format("{}: {}", c.config_key, info.status().message()));
    }
    by_key.emplace(c.config_key, std::move(info));
  }
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(out.run_id));
  for (const store::PointRecord& p : points) {
    auto it = by_key.find(p.key.config_key);
    if (it == by_key.end() || !it->second.ok()) continue;
    const std::string where =
        fmt::format("{} isl={} osl={} conc={}", p.key.config_key, p.key.isl,
                    p.key.osl, p.key.concurrency);
    if (p.metrics.completed == 0 ||
        (!p.metrics.valid && !filter.include_invalid) ||
        !(Positive(p.metrics.tput_per_gpu_output) > 0)) {
      out.skipped.push_back(
          where + (p.metrics.valid
                       ? ": no throughput measured"
                       : ": invalid (" + p.metrics.invalid_reasons + ")"));
      continue;
    }
    const ConfigInfo& info = *it->second;
    MeasuredPoint m;
    m.run_id = out.run_id;
    m.point_id = p.point_id;
    m.config_key = p.key.config_key;
    m.engine_version = info.engine_version;
    m.deployment = info.deployment;
    m.limits = info.limits;
    m.workload = {p.key.isl, p.key.osl, p.key.range_ratio};
    m.concurrency = p.key.concurrency;
    m.output_tok_s_per_gpu = p.metrics.tput_per_gpu_output;
    m.tpot_ms = Positive(p.metrics.median_tpot_ms);
    m.ttft_ms = Positive(p.metrics.median_ttft_ms);
    out.points.push_back(std::move(m));
  }
  return out;
}

Predicted PredictMeasured(const MeasuredPoint& point,
                          const perf::Calibration& cal) {
  perf::Deployment d = point.deployment;
  d.calibration = cal;
  const perf::CostModel costs = perf::BuildCostModel(d);
  const perf::MemoryPlan memory = perf::PlanMemory(d);
  const int64_t conc =
      point.concurrency > 0 ? point.concurrency : kMaxThroughputConcurrency;
  const perf::ServingPoint sp = perf::PredictServing(
      costs, memory, point.workload, conc, 1, {}, point.limits);
  return {sp.output_tok_s_per_gpu, sp.tpot_ms, sp.ttft_ms};
}

}  // namespace infx::calibrate
