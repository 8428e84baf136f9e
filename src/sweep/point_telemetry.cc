#include "sweep/point_telemetry.h"

#include "hardware/catalog.h"

namespace infx::sweep {

double CatalogFacilityFactor(const std::string& hardware,
                             const std::string& hardware_file) {
  static const hardware::HardwareCatalog builtin =
      hardware::HardwareCatalog::Builtin();
  hardware::HardwareCatalog catalog = builtin;
  if (!hardware_file.empty() && !catalog.MergeYamlFile(hardware_file).ok()) {
    return 1.0;
  }
  auto spec = catalog.Find(hardware);
  if (!spec.ok() || !(spec->tdp_watts > 0) ||
      !(spec->all_in_power_watts >= spec->tdp_watts)) {
    return 1.0;
  }
  return spec->all_in_power_watts / spec->tdp_watts;
}

telemetry::TelemetryOptions PointTelemetryOptions(
    const telemetry::TelemetryOptions& base, const Matrix& matrix,
    const ServingConfig& config, const TargetEndpoint& endpoint) {
  telemetry::TelemetryOptions o = base;
  if (o.facility_factor == 0) {
    o.facility_factor =
        CatalogFacilityFactor(config.hardware, matrix.hardware_file);
  }
  if (endpoint.serves_dcgm_power && o.power.source == "auto" &&
      o.power.dcgm_url.empty()) {
    o.power.source = "dcgm";  // the emulator's /metrics
  }
  if (o.expected_num_gpus == 0 && endpoint.serves_dcgm_power) {
    o.expected_num_gpus = config.gpus();
  }
  return o;
}

void AddPointTelemetry(const bench::MeasuredPoint& point,
                       store::PointRecord* record) {
  record->metrics_json = bench::MeasuredPointToJson(point);
  if (auto raw = record->metrics_json.find("server_metrics_raw");
      raw != record->metrics_json.end()) {
    record->server_metrics_raw = std::move(*raw);
    record->metrics_json.erase(raw);
  }
  record->metrics.power = store::PointPowerFromResultJson(record->metrics_json);
}

}  // namespace infx::sweep
