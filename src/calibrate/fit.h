// Calibration fit: the performance model's calibration factors (GEMM,
// grouped-expert GEMM and FP4 efficiencies, HBM bandwidth efficiencies,
// interconnect efficiency, per-step / per-sequence / per-layer overheads)
// fitted to measured points by robust nonlinear least squares (Ceres
// Solver) on log error with a Huber loss and a weak Gaussian prior toward
// the defaults of the hardware and engine. Factors are fitted as log
// multipliers of their defaults. Reports each factor with a 95% interval
// (covariance at the optimum) and whether the data identify it, the
// residual of every point before and after, and leave-one-config-out
// error. Definitions: docs/calibration.md.
//
// Thread-safety: pure function over its inputs (Ceres runs single-threaded).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calibrate/measured_point.h"
#include "common/result.h"
#include "perf/calibration.h"

namespace infx::calibrate {

// The factors fitted when none are named, in report order.
const std::vector<std::string>& DefaultFitFactors();

struct FitOptions {
  std::vector<std::string> factors;  // empty = DefaultFitFactors()
  double prior_sigma_log = 0.5;      // prior std-dev of log(factor/default)
  double measurement_sigma = 0.02;   // relative error of one measurement
  double huber_delta = 2.0;          // Huber threshold, in sigmas
  bool leave_one_out = true;         // refit once per config left out
  int max_iterations = 100;
};

struct FactorFit {
  std::string name;
  double default_value = 0;
  double value = 0;
  double ci_low = 0;  // 95% interval
  double ci_high = 0;
  bool identifiable = false;
  std::string reason;  // why not identifiable; "" when it is
};

struct PointResidual {
  std::string config_key;
  int64_t isl = 0, osl = 0, concurrency = 0;  // concurrency 0 = max
  double measured = 0;                        // output tok/s per GPU
  double predicted_default = 0;               // with the defaults
  double predicted = 0;                       // with the fitted factors
  double error_default = 0;     // predicted_default / measured - 1
  double error = 0;             // predicted / measured - 1
  double tpot_measured_ms = 0;  // 0 = not measured
  double tpot_predicted_ms = 0;
  double loo_error = 0;  // with the fit that left its config out
  bool has_loo = false;
};

struct FitResult {
  std::string hardware;
  std::string engine;
  std::string engine_version;  // "" unless one version was measured
  std::vector<FactorFit> factors;
  std::vector<PointResidual> residuals;
  double median_abs_error = 0;          // output tok/s per GPU, after
  double median_abs_error_default = 0;  // the same, before
  double median_abs_error_tpot = 0;     // TPOT after (points measuring it)
  double loo_median_abs_error = 0;      // held-out points (0 if none)
  int loo_configs = 0;
  perf::Calibration calibration;  // defaults with the fitted factors
  std::string solver_summary;     // Ceres's one-line report
};

// Fits `points` (one hardware and engine: several is an error listing
// them). Too few points are an error; factors no point depends on are left
// at their defaults and reported as not identifiable with the reason.
Result<FitResult> FitCalibration(const std::vector<MeasuredPoint>& points,
                                 const FitOptions& options);

// No fit: `points` (one hardware and engine) predicted with the defaults
// and with `calibration` (e.g. a file fitted on other points), as
// residuals and median errors; the factors carry the given values
// (identifiable false, "given, not fitted"). How held-out error on points
// a calibration never saw is measured (`infx calibrate --evaluate FILE`).
Result<FitResult> EvaluateCalibration(const std::vector<MeasuredPoint>& points,
                                      const perf::Calibration& calibration);

}  // namespace infx::calibrate
