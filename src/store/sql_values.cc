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

std::string PointValueColumns(std::string_view alias) {
  std::string cols;
  auto add = [&](std::string_view name) {
    if (!cols.empty()) cols += ", ";
    cols += fmt::format("{}{}", alias, name);
  };
  for (const char* c : {"isl", "osl", "range_ratio", "concurrency",
                        "request_rate", "repetition"}) {
    add(c);
  }
  for (const auto& c : kMetricColumns) add(c.name);
  for (const char* c : {"completed", "failed", "metrics_json", "recorded_at",
                        "series_key", "valid", "invalid_reasons", "power_valid",
                        "power_invalid_reasons", "power_source"}) {
    add(c);
  }
  for (const auto& c : kPowerColumns) add(c.name);
  return cols;
}

std::vector<SqlValue> PowerParams(const PointPower& power) {
  std::vector<SqlValue> out;
  if (power.measured) {
    out.push_back(static_cast<int64_t>(power.valid ? 1 : 0));
  } else {
    out.push_back(nullptr);
  }
  out.push_back(power.invalid_reasons);
  out.push_back(power.source);
  for (const auto& c : kPowerColumns) {
    out.push_back(
        MetricValue(power.valid ? power.*(c.field) : PointPower::kNotMeasured));
  }
  return out;
}

std::string PointColumnList() {
  return "run_id, config_id, " + PointValueColumns("");
}

// Columns of a point row as ParsePointRow reads them (alias p = points,
// c = configs).
std::string PointSelectList() {
  return "p.point_id, c.config_key, " + PointValueColumns("p.") + ", p.run_id";
}

std::string DumpLabels(const Labels& labels) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : labels) j[k] = v;
  return DumpJson(j);
}

Result<Labels> LoadLabels(const std::optional<std::string>& text) {
  INFX_ASSIGN_OR_RETURN(nlohmann::json j, LoadJson(text, "run labels"));
  Labels out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::vector<SqlValue> KeyParams(const PointKey& key, int64_t config_id) {
  return {key.run_id,
          config_id,
          static_cast<int64_t>(key.isl),
          static_cast<int64_t>(key.osl),
          key.range_ratio,
          static_cast<int64_t>(key.concurrency),
          key.request_rate,
          static_cast<int64_t>(key.repetition)};
}

// The engine_version column, else (configs stored before schema 2) the
// details' "engine_version".
Result<std::string> EngineVersionOf(
    const std::optional<std::string>& column,
    const std::optional<std::string>& details_text) {
  if (column && !column->empty()) return *column;
  INFX_ASSIGN_OR_RETURN(auto details, LoadJson(details_text, "config details"));
  if (details.is_object() && details.contains("engine_version") &&
      details["engine_version"].is_string()) {
    return details["engine_version"].get<std::string>();
  }
  return std::string();
}

Result<PointRecord> ParsePointRow(const SqlRow& row) {
  PointRecord p;
  PointKey& k = p.key;
  INFX_ASSIGN_OR_RETURN(p.point_id, ParseStoredInt(row[0], "point_id"));
  k.config_key = row[1].value_or("");
  INFX_ASSIGN_OR_RETURN(int64_t isl, ParseStoredInt(row[2], "isl"));
  INFX_ASSIGN_OR_RETURN(int64_t osl, ParseStoredInt(row[3], "osl"));
  INFX_ASSIGN_OR_RETURN(k.range_ratio,
                        ParseStoredDouble(row[4], "range_ratio"));
  INFX_ASSIGN_OR_RETURN(int64_t conc, ParseStoredInt(row[5], "concurrency"));
  INFX_ASSIGN_OR_RETURN(k.request_rate,
                        ParseStoredDouble(row[6], "request_rate"));
  INFX_ASSIGN_OR_RETURN(int64_t rep, ParseStoredInt(row[7], "repetition"));
  k.isl = static_cast<int>(isl);
  k.osl = static_cast<int>(osl);
  k.concurrency = static_cast<int>(conc);
  k.repetition = static_cast<int>(rep);
  size_t col = 8;
  for (const auto& c : kMetricColumns) {
    INFX_ASSIGN_OR_RETURN(p.metrics.*(c.field), ReadMetric(row[col++], c.name));
  }
  INFX_ASSIGN_OR_RETURN(p.metrics.completed,
                        ParseStoredInt(row[col++], "completed"));
  INFX_ASSIGN_OR_RETURN(p.metrics.failed, ParseStoredInt(row[col++], "failed"));
  INFX_ASSIGN_OR_RETURN(p.metrics_json, LoadJson(row[col++], "point metrics"));
  p.recorded_at = row[col++].value_or("");
  p.series_key = row[col++].value_or("");
  INFX_ASSIGN_OR_RETURN(int64_t valid, ParseStoredInt(row[col++], "valid"));
  p.metrics.valid = valid != 0;
  p.metrics.invalid_reasons = row[col++].value_or("");
  PointPower& power = p.metrics.power;
  if (row[col]) {
    INFX_ASSIGN_OR_RETURN(int64_t pv, ParseStoredInt(row[col], "power_valid"));
    power.measured = true;
    power.valid = pv != 0;
  }
  ++col;
  power.invalid_reasons = row[col++].value_or("");
  power.source = row[col++].value_or("");
  for (const auto& c : kPowerColumns) {
    INFX_ASSIGN_OR_RETURN(power.*(c.field), ReadMetric(row[col++], c.name));
  }
  INFX_ASSIGN_OR_RETURN(k.run_id, ParseStoredInt(row[col], "run_id"));
  static_assert(kNumMetricColumns == 18);
  return p;
}

}  // namespace infx::store
