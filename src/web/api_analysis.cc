// The analysis endpoints of the dashboard API: frontier, history, compare
// and predictions (docs/api.md). Frontier and comparison numbers come from
// frontier::AnalyzePoints / CompareFrontiers, as `infx frontier` prints.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <tuple>

#include "frontier/format.h"
#include "frontier/frontier.h"
#include "frontier/prediction_error.h"
#include "web/api.h"
#include "web/frontier_columns.h"

namespace infx::web {
namespace {

using nlohmann::json;

Result<std::vector<double>> ParseLevels(const std::string& text) {
  std::vector<double> levels;
  size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string token = text.substr(start, comma - start);
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (token.empty() || *end != '\0' || !std::isfinite(v) || v <= 0) {
      return Status::InvalidArgument(
          fmt::format("parameter 'iso': '{}' is not a positive number", token));
    }
    levels.push_back(v);
    start = comma + 1;
  }
  return levels;
}

Result<frontier::AnalysisOptions> ParseAnalysisOptions(
    const QueryParams& params) {
  frontier::AnalysisOptions o;
  INFX_ASSIGN_OR_RETURN(auto x, SingleParam(params, "x", "interactivity"));
  INFX_ASSIGN_OR_RETURN(auto y, SingleParam(params, "y", "total"));
  INFX_ASSIGN_OR_RETURN(o.x, frontier::ParseXMetric(x));
  INFX_ASSIGN_OR_RETURN(o.y, frontier::ParseYMetric(y));
  INFX_ASSIGN_OR_RETURN(auto iso, SingleParam(params, "iso", "-"));
  if (iso != "-") {
    INFX_ASSIGN_OR_RETURN(o.iso_levels, ParseLevels(iso));
    o.iso_levels_are_defaults = false;  // the caller's levels, kept as asked
  } else if (o.x != frontier::XMetric::kInteractivity) {
    o.iso_levels.clear();
  }
  INFX_ASSIGN_OR_RETURN(auto excl, SingleParam(params, "exclude_failed", "0"));
  if (excl != "0" && excl != "1") {
    return Status::InvalidArgument(
        fmt::format("parameter 'exclude_failed': '{}' is not 0 or 1", excl));
  }
  o.exclude_failed_accuracy = excl == "1";
  INFX_ASSIGN_OR_RETURN(auto incl, SingleParam(params, "include_invalid", "0"));
  if (incl != "0" && incl != "1") {
    return Status::InvalidArgument(
        fmt::format("parameter 'include_invalid': '{}' is not 0 or 1", incl));
  }
  o.include_invalid = incl == "1";
  return o;
}

// The filtered points of each run, without their bulky metrics JSON.
std::map<int64_t, std::vector<store::PointRecord>> PointsByRun(
    const StoreSnapshot& s, const PointFilter& filter) {
  std::map<int64_t, std::vector<store::PointRecord>> out;
  ForEachPoint(s, filter,
               [&](const RunData& r, const store::ConfigRecord*,
                   const store::PointRecord& p) {
                 store::PointRecord lite;
                 lite.point_id = p.point_id;
                 lite.key = p.key;
                 lite.metrics = p.metrics;
                 out[r.run.run_id].push_back(std::move(lite));
               });
  return out;
}

// Adds what the tooltips show to each curve of FrontierJson's scenarios.
void DecorateCurves(const RunData& r, json& analysis) {
  for (auto& scenario : analysis["scenarios"]) {
    for (auto& curve : scenario["curves"]) {
      const auto* c = r.Config(curve["config_key"].get<std::string>());
      curve["run_id"] = r.run.run_id;
      curve["model"] = DetailText(c, "model");
      curve["engine"] = DetailText(c, "engine");
      curve["precision"] = DetailText(c, "precision");
      curve["parallelism"] = DetailText(c, "parallelism");
    }
  }
}

const std::vector<std::string> kAnalysisParams = {
    "x", "y", "iso", "exclude_failed", "include_invalid"};

double XValue(const store::PointMetrics& m, frontier::XMetric x) {
  switch (x) {
    case frontier::XMetric::kInteractivity:
      return m.interactivity_tok_s_user;
    case frontier::XMetric::kE2el:
      return m.median_e2el_ms;
    case frontier::XMetric::kTtft:
      return m.median_ttft_ms;
  }
  return NAN;
}

double YValue(const store::PointMetrics& m, frontier::YMetric y) {
  switch (y) {
    case frontier::YMetric::kTotal:
      return m.tput_per_gpu_total;
    case frontier::YMetric::kOutput:
      return m.tput_per_gpu_output;
    case frontier::YMetric::kInput:
      return m.tput_per_gpu_input;
    case frontier::YMetric::kTokensPerMw:  // measured only
      return m.power.valid ? m.power.tokens_per_mw : NAN;
    case frontier::YMetric::kJoulesPerToken:
      return m.power.valid
                 ? m.power.joules_per_total_token * m.power.facility_factor
                 : NAN;
  }
  return NAN;
}

// Gives each of FrontierJson's invalid_points its own x and y (the point's,
// not a median of repetitions) and its config's hardware, so the page can
// mark it where it was measured.
void DecorateInvalid(const RunData& r,
                     const std::vector<store::PointRecord>& points,
                     const frontier::AnalysisOptions& o, json& analysis) {
  using Key = std::tuple<std::string, int, int, int, double, int>;
  std::map<Key, const store::PointRecord*> invalid;
  for (const auto& p : points) {
    if (p.metrics.valid) continue;
    invalid[{p.key.config_key, p.key.isl, p.key.osl, p.key.concurrency,
             p.key.request_rate, p.key.repetition}] = &p;
  }
  for (auto& ip : analysis["invalid_points"]) {
    auto it = invalid.find(
        {ip["config_key"].get<std::string>(), ip["isl"].get<int>(),
         ip["osl"].get<int>(), ip["concurrency"].get<int>(),
         ip["request_rate"].get<double>(), ip["repetition"].get<int>()});
    if (it == invalid.end()) continue;
    const double x = XValue(it->second->metrics, o.x);
    const double y = YValue(it->second->metrics, o.y);
    ip["x"] = std::isfinite(x) ? json(x) : json(nullptr);
    ip["y"] = std::isfinite(y) ? json(y) : json(nullptr);
    ip["point_id"] = it->second->point_id;
    const auto* c = r.Config(it->second->key.config_key);
    ip["hardware"] = c ? c->hardware : "";
    ip["model"] = DetailText(c, "model");
    ip["parallelism"] = DetailText(c, "parallelism");
  }
}

}  // namespace

Result<json> FrontierResponse(const StoreSnapshot& s,
                              const QueryParams& params) {
  std::vector<std::string> extra = kAnalysisParams;
  extra.push_back("format");
  INFX_ASSIGN_OR_RETURN(auto filter,
                        ParseFilter(params, "/api/frontier", extra));
  INFX_ASSIGN_OR_RETURN(auto options, ParseAnalysisOptions(params));
  INFX_ASSIGN_OR_RETURN(auto format, SingleParam(params, "format", "rows"));
  if (format != "rows" && format != "columns") {
    return Status::InvalidArgument(
        fmt::format("parameter 'format': '{}' is not rows or columns", format));
  }
  json runs = json::array();
  for (auto& [run_id, points] : PointsByRun(s, filter)) {
    const RunData* r = s.Run(run_id);
    auto analysis = frontier::AnalyzePoints(run_id, r->configs, points, options,
                                            r->prices, r->evals);
    json j = format == "columns" ? FrontierColumnsJson(std::move(analysis))
                                 : frontier::FrontierJson(analysis);
    DecorateCurves(*r, j);
    DecorateInvalid(*r, points, options, j);
    j["started_at"] = r->run.started_at;
    runs.push_back(std::move(j));
  }
  return json{{"format", format},
              {"x", frontier::XMetricName(options.x)},
              {"y", frontier::YMetricName(options.y)},
              {"x_label", frontier::XMetricLabel(options.x)},
              {"y_label", frontier::YMetricLabel(options.y)},
              {"higher_x_is_better", frontier::HigherXIsBetter(options.x)},
              {"iso_levels", options.iso_levels},
              {"runs", runs}};
}

namespace {

using SeriesKey = std::tuple<std::string, int, int, int>;  // config,isl,osl,c

}  // namespace

Result<json> CompareResponse(const StoreSnapshot& s,
                             const QueryParams& params) {
  std::vector<std::string> extra = kAnalysisParams;
  extra.insert(extra.end(), {"a", "b"});
  INFX_ASSIGN_OR_RETURN(auto filter,
                        ParseFilter(params, "/api/compare", extra));
  INFX_ASSIGN_OR_RETURN(auto options, ParseAnalysisOptions(params));
  int64_t ids[2] = {0, 0};
  const char* names[2] = {"a", "b"};
  for (int i = 0; i < 2; ++i) {
    INFX_ASSIGN_OR_RETURN(auto text, SingleParam(params, names[i], ""));
    char* end = nullptr;
    ids[i] = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || !s.Run(ids[i])) {
      return Status::InvalidArgument(
          fmt::format("parameter '{}': '{}' is not a run id of this store",
                      names[i], text));
    }
  }
  frontier::RunAnalysis analyses[2];
  for (int i = 0; i < 2; ++i) {
    PointFilter f = filter;
    f.runs = {ids[i]};
    auto by_run = PointsByRun(s, f);
    const RunData* r = s.Run(ids[i]);
    analyses[i] = frontier::AnalyzePoints(ids[i], r->configs, by_run[ids[i]],
                                          options, r->prices, r->evals);
  }
  json scenarios = json::array();
  for (const auto& sa : analyses[0].scenarios) {
    for (const auto& sb : analyses[1].scenarios) {
      if (sa.Label() != sb.Label()) continue;
      json c = frontier::ComparisonJson(
          frontier::CompareFrontiers(sa.curve, sb.curve, options.iso_levels),
          fmt::format("run {}", ids[0]), fmt::format("run {}", ids[1]));
      c["scenario"] = sa.Label();
      scenarios.push_back(std::move(c));
    }
  }
  // Point by point: configs and loads measured in both runs.
  std::map<SeriesKey,
           std::pair<const store::PointRecord*, const store::PointRecord*>>
      pairs;
  for (int i = 0; i < 2; ++i) {
    PointFilter f = filter;
    f.runs = {ids[i]};
    ForEachPoint(s, f,
                 [&](const RunData&, const store::ConfigRecord*,
                     const store::PointRecord& p) {
                   auto& slot = pairs[{p.key.config_key, p.key.isl, p.key.osl,
                                       p.key.concurrency}];
                   (i == 0 ? slot.first : slot.second) = &p;
                 });
  }
  json rows = json::array();
  for (const auto& [key, pr] : pairs) {
    if (!pr.first || !pr.second) continue;
    const double ya = pr.first->metrics.tput_per_gpu_total;
    const double yb = pr.second->metrics.tput_per_gpu_total;
    rows.push_back(
        {{"config_key", std::get<0>(key)},
         {"isl", std::get<1>(key)},
         {"osl", std::get<2>(key)},
         {"concurrency", std::get<3>(key)},
         {"tput_per_gpu_total_a", ya},
         {"tput_per_gpu_total_b", yb},
         {"interactivity_a", pr.first->metrics.interactivity_tok_s_user},
         {"interactivity_b", pr.second->metrics.interactivity_tok_s_user},
         {"ratio", yb > 0 ? json(ya / yb) : json(nullptr)}});
  }
  return json{{"a", ids[0]},
              {"b", ids[1]},
              {"scenarios", scenarios},
              {"points", rows},
              {"verdicts", CompareVerdicts(s, filter, ids[0], ids[1])}};
}

Result<json> PredictionsResponse(const StoreSnapshot& s,
                                 const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(auto filter, ParseFilter(params, "/api/predictions"));
  // The computation `infx frontier` and `infx report` show
  // (frontier/prediction_error.h), over the filtered points of every run.
  frontier::PredictionMatcher matcher;
  ForEachPoint(
      s, filter,
      [&](const RunData& r, const store::ConfigRecord*,
          const store::PointRecord& p) { matcher.Add(r.run.run_id, p); });
  json rows = json::array();
  for (const auto& row :
       matcher.Match([&](int64_t run_id, const std::string&key) {
         const RunData* r = s.Run(run_id);
         return r ? r->Config(key) : nullptr;
       })) {
    rows.push_back(frontier::PredictionErrorJson(row));
  }
  return json{{"predictions", rows}};
}

}  // namespace infx::web
