// StepCostModel: how long one engine step lasts for a batch, in model
// seconds. The emulator's only dependency on the performance model, kept
// narrow so scheduler and engine tests can use a fake.
//
// Thread-safety: implementations are immutable after construction; StepSeconds
// is const and safe from any thread.
#pragma once

#include "perf/cost_model.h"
#include "perf/step_time.h"

namespace infx::emulator {

class StepCostModel {
 public:
  virtual ~StepCostModel() = default;
  // Duration of one step running `batch`, seconds (> 0 for a non-empty batch).
  virtual double StepSeconds(const perf::BatchShape& batch) const = 0;
};

// perf::PredictStepTime over a precomputed perf::CostModel.
class PerfStepCostModel : public StepCostModel {
 public:
  explicit PerfStepCostModel(perf::CostModel costs)
      : costs_(std::move(costs)) {}
  double StepSeconds(const perf::BatchShape& batch) const override {
    return perf::PredictStepTime(costs_, batch).total_s;
  }

 private:
  perf::CostModel costs_;
};

}  // namespace infx::emulator
