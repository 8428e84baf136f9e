#include "store/sql_values.h"

#include <fmt/format.h>

#include <cmath>

namespace infx::store {

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> LoadJson(const std::optional<std::string>& text,
                                std::string_view what) {
  if (!text) return nlohmann::json();
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::ParseError(fmt::format("stored {} is not valid JSON", what));
  }
  return j;
}

SqlValue MetricValue(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

Result<double> ReadMetric(const std::optional<std::string>& text,
                          std::string_view what) {
  if (!text) return std::nan("");
  return ParseStoredDouble(text, what);
}

Status ValidateKey(const PointKey& key) {
  if (key.config_key.empty()) {
    return Status::InvalidArgument("point: empty config_key");
  }
  if (key.isl < 0 || key.osl < 0 || key.concurrency < 0 || key.repetition < 0) {
    return Status::InvalidArgument(fmt::format(
        "point {}: isl, osl, concurrency and repetition must be >= 0",
        key.config_key));
  }
  if (!std::isfinite(key.range_ratio) || !std::isfinite(key.request_rate) ||
      key.request_rate < 0) {
    return Status::InvalidArgument(fmt::format(
        "point {}: range_ratio and request_rate must be finite (rate >= 0)",
        key.config_key));
  }
  return Status::Ok();
}

std::string PointColumnList() {
  std::string cols =
      "run_id, config_id, isl, osl, range_ratio, concurrency, request_rate, "
      "repetition";
  for (const auto& c : kMetricColumns) cols += fmt::format(", {}", c.name);
  return cols +
         ", completed, failed, metrics_json, recorded_at, series_key, valid, "
         "invalid_reasons";
}

}  // namespace infx::store
