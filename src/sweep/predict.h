// Planner predictions for sweep configs: the perf serving model's curve at
// each concurrency a config is measured at, stored with the config
// (store::ConfigRecord details "predicted_points") so the report draws
// predicted points beside measured ones, and used by --plan to choose
// configs before measuring.
//
// Thread-safety: pure functions (read-only catalogs).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/result.h"
#include "perf/deployment.h"
#include "perf/serving.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// The perf deployment of an aggregated config; FailedPrecondition for a
// disaggregated one, NotFound for an unknown model or GPU.
// `hardware_file` adds to the built-in hardware catalog (--hardware-file);
// `calibration_file` (docs/calibration.md) replaces the default calibration
// with its entry for the config's hardware and engine.
Result<perf::Deployment> DeploymentFor(const ServingConfig& config,
                                       const EmulatorTargetSpec& emulator,
                                       const std::string& hardware_file = "",
                                       const std::string& calibration_file = "",
                                       const std::string& engine_version = "");

// Predicted serving point of `config` on `workload` at `concurrency`, with
// the emulator target's scheduler limits.
Result<perf::ServingPoint> PredictPoint(const Matrix& matrix, int config_index,
                                        const Workload& workload,
                                        int concurrency);

// Predictions for every (workload, concurrency) the matrix measures for the
// config, as store::ConfigRecord's "predicted_points" array (each object
// also carries "isl" and "osl").
Result<nlohmann::json> PredictConfigPoints(const Matrix& matrix,
                                           int config_index);

}  // namespace infx::sweep
