#include "web/api.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "frontier/accuracy.h"
#include "http/router.h"

namespace infx::web {
namespace {

using nlohmann::json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// With `details` false the (possibly large) details object is left out.
json ConfigJson(const RunData& run, const store::ConfigRecord& c,
                bool details = true) {
  json j = {{"run_id", run.run.run_id},
            {"config_key", c.config_key},
            {"hardware", c.hardware},
            {"num_gpus", c.num_gpus},
            {"model", DetailText(&c, "model")},
            {"engine", DetailText(&c, "engine")},
            {"precision", DetailText(&c, "precision")},
            {"parallelism", DetailText(&c, "parallelism")}};
  if (details) j["details"] = c.details;
  auto price = run.prices.find(c.hardware);
  if (price == run.prices.end()) {
    std::string lower = c.hardware;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(ch));
    price = run.prices.find(lower);
  }
  j["usd_per_gpu_hour"] = price == run.prices.end()
                              ? json(nullptr)
                              : Num(price->second.usd_per_gpu_hour);
  j["all_in_power_watts"] = price == run.prices.end()
                                ? json(nullptr)
                                : Num(price->second.all_in_power_watts);
  const auto pass = run.accuracy.ConfigPasses(c.config_key);
  j["accuracy_pass"] = pass ? json(*pass) : json(nullptr);
  return j;
}

json RunJson(const RunData& r) {
  size_t failed_points = 0;
  std::set<std::pair<int, int>> workloads;
  for (const auto& p : r.points) {
    if (p.metrics.failed > 0 || p.metrics.completed == 0) ++failed_points;
    workloads.insert({p.key.isl, p.key.osl});
  }
  json wl = json::array();
  for (const auto& [isl, osl] : workloads) {
    wl.push_back({{"isl", isl}, {"osl", osl}});
  }
  return {{"run_id", r.run.run_id},
          {"status", r.run.status},
          {"started_at", r.run.started_at},
          {"finished_at", r.run.finished_at},
          {"infx_version", r.run.infx_version},
          {"git_sha", r.run.git_sha},
          {"host", r.run.host},
          {"num_configs", r.configs.size()},
          {"num_points", r.points.size()},
          {"num_points_with_failures", failed_points},
          {"num_evals", r.evals.size()},
          {"workloads", wl}};
}

Result<json> RunsResponse(const StoreSnapshot& s, const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(auto filter, ParseFilter(params, "/api/runs"));
  json runs = json::array();
  for (const auto& r : s.runs) {
    if (filter.AcceptsRun(r.run.run_id)) runs.push_back(RunJson(r));
  }
  return json{{"store", s.store_description}, {"runs", runs}};
}

// One run in full: provenance, matrix, configs, evals and failed points.
Result<json> RunResponse(const StoreSnapshot& s, const QueryParams& params) {
  for (const auto& [name, values] : params) {
    if (name != "run") {
      return Status::InvalidArgument(fmt::format(
          "unknown parameter '{}' for /api/run (known: run)", name));
    }
  }
  INFX_ASSIGN_OR_RETURN(auto text, SingleParam(params, "run", ""));
  const RunData* r = nullptr;
  if (text.empty()) {
    if (s.runs.empty()) return Status::NotFound("the store holds no runs");
    r = &s.runs.front();
  } else {
    INFX_ASSIGN_OR_RETURN(auto filter, ParseFilter(params, "/api/run"));
    r = s.Run(*filter.runs.begin());
    if (!r) return Status::NotFound(fmt::format("no run {}", text));
  }
  json j = RunJson(*r);
  j["matrix_text"] = r->run.matrix_text;
  json configs = json::array();
  for (const auto& c : r->configs) configs.push_back(ConfigJson(*r, c));
  j["configs"] = configs;
  json evals = json::array();
  for (const auto& e : r->accuracy.evals) {
    evals.push_back(frontier::EvalAccuracyJson(e));
  }
  j["evals"] = evals;
  json failures = json::array();
  for (const auto& p : r->points) {
    if (p.metrics.failed > 0 || p.metrics.completed == 0) {
      json row = PointRow(*r, p);
      auto err = p.metrics_json.find("errors");
      if (err != p.metrics_json.end()) row["errors"] = *err;
      failures.push_back(row);
    }
  }
  j["failures"] = failures;
  return j;
}

// `fields=a,b`: the names of ConfigJson's fields to keep (all when absent);
// an unknown name is InvalidArgument naming it.
Result<std::vector<std::string>> ConfigFieldsParam(const QueryParams& params) {
  static const std::vector<std::string> kKnown = {
      "run_id",  "config_key",       "hardware",           "num_gpus",
      "model",   "engine",           "precision",          "parallelism",
      "details", "usd_per_gpu_hour", "all_in_power_watts", "accuracy_pass"};
  std::vector<std::string> fields;
  auto it = params.find("fields");
  if (it == params.end()) return fields;
  for (const auto& value : it->second) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string name = value.substr(start, comma - start);
      start = comma + 1;
      if (name.empty()) continue;
      if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
        return Status::InvalidArgument(
            fmt::format("parameter 'fields': unknown field '{}' (known: {})",
                        name, fmt::join(kKnown, ", ")));
      }
      fields.push_back(std::move(name));
    }
  }
  return fields;
}

Result<json> ConfigsResponse(const StoreSnapshot& s,
                             const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(auto filter,
                        ParseFilter(params, "/api/configs", {"fields"}));
  INFX_ASSIGN_OR_RETURN(auto fields, ConfigFieldsParam(params));
  json configs = json::array();
  for (const auto& r : s.runs) {
    if (!filter.AcceptsRun(r.run.run_id)) continue;
    for (const auto& c : r.configs) {
      if (!filter.AcceptsConfig(&c, c.config_key)) continue;
      const bool details =
          fields.empty() ||
          std::find(fields.begin(), fields.end(), "details") != fields.end();
      json full = ConfigJson(r, c, details);
      if (fields.empty()) {
        configs.push_back(std::move(full));
        continue;
      }
      json kept = json::object();
      for (const auto& f : fields) kept[f] = std::move(full[f]);
      configs.push_back(std::move(kept));
    }
  }
  return json{{"configs", configs}};
}

Result<json> PointsResponse(const StoreSnapshot& s, const QueryParams& params,
                            std::string_view endpoint) {
  INFX_ASSIGN_OR_RETURN(auto filter, ParseFilter(params, endpoint));
  json points = json::array();
  ForEachPoint(
      s, filter,
      [&](const RunData& r, const store::ConfigRecord*,
          const store::PointRecord& p) { points.push_back(PointRow(r, p)); });
  return json{{"points", points}};
}

Result<json> EvalsResponse(const StoreSnapshot& s, const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(auto filter, ParseFilter(params, "/api/evals"));
  json evals = json::array();
  for (const auto& r : s.runs) {
    if (!filter.AcceptsRun(r.run.run_id)) continue;
    for (const auto& e : r.accuracy.evals) {
      if (!filter.AcceptsConfig(r.Config(e.config_key), e.config_key)) {
        continue;
      }
      json j = frontier::EvalAccuracyJson(e);
      j["run_id"] = r.run.run_id;
      evals.push_back(j);
    }
  }
  return json{{"evals", evals}};
}

// RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string CsvField(const json& v) {
  std::string text;
  if (v.is_null()) return "";
  if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    text = v.dump();
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<std::string> ExportCsv(const StoreSnapshot& s,
                              const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(auto body,
                        PointsResponse(s, params, "/api/export.csv"));
  const auto& cols = ExportCsvColumns();
  std::string out = fmt::format("{}\n", fmt::join(cols, ","));
  for (const auto& row : body["points"]) {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) out += ',';
      out += CsvField(row.value(cols[i], json(nullptr)));
    }
    out += '\n';
  }
  return out;
}

ApiResponse ErrorResponse(const Status& s) {
  unsigned code = 500;
  if (s.code() == ErrorCode::kInvalidArgument) code = 400;
  if (s.code() == ErrorCode::kNotFound) code = 404;
  return {code, "application/json", json{{"error", s.message()}}.dump()};
}

ApiResponse JsonResponse(Result<json> r) {
  if (!r.ok()) return ErrorResponse(r.status());
  return {200, "application/json", r->dump()};
}

}  // namespace

const std::vector<std::string>& ExportCsvColumns() {
  static const std::vector<std::string> kColumns = {"run_id",
                                                    "point_id",
                                                    "config_key",
                                                    "model",
                                                    "hardware",
                                                    "engine",
                                                    "precision",
                                                    "parallelism",
                                                    "num_gpus",
                                                    "isl",
                                                    "osl",
                                                    "range_ratio",
                                                    "concurrency",
                                                    "request_rate",
                                                    "repetition",
                                                    "tput_per_gpu_total",
                                                    "tput_per_gpu_output",
                                                    "tput_per_gpu_input",
                                                    "interactivity_tok_s_user",
                                                    "median_ttft_ms",
                                                    "p99_ttft_ms",
                                                    "median_tpot_ms",
                                                    "median_itl_ms",
                                                    "median_e2el_ms",
                                                    "p99_e2el_ms",
                                                    "request_throughput_rps",
                                                    "completed",
                                                    "failed",
                                                    "duration_s",
                                                    "accuracy_status",
                                                    "valid",
                                                    "invalid_reasons",
                                                    "recorded_at"};
  return kColumns;
}

json PointRow(const RunData& run, const store::PointRecord& p) {
  const store::ConfigRecord* c = run.Config(p.key.config_key);
  const auto& m = p.metrics;
  std::string hw = DetailText(c, "hardware");
  if (hw.empty() && c) hw = c->hardware;
  return {{"run_id", run.run.run_id},
          {"point_id", p.point_id},
          {"config_key", p.key.config_key},
          {"model", DetailText(c, "model")},
          {"hardware", hw},
          {"engine", DetailText(c, "engine")},
          {"precision", DetailText(c, "precision")},
          {"parallelism", DetailText(c, "parallelism")},
          {"num_gpus", c ? c->num_gpus : 1},
          {"isl", p.key.isl},
          {"osl", p.key.osl},
          {"range_ratio", p.key.range_ratio},
          {"concurrency", p.key.concurrency},
          {"request_rate", p.key.request_rate},
          {"repetition", p.key.repetition},
          {"tput_per_gpu_total", Num(m.tput_per_gpu_total)},
          {"tput_per_gpu_output", Num(m.tput_per_gpu_output)},
          {"tput_per_gpu_input", Num(m.tput_per_gpu_input)},
          {"interactivity_tok_s_user", Num(m.interactivity_tok_s_user)},
          {"median_ttft_ms", Num(m.median_ttft_ms)},
          {"p99_ttft_ms", Num(m.p99_ttft_ms)},
          {"median_tpot_ms", Num(m.median_tpot_ms)},
          {"median_itl_ms", Num(m.median_itl_ms)},
          {"median_e2el_ms", Num(m.median_e2el_ms)},
          {"p99_e2el_ms", Num(m.p99_e2el_ms)},
          {"request_throughput_rps", Num(m.request_throughput_rps)},
          {"completed", m.completed},
          {"failed", m.failed},
          {"duration_s", Num(m.duration_s)},
          {"accuracy_status",
           frontier::StatusName(frontier::StatusAt(
               run.accuracy, p.key.config_key, p.key.concurrency))},
          {"valid", m.valid},
          {"invalid_reasons", m.invalid_reasons},
          {"recorded_at", p.recorded_at},
          {"power_valid", m.power.measured ? json(m.power.valid) : json()},
          {"power_invalid_reasons", m.power.invalid_reasons},
          {"power_source", m.power.source},
          {"avg_power_w", Num(m.power.avg_power_w)},
          {"p90_power_w", Num(m.power.p90_power_w)},
          {"total_gpu_energy_j", Num(m.power.total_gpu_energy_j)},
          {"joules_per_output_token", Num(m.power.joules_per_output_token)},
          {"joules_per_total_token", Num(m.power.joules_per_total_token)},
          {"tokens_per_mw", Num(m.power.tokens_per_mw)},
          {"facility_factor", Num(m.power.facility_factor)}};
}

ApiResponse HandleApi(const StoreSnapshot& s, std::string_view target) {
  auto params = ParseQuery(target);
  if (!params.ok()) return ErrorResponse(params.status());
  const std::string_view path = http::PathOf(target);
  if (path == "/api/runs") return JsonResponse(RunsResponse(s, *params));
  if (path == "/api/run") return JsonResponse(RunResponse(s, *params));
  if (path == "/api/configs") return JsonResponse(ConfigsResponse(s, *params));
  if (path == "/api/points" || path == "/api/export.json") {
    auto text = PointsText(s, *params, path);
    if (!text.ok()) return ErrorResponse(text.status());
    return {200, "application/json", std::move(*text)};
  }
  if (path == "/api/frontier") {
    return JsonResponse(FrontierResponse(s, *params));
  }
  if (path == "/api/history") return JsonResponse(HistoryResponse(s, *params));
  if (path == "/api/compare") return JsonResponse(CompareResponse(s, *params));
  if (path == "/api/evals") return JsonResponse(EvalsResponse(s, *params));
  if (path == "/api/predictions") {
    return JsonResponse(PredictionsResponse(s, *params));
  }
  if (path == "/api/export.csv") {
    auto csv = ExportCsv(s, *params);
    if (!csv.ok()) return ErrorResponse(csv.status());
    return {200, "text/csv; charset=utf-8", std::move(*csv)};
  }
  return {
      404, "application/json",
      json{{"error", fmt::format("no API endpoint {} (see docs/api.md)", path)}}
          .dump()};
}

}  // namespace infx::web
