// Helpers of the SQL results store (sql_results_store.cc): the key metric
// columns of table points, JSON and metric value conversions, point key
// validation and point/run row conversions. Internal to the store module.
//
// Thread-safety: stateless functions and constant tables.
#pragma once

#include <cstddef>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"
#include "store/sql_connection.h"

namespace infx::store {

struct MetricColumn {
  const char* name;
  double PointMetrics::*field;
};

// Key metric columns of table points, in schema order.
inline constexpr MetricColumn kMetricColumns[] = {
    {"tput_per_gpu_total", &PointMetrics::tput_per_gpu_total},
    {"tput_per_gpu_output", &PointMetrics::tput_per_gpu_output},
    {"tput_per_gpu_input", &PointMetrics::tput_per_gpu_input},
    {"interactivity_tok_s_user", &PointMetrics::interactivity_tok_s_user},
    {"mean_ttft_ms", &PointMetrics::mean_ttft_ms},
    {"median_ttft_ms", &PointMetrics::median_ttft_ms},
    {"p99_ttft_ms", &PointMetrics::p99_ttft_ms},
    {"mean_tpot_ms", &PointMetrics::mean_tpot_ms},
    {"median_tpot_ms", &PointMetrics::median_tpot_ms},
    {"p99_tpot_ms", &PointMetrics::p99_tpot_ms},
    {"mean_itl_ms", &PointMetrics::mean_itl_ms},
    {"median_itl_ms", &PointMetrics::median_itl_ms},
    {"p99_itl_ms", &PointMetrics::p99_itl_ms},
    {"mean_e2el_ms", &PointMetrics::mean_e2el_ms},
    {"median_e2el_ms", &PointMetrics::median_e2el_ms},
    {"p99_e2el_ms", &PointMetrics::p99_e2el_ms},
    {"request_throughput_rps", &PointMetrics::request_throughput_rps},
    {"duration_s", &PointMetrics::duration_s},
};
inline constexpr size_t kNumMetricColumns = std::size(kMetricColumns);

// Schema 4: the power figures of PointPower, in schema order (after
// power_valid, power_invalid_reasons, power_source).
struct PowerColumn {
  const char* name;
  double PointPower::*field;
};
inline constexpr PowerColumn kPowerColumns[] = {
    {"avg_power_w", &PointPower::avg_power_w},
    {"p90_power_w", &PointPower::p90_power_w},
    {"total_gpu_energy_j", &PointPower::total_gpu_energy_j},
    {"joules_per_output_token", &PointPower::joules_per_output_token},
    {"joules_per_total_token", &PointPower::joules_per_total_token},
    {"tokens_per_mw", &PointPower::tokens_per_mw},
    {"facility_factor", &PointPower::facility_factor},
};
// The power columns' values of one point, in PointValueColumns order.
std::vector<SqlValue> PowerParams(const PointPower& power);

// Compact JSON; invalid UTF-8 replaced.
std::string DumpJson(const nlohmann::json& j);
// Stored JSON text; null JSON for NULL, ParseError naming `what` if invalid.
Result<nlohmann::json> LoadJson(const std::optional<std::string>& text,
                                std::string_view what);
// NaN/inf are stored as NULL and read back as NaN.
SqlValue MetricValue(double v);
Result<double> ReadMetric(const std::optional<std::string>& text,
                          std::string_view what);
// InvalidArgument for an empty config key, negative sizes or non-finite
// range ratio / request rate.
Status ValidateKey(const PointKey& key);
// The point columns after the key's owner (isl ... invalid_reasons), each
// prefixed by `alias` ("p." in a join, "" otherwise): shared by the INSERT
// and SELECT lists so a new column is added once.
std::string PointValueColumns(std::string_view alias);
// Columns of an INSERT INTO points, in order.
std::string PointColumnList();
// Columns of a point row as ParsePointRow reads them (alias p = points,
// c = configs).
std::string PointSelectList();
// A point row selected with PointSelectList; errors name the bad column.
Result<PointRecord> ParsePointRow(const SqlRow& row);
// Parameters run_id, config_id, isl, osl, range_ratio, concurrency,
// request_rate, repetition of a point key ($1..$8 of the key's WHERE).
std::vector<SqlValue> KeyParams(const PointKey& key, int64_t config_id);
// The engine_version column, else (configs stored before schema 2) the
// details' "engine_version".
Result<std::string> EngineVersionOf(
    const std::optional<std::string>& column,
    const std::optional<std::string>& details_text);
// Run labels as a JSON object text, and back (non-string values dumped).
std::string DumpLabels(const Labels& labels);
Result<Labels> LoadLabels(const std::optional<std::string>& text);

}  // namespace infx::store
