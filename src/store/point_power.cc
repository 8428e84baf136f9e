// PointPowerFromResultJson (results_store.h): the bench result's power
// fields (telemetry::PowerToJson, docs/telemetry.md) as the store keeps
// them.
#include <cmath>

#include "store/results_store.h"

namespace infx::store {
namespace {

double NumberOr(const nlohmann::json& j, const char* key, double fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<double>();
}

std::string TextOr(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

PointPower PointPowerFromResultJson(const nlohmann::json& result) {
  PointPower p;
  if (!result.is_object()) return p;
  auto valid = result.find("power_valid");
  if (valid == result.end() || !(valid->is_number() || valid->is_boolean())) {
    return p;
  }
  p.measured = true;
  p.valid =
      valid->is_boolean() ? valid->get<bool>() : valid->get<double>() != 0;
  p.invalid_reasons = TextOr(result, "power_invalid_reasons");
  p.source = TextOr(result, "power_source");
  if (!p.valid) return p;
  const double nan = PointPower::kNotMeasured;
  p.avg_power_w = NumberOr(result, "avg_power_w", nan);
  p.p90_power_w = NumberOr(result, "p90_power_w", nan);
  p.total_gpu_energy_j = NumberOr(result, "total_gpu_energy_j", nan);
  p.joules_per_output_token = NumberOr(result, "joules_per_output_token", nan);
  p.joules_per_total_token = NumberOr(result, "joules_per_total_token", nan);
  p.tokens_per_mw = NumberOr(result, "tokens_per_mw", nan);
  p.facility_factor = NumberOr(result, "facility_factor", nan);
  return p;
}

}  // namespace infx::store
