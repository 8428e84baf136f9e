#include "emulator/power_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "emulator/engine.h"
#include "http/prometheus.h"

namespace infx::emulator {
namespace {

// Steps older than this are folded into one number.
constexpr int64_t kKeepNs = 2'000'000'000;

double Overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  return static_cast<double>(
      std::max<int64_t>(0, std::min(a1, b1) - std::max(a0, b0)));
}

}  // namespace

PowerModelParams PowerParamsFor(const hardware::HardwareSpec& gpu) {
  PowerModelParams p;
  if (gpu.tdp_watts > 0) p.tdp_watts = gpu.tdp_watts;
  p.idle_watts = kIdleFractionOfTdp * p.tdp_watts;
  return p;
}

double StepWatts(const PowerModelParams& params, const perf::StepTime& step) {
  if (!(step.total_s > 0)) return params.idle_watts;
  const double u_compute =
      std::clamp(step.compute_bound_s / step.total_s, 0.0, 1.0);
  const double u_memory =
      std::clamp(step.memory_bound_s / step.total_s, 0.0, 1.0);
  const double load = std::min(
      1.0, params.compute_weight * u_compute + params.memory_weight * u_memory);
  return params.idle_watts + (params.tdp_watts - params.idle_watts) * load;
}

PowerMeter::PowerMeter(double idle_watts, int64_t start_ns)
    : idle_watts_(idle_watts),
      start_ns_(start_ns),
      pruned_until_ns_(start_ns) {}

void PowerMeter::AddStep(int64_t start_ns, int64_t end_ns, double watts) {
  std::lock_guard lock(mu_);
  start_ns = std::max(start_ns, pruned_until_ns_);
  if (!steps_.empty() && steps_.back().end_ns > start_ns) {
    steps_.back().end_ns = std::max(steps_.back().start_ns, start_ns);
  }
  if (end_ns > start_ns) steps_.push_back({start_ns, end_ns, watts});
  Prune(start_ns);
}

void PowerMeter::Prune(int64_t now_ns) {
  while (!steps_.empty() && steps_.front().end_ns < now_ns - kKeepNs) {
    const Step& s = steps_.front();
    pruned_excess_j_ += (s.watts - idle_watts_) *
                        static_cast<double>(s.end_ns - s.start_ns) * 1e-9;
    pruned_until_ns_ = s.end_ns;
    steps_.pop_front();
  }
}

double PowerMeter::ExcessUpTo(int64_t t_ns) const {
  double j = pruned_excess_j_;
  for (const Step& s : steps_) {
    if (s.start_ns >= t_ns) break;
    j += (s.watts - idle_watts_) *
         Overlap(s.start_ns, s.end_ns, s.start_ns, t_ns) * 1e-9;
  }
  return j;
}

double PowerMeter::EnergyJoules(int64_t now_ns) const {
  std::lock_guard lock(mu_);
  now_ns = std::max(now_ns, start_ns_);
  return idle_watts_ * static_cast<double>(now_ns - start_ns_) * 1e-9 +
         ExcessUpTo(now_ns);
}

double PowerMeter::AverageWatts(int64_t now_ns, int64_t window_ns) const {
  if (window_ns <= 0) return idle_watts_;
  std::lock_guard lock(mu_);
  const int64_t from = now_ns - window_ns;
  double excess = 0;
  for (const Step& s : steps_) {
    excess +=
        (s.watts - idle_watts_) * Overlap(s.start_ns, s.end_ns, from, now_ns);
  }
  return idle_watts_ + excess / static_cast<double>(window_ns);
}

PoweredStepCostModel::PoweredStepCostModel(perf::CostModel costs,
                                           PowerModelParams params,
                                           double time_scale,
                                           std::shared_ptr<PowerMeter> meter,
                                           StepPowerObserver observer)
    : costs_(std::move(costs)),
      params_(params),
      time_scale_(time_scale),
      meter_(std::move(meter)),
      observer_(std::move(observer)) {}

double PoweredStepCostModel::StepSeconds(const perf::BatchShape& batch) const {
  const perf::StepTime step = perf::PredictStepTime(costs_, batch);
  const int64_t now = NowNs();
  const auto wall_ns = static_cast<int64_t>(step.total_s * time_scale_ * 1e9);
  const double watts = StepWatts(params_, step);
  meter_->AddStep(now, now + wall_ns, watts);
  if (observer_) observer_({now, wall_ns, step, watts});
  return step.total_s;
}

std::string DcgmMetricsText(const PowerMeter& meter, int num_gpus,
                            const std::string& gpu_model, int64_t now_ns,
                            int64_t window_ns) {
  const double watts = meter.AverageWatts(now_ns, window_ns);
  const double energy_mj = meter.EnergyJoules(now_ns) * 1e3;
  std::string out;
  const auto family = [&](std::string_view name, std::string_view help,
                          std::string_view type, double value) {
    fmt::format_to(std::back_inserter(out), "# HELP {0} {1}\n# TYPE {0} {2}\n",
                   name, help, type);
    for (int g = 0; g < num_gpus; ++g) {
      fmt::format_to(
          std::back_inserter(out),
          "{}{{gpu=\"{}\",UUID=\"GPU-infx-emulated-{}\",device=\"nvidia{}\","
          "modelName=\"{}\",Hostname=\"infx-emulator\"}} {}\n",
          name, g, g, g, gpu_model, http::FormatPromValue(value));
    }
  };
  family("DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", "gauge", watts);
  family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
         "Total energy consumption since boot (in mJ).", "counter", energy_mj);
  return out;
}

}  // namespace infx::emulator
