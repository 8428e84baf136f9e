// Measured points as the calibration fitter sees them: each stored point of
// a run (a sweep, or published rows loaded by `infx import-measurements`)
// with the deployment it measured (rebuilt from its config's details), its
// workload and load, and the figures the performance model predicts
// (output tok/s per GPU, median TPOT and TTFT). PredictMeasured is the model
// side of every residual: perf::PredictServing with a given calibration.
//
// Thread-safety: LoadMeasuredPoints reads one store (one thread);
// PredictMeasured is a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "perf/calibration.h"
#include "perf/deployment.h"
#include "perf/serving.h"
#include "store/results_store.h"

namespace infx::calibrate {

struct MeasuredPoint {
  int64_t run_id = 0;
  int64_t point_id = 0;
  std::string config_key;
  std::string engine_version;   // as stored with the config; "" = unknown
  perf::Deployment deployment;  // calibration = defaults of hardware/engine
  perf::Workload workload;
  perf::SchedulerLimits limits;
  int64_t concurrency = 0;  // 0 = "max throughput" (as many as fit)
  double output_tok_s_per_gpu = 0;
  double tpot_ms = 0;  // median; 0 = not measured
  double ttft_ms = 0;  // median; 0 = not measured
};

struct PointFilter {
  int64_t run_id = 0;    // 0 = the latest run
  std::string engine;    // "" = any
  std::string hardware;  // "" = any
  // Fit points judged INVALID too (run validity, e.g. client read lag on a
  // busy host); by default they are skipped with their reasons.
  bool include_invalid = false;
};

struct LoadedPoints {
  int64_t run_id = 0;
  std::vector<MeasuredPoint> points;
  // Points or configs left out, one line each with the reason (invalid,
  // failed, disaggregated, engine without a model, does not fit).
  std::vector<std::string> skipped;
};

Result<LoadedPoints> LoadMeasuredPoints(store::ResultsStore& store,
                                        const PointFilter& filter);

struct Predicted {
  double output_tok_s_per_gpu = 0;
  double tpot_ms = 0;
  double ttft_ms = 0;
};

// The model's figures for `point` under calibration `cal` (its deployment's
// calibration is replaced).
Predicted PredictMeasured(const MeasuredPoint& point,
                          const perf::Calibration& cal);

}  // namespace infx::calibrate
