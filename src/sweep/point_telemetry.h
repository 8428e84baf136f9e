// Server telemetry and GPU power of sweep points (docs/telemetry.md,
// "Sweeps"): the telemetry options one point of a config runs with, and
// the measured point's telemetry as the store keeps it (power columns,
// the summary in metrics_json, raw samples in their own table).
//
// Defaults a sweep resolves per config:
//   - power source `auto` against the built-in emulator target is `dcgm` on
//     the emulator's own /metrics (its power model), since no GPU is there;
//   - facility factor 0 (`auto`) is the config hardware's catalog all-in
//     power over its TDP (hardware::HardwareSpec all_in_power_watts /
//     tdp_watts), so a GPU drawing its TDP counts the catalog's all-in watts;
//     1.0 when the hardware or its figures are unknown.
//
// Thread-safety: pure functions (read-only catalogs).
#pragma once

#include "bench/point_telemetry.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/target.h"
#include "telemetry/session.h"

namespace infx::sweep {

// The facility factor `auto` means for `hardware` (1.0 when unknown).
double CatalogFacilityFactor(const std::string& hardware,
                             const std::string& hardware_file);

// `base` resolved for one config on one endpoint (see above).
telemetry::TelemetryOptions PointTelemetryOptions(
    const telemetry::TelemetryOptions& base, const Matrix& matrix,
    const ServingConfig& config, const TargetEndpoint& endpoint);

// Fills `record`'s metrics_json (bench result with the telemetry fields,
// raw samples left out), server_metrics_raw and metrics.power.
void AddPointTelemetry(const bench::MeasuredPoint& point,
                       store::PointRecord* record);

}  // namespace infx::sweep
