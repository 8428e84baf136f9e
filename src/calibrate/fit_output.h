// How a calibration fit is written: the calibration file (docs/
// calibration.md; readable by --calibration), the `infx calibrate --json`
// document (`factors`, `residuals`, `median_abs_error`, ...), and the text
// tables the command prints.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibrate/fit.h"

namespace infx::calibrate {

// Where the fit came from, written beside it.
struct FitSource {
  std::string store;  // redacted store location
  int64_t run_id = 0;
  size_t points = 0;
  std::vector<std::string> skipped;  // points left out, with reasons
  // `--evaluate FILE`: the calibration was read from FILE, not fitted.
  std::string evaluated_file;
};

// The calibration file: hardware, engine, engine_version, factors (every
// fitted factor) and a `fit:` block (intervals, identifiability, errors).
std::string FitYaml(const FitResult& fit, const FitSource& source);

// The JSON contract of `infx calibrate --json` (docs/calibration.md).
nlohmann::json FitJson(const FitResult& fit, const FitSource& source);

// Factor table, residual table and summary lines.
std::string FitText(const FitResult& fit, const FitSource& source);

}  // namespace infx::calibrate
