// Calibration files: the YAML that carries fitted (or hand-set) calibration
// factors for one hardware / engine pair (and engine version when known),
// as `infx calibrate` writes it and `--calibration FILE` on plan, emulate
// and sweep reads it (format: docs/calibration.md).
//
//   hardware: h200
//   engine: vllm
//   engine_version: "0.10.2"     # optional
//   factors: {gemm_mfu: 0.55, step_overhead_s: 0.0012}
//   fit: {...}                   # optional, written by infx calibrate
//
// A file may instead hold several such entries under `calibrations:`; an
// entry applies to the deployment whose hardware and engine it names. A
// plain mapping of factor names (the older override format) applies to any.
//
// Thread-safety: plain value types and pure functions (reading a file is the
// only I/O).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "perf/calibration.h"
#include "perf/deployment.h"

namespace infx::perf {

// Sets one field from a YAML scalar (range-checked; errors name `where` and
// the key). Unknown keys are errors. (Defined in calibration.cc.)
Status SetCalibrationField(const std::string& key, const YAML::Node& value,
                           const std::string& where, Calibration& c);
// The numeric field `name` of `c`, or nullptr for an unknown or boolean field:
// how the fitter (calibrate/) reads and writes factors by name.
double* CalibrationNumber(Calibration& c, const std::string& name);

struct CalibrationEntry {
  std::string hardware;        // catalog name ("h200"); "" = any (legacy)
  std::string engine;          // "vllm" | "sglang" | "trtllm"; "" = any
  std::string engine_version;  // "" = any version
  YAML::Node factors;          // field name -> value (CalibrationFieldNames)
};

struct CalibrationFile {
  std::string path;  // as given, for messages
  std::vector<CalibrationEntry> entries;
};

// Reads and checks a file: unknown keys, unknown factors and out-of-range
// values are errors naming the file and the key.
Result<CalibrationFile> ReadCalibrationFile(const std::string& path);

// The defaults of (hw, engine) overridden by the file's entry for them. An
// entry for other hardware or another engine (or another engine version,
// when both are known) is an error naming both.
Result<Calibration> ResolveCalibration(const CalibrationFile& file,
                                       const hardware::HardwareSpec& hw,
                                       Engine engine,
                                       std::string_view engine_version = "");

// Convenience: ReadCalibrationFile + ResolveCalibration; "" = defaults.
Result<Calibration> CalibrationFor(const std::string& path,
                                   const hardware::HardwareSpec& hw,
                                   Engine engine,
                                   std::string_view engine_version = "");

}  // namespace infx::perf
