// Planner predictions against measurements: every measured point (the mean
// of its repetitions) beside the prediction stored with its config
// (`details.predicted_points`, store::ConfigRecord) at the same ISL, OSL
// and concurrency, with the error of throughput per GPU (total tokens) and
// of interactivity, and the median |error| over a set of points. A sweep
// run with a calibration (`--calibration`, docs/calibration.md) stores
// calibrated predictions, so the same figures are then its residuals.
// `infx frontier`, `infx report` and the dashboard's /api/predictions all
// use this one computation (definitions: docs/frontier.md).
//
// Thread-safety: PredictionMatcher is a plain value (one thread at a time);
// the free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "store/results_store.h"

namespace infx::frontier {

struct PredictionError {
  int64_t run_id = 0;
  std::string config_key;
  int64_t isl = 0, osl = 0, concurrency = 0;
  nlohmann::json predicted;  // the stored predicted point, as stored
  std::optional<double> predicted_tput_per_gpu_total;
  std::optional<double> predicted_interactivity_tok_s_user;
  double measured_tput_per_gpu_total = 0;  // mean of the repetitions
  double measured_interactivity_tok_s_user = 0;
  int repetitions = 0;
  // (predicted - measured) / measured x 100; nullopt without a prediction
  // of that figure or a positive measurement.
  std::optional<double> tput_error_pct;
  std::optional<double> interactivity_error_pct;
};

// Collects measured points, then pairs them with their configs' predictions.
class PredictionMatcher {
 public:
  // Adds one stored point of `run_id` (repetitions of a point are
  // averaged); points without a completed request are ignored.
  void Add(int64_t run_id, const store::PointRecord& point);

  // The config record of (run, config_key), nullptr when unknown.
  using ConfigLookup = std::function<const store::ConfigRecord*(
      int64_t run_id, const std::string& config_key)>;
  // One row per measured (run, config, ISL, OSL, concurrency) whose config
  // has a prediction there, in that order.
  std::vector<PredictionError> Match(const ConfigLookup& config_of) const;

 private:
  using Key = std::tuple<int64_t, std::string, int64_t, int64_t, int64_t>;
  struct Sums {
    double tput_per_gpu_total = 0;
    double interactivity_tok_s_user = 0;
    int n = 0;
  };
  std::map<Key, Sums> measured_;
};

// The rows of one run's configs and points (what `infx frontier` and
// `infx report` show).
std::vector<PredictionError> PredictionErrorsOf(
    int64_t run_id, const std::vector<store::ConfigRecord>& configs,
    const std::vector<store::PointRecord>& points);

// Median of |tput_error_pct| over the rows that have one; nullopt if none.
std::optional<double> MedianAbsTputErrorPct(
    const std::vector<PredictionError>& rows);

// One row as /api/predictions and `infx frontier --json` give it:
// run_id, config_key, isl, osl, concurrency, predicted (the stored point),
// measured_tput_per_gpu_total, measured_interactivity_tok_s_user,
// tput_error_pct, interactivity_error_pct (null when not computable).
nlohmann::json PredictionErrorJson(const PredictionError& row);

// Aligned text table (config, isl/osl, conc, predicted and measured
// tok/s/GPU and interactivity, errors) and a closing line with the median
// |error|; "" when there are no rows.
std::string FormatPredictionErrors(const std::vector<PredictionError>& rows);

}  // namespace infx::frontier
