// The emulator's GPU power model (docs/telemetry.md, "Emulator power"):
// each engine step draws, per GPU,
//   watts = idle + (TDP - idle) x min(1, compute_weight x u_compute
//                                        + memory_weight x u_memory)
// where u_compute and u_memory are the fractions of the step's predicted
// time that its operators are compute-bound (FLOP time) and memory-bound
// (byte time) in perf::PredictStepTime, so the catalog's TDP is the cap.
// Between steps (engine idle) a GPU draws `idle`. Energy is the integral of
// that piecewise-constant draw over wall-clock time, so at --time-scale s
// a token costs s times the modelled hardware's joules.
//
// PowerMeter keeps the draw of recent steps and answers cumulative energy
// and trailing-average power (what DCGM's POWER_USAGE reports) at any
// time; PoweredStepCostModel is the StepCostModel the engine calls once per
// step, which records the step's draw as it plans it.
//
// Thread-safety: PowerMeter is internally locked (the engine thread adds
// steps while /metrics handlers read); the rest is immutable.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "emulator/step_cost.h"
#include "hardware/hardware_spec.h"
#include "perf/cost_model.h"

namespace infx::emulator {

struct PowerModelParams {
  double tdp_watts = 700;
  double idle_watts = 70;
  double compute_weight = 1.0;
  double memory_weight = 0.6;
};

// Idle = 10% of TDP (H100/H200 boards idle near 70 W of 700 W).
inline constexpr double kIdleFractionOfTdp = 0.10;
PowerModelParams PowerParamsFor(const hardware::HardwareSpec& gpu);

// Per-GPU draw of one step, watts, in [idle, TDP].
double StepWatts(const PowerModelParams& params, const perf::StepTime& step);

class PowerMeter {
 public:
  PowerMeter(double idle_watts, int64_t start_ns);
  // The GPUs draw `watts` from start_ns to end_ns (steps do not overlap;
  // a step starting before the previous one's end cuts it short).
  void AddStep(int64_t start_ns, int64_t end_ns, double watts);
  // Joules one GPU has drawn from construction to now_ns.
  double EnergyJoules(int64_t now_ns) const;
  // Average draw over (now_ns - window_ns, now_ns], watts.
  double AverageWatts(int64_t now_ns, int64_t window_ns) const;

 private:
  struct Step {
    int64_t start_ns;
    int64_t end_ns;
    double watts;
  };
  double ExcessUpTo(int64_t t_ns) const;  // mu_ held
  void Prune(int64_t now_ns);             // mu_ held

  const double idle_watts_;
  const int64_t start_ns_;
  mutable std::mutex mu_;
  std::deque<Step> steps_;       // recent, in order
  double pruned_excess_j_ = 0;   // (watts - idle) x duration of older steps
  int64_t pruned_until_ns_ = 0;  // steps before this are in pruned_excess_j_
};

// One step as the power model priced it: the emulator's step power trace
// (EmulatorOptions::step_observer), from which a test recomputes the
// energy without the meter.
struct StepPowerRecord {
  int64_t start_ns = 0;  // steady clock: when the step was planned
  int64_t wall_ns = 0;   // planned wall duration (total_s x time_scale)
  perf::StepTime step;   // perf::PredictStepTime of the batch
  double watts = 0;      // per GPU (StepWatts)
};
using StepPowerObserver = std::function<void(const StepPowerRecord&)>;

// perf::PredictStepTime over a CostModel that also records each step's
// draw in `meter`: the step runs from now for total_s x time_scale.
// `observer` (may be empty) sees every step, on the engine thread.
class PoweredStepCostModel : public StepCostModel {
 public:
  PoweredStepCostModel(perf::CostModel costs, PowerModelParams params,
                       double time_scale, std::shared_ptr<PowerMeter> meter,
                       StepPowerObserver observer = {});
  double StepSeconds(const perf::BatchShape& batch) const override;

 private:
  perf::CostModel costs_;
  PowerModelParams params_;
  double time_scale_;
  std::shared_ptr<PowerMeter> meter_;
  StepPowerObserver observer_;
};

// DCGM-exporter-compatible families for `num_gpus` identical GPUs:
// DCGM_FI_DEV_POWER_USAGE (W, gauge: the trailing `window_ns` average) and
// DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ, counter), labels gpu, UUID,
// modelName, Hostname as the exporter writes them.
// Returned as exposition text to append to the /metrics page.
std::string DcgmMetricsText(const PowerMeter& meter, int num_gpus,
                            const std::string& gpu_model, int64_t now_ns,
                            int64_t window_ns);

}  // namespace infx::emulator
