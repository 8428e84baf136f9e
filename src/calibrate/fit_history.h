// Calibration fits kept with the run they came from (store schema 5): the
// record `infx calibrate` stores after a fit, and `infx calibrate
// --history`, one row per stored fit with each factor's fitted value, so a
// factor's drift over runs (an engine upgrade, a driver change) is visible.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibrate/fit.h"
#include "store/results_store.h"

namespace infx::calibrate {

// The record of `fit` of run `run_id`; `json` is its `infx calibrate
// --json` document (FitJson), stored whole.
store::CalibrationFitRecord FitRecord(const FitResult& fit,
                                      const nlohmann::json& json,
                                      int64_t run_id);

// Fits of this hardware and engine ("" = any), oldest first.
std::vector<store::CalibrationFitRecord> SelectFits(
    const std::vector<store::CalibrationFitRecord>& fits,
    const std::string& hardware, const std::string& engine);

// `infx calibrate --history --json`: {"fits": [{fit_id, run_id,
// recorded_at, hardware, engine, engine_version, points, median_abs_error,
// factors: {name: {value, ci_low, ci_high, identifiable}}}]}.
nlohmann::json FitHistoryJson(
    const std::vector<store::CalibrationFitRecord>& fits);

// One row per fit, one column per factor fitted in any of them (a value
// the data did not identify is marked `*`); "no stored fits" when empty.
std::string FitHistoryText(
    const std::vector<store::CalibrationFitRecord>& fits);

}  // namespace infx::calibrate
