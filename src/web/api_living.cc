// The living-benchmark endpoints of the dashboard API (docs/api.md):
// /api/history, each series over the store's runs with its change points
// and their suspects exactly as `infx history --json` computes them
// (living::BuildRunSamples + AnalyzeHistory + HistoryJson), and the
// verdict rows /api/compare adds, as `infx compare --json`
// (living::CompareRuns with the earlier runs living::NoiseHistoryRuns
// picks as noise history, CompareAccuracy, ComparisonJson). Computed from the
// snapshot rather than the store, restricted to the request's filters.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "living/accuracy_compare.h"
#include "living/compare_format.h"
#include "living/compare_store.h"
#include "living/history_format.h"
#include "living/metrics.h"
#include "living/samples.h"
#include "living/series_key.h"
#include "web/api.h"

namespace infx::web {
namespace {

using nlohmann::json;

// The run as living::RunData, holding only the points `filter` accepts.
living::RunData LivingRun(const RunData& r, const PointFilter& filter) {
  living::RunData out;
  out.run = r.run;
  out.configs = r.configs;
  for (size_t i = 0; i < r.points.size(); ++i) {
    const store::PointRecord& p = r.points[i];
    const int ci = r.point_config[i];
    const store::ConfigRecord* c = ci >= 0 ? &r.configs[ci] : nullptr;
    if (!filter.AcceptsConfig(c, p.key.config_key) || !filter.AcceptsPoint(p)) {
      continue;
    }
    living::SeriesPoint s;
    s.config_key = p.key.config_key;
    s.repetition = p.key.repetition;
    s.point_id = p.point_id;
    s.metrics = p.metrics;
    if (c) {
      s.num_gpus = c->num_gpus;
      s.canary = c->canary;
      s.engine_version = c->engine_version;
    }
    s.series_key = p.series_key;
    if (s.series_key.empty()) {
      store::ConfigRecord bare;
      bare.config_key = p.key.config_key;
      s.series_key = living::SeriesKeyOf(c ? *c : bare, p.key);
    }
    s.key = p.key;
    out.points.push_back(std::move(s));
  }
  std::sort(out.points.begin(), out.points.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.series_key, a.repetition, a.point_id) <
                     std::tie(b.series_key, b.repetition, b.point_id);
            });
  return out;
}

living::RunSamples SamplesOf(const RunData& r, const PointFilter& filter) {
  return living::BuildRunSamples(LivingRun(r, filter), {});
}

Result<double> PositiveParam(const QueryParams& params, const std::string& name,
                             double fallback) {
  INFX_ASSIGN_OR_RETURN(auto text, SingleParam(params, name, ""));
  if (text.empty()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0' || !(v > 0) || v >= 1) {
    return Status::InvalidArgument(fmt::format(
        "parameter '{}': '{}' is not a number in (0, 1)", name, text));
  }
  return v;
}

}  // namespace

Result<json> HistoryResponse(const StoreSnapshot& s,
                             const QueryParams& params) {
  INFX_ASSIGN_OR_RETURN(
      auto filter,
      ParseFilter(params, "/api/history", {"metric", "series", "p_value"}));
  INFX_ASSIGN_OR_RETURN(auto metric,
                        SingleParam(params, "metric", "tput_per_gpu"));
  if (auto m = living::FindMetric(metric); !m.ok()) {
    return Status::InvalidArgument("parameter 'metric': " +
                                   m.status().message());
  }
  INFX_ASSIGN_OR_RETURN(auto only, SingleParam(params, "series", ""));
  living::HistoryOptions options;
  INFX_ASSIGN_OR_RETURN(
      options.change_points.max_p_value,
      PositiveParam(params, "p_value", options.change_points.max_p_value));
  // Series -> its history points, runs oldest first (snapshot: newest).
  std::map<std::string, std::vector<living::HistoryPoint>> series;
  std::map<std::string, std::string> config_of;
  for (auto r = s.runs.rbegin(); r != s.runs.rend(); ++r) {
    if (!filter.AcceptsRun(r->run.run_id)) continue;
    const living::RunSamples samples = SamplesOf(*r, filter);
    for (const auto& [key, ss] : samples.series) {
      if (!only.empty() && key != only) continue;
      auto m = ss.metrics.find(metric);
      if (m == ss.metrics.end()) continue;
      living::HistoryPoint p;
      p.run_id = r->run.run_id;
      p.started_at = r->run.started_at;
      p.value = std::numeric_limits<double>::quiet_NaN();
      p.repetitions = m->second;
      p.attributes = ss.attributes;
      series[key].push_back(std::move(p));
      config_of[key] = ss.config_key;
    }
  }
  json out = json::array();
  size_t change_points = 0;
  for (auto& [key, points] : series) {
    const living::History h =
        living::AnalyzeHistory(key, metric, std::move(points), options);
    if (h.points.empty()) continue;
    change_points += h.change_points.size();
    json j = living::HistoryJson(h);
    j["config_key"] = config_of[key];
    out.push_back(std::move(j));
  }
  return json{{"metric", metric},
              {"p_value", options.change_points.max_p_value},
              {"num_change_points", change_points},
              {"series", std::move(out)}};
}

json CompareVerdicts(const StoreSnapshot& s, const PointFilter& filter,
                     int64_t baseline_id, int64_t current_id) {
  const RunData* baseline = s.Run(baseline_id);
  const RunData* current = s.Run(current_id);
  // The earlier runs `infx compare` pools (living::NoiseHistoryRuns, as
  // CompareStoredRuns), from the snapshot's runs (newest first).
  std::vector<store::RunRecord> newest_first;
  for (const RunData& r : s.runs) newest_first.push_back(r.run);
  const std::vector<int64_t> pooled =
      living::NoiseHistoryRuns(newest_first, baseline->run, current_id,
                               living::CompareRequest{}.history_runs);
  living::NoiseHistory history;
  for (int64_t id : pooled) {
    living::AddToHistory(SamplesOf(*s.Run(id), filter), &history);
  }
  const living::CompareOptions options;
  auto c = living::CompareRuns(SamplesOf(*baseline, filter),
                               SamplesOf(*current, filter), history, options);
  if (!c.ok()) return json{{"error", c.status().message()}};
  auto evals_of = [&](const RunData& r) {
    std::vector<store::EvalRecord> out;
    for (const auto& e : r.evals) {
      if (filter.AcceptsConfig(r.Config(e.config_key), e.config_key)) {
        out.push_back(e);
      }
    }
    return out;
  };
  c->accuracy = living::CompareAccuracy(evals_of(*baseline), evals_of(*current),
                                        options.alpha);
  json j = living::ComparisonJson(*c);
  j["history_runs"] = pooled.size();
  return j;
}

}  // namespace infx::web
