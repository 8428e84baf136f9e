#include "living/run_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "living/series_key.h"

namespace infx::living {

std::map<std::string, std::vector<const SeriesPoint*>> RunData::BySeries()
    const {
  std::map<std::string, std::vector<const SeriesPoint*>> out;
  for (const SeriesPoint& p : points) out[p.series_key].push_back(&p);
  return out;
}

const store::ConfigRecord* RunData::Config(
    const std::string& config_key) const {
  for (const auto& c : configs) {
    if (c.config_key == config_key) return &c;
  }
  return nullptr;
}

living::Attributes RunData::Attributes(const std::string& config_key) const {
  const store::ConfigRecord* c = Config(config_key);
  return c ? ConfigAttributes(run, *c) : RunAttributes(run);
}

bool RunData::HasCanary() const {
  return std::any_of(configs.begin(), configs.end(),
                     [](const auto& c) { return c.canary; });
}

Result<std::vector<store::RunSummary>> ListRuns(store::ResultsStore& store) {
  return store.ListRunSummaries();
}

Result<RunData> LoadRun(store::ResultsStore& store, int64_t run_id) {
  RunData data;
  INFX_ASSIGN_OR_RETURN(data.run, store.GetRun(run_id));
  INFX_ASSIGN_OR_RETURN(data.configs, store.ListConfigs(run_id));
  std::map<std::string, const store::ConfigRecord*> configs;
  for (const auto& c : data.configs) configs[c.config_key] = &c;
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(run_id));
  data.points.reserve(points.size());
  for (auto& p : points) {
    SeriesPoint s;
    s.config_key = p.key.config_key;
    s.repetition = p.key.repetition;
    s.point_id = p.point_id;
    s.metrics = p.metrics;
    auto it = configs.find(p.key.config_key);
    if (it != configs.end()) {
      s.num_gpus = it->second->num_gpus;
      s.canary = it->second->canary;
      s.engine_version = it->second->engine_version;
    }
    s.series_key = p.series_key;
    if (s.series_key.empty()) {
      store::ConfigRecord bare;
      bare.config_key = p.key.config_key;
      s.series_key =
          SeriesKeyOf(it == configs.end() ? bare : *it->second, p.key);
    }
    s.key = std::move(p.key);
    data.points.push_back(std::move(s));
  }
  std::sort(data.points.begin(), data.points.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.series_key, a.repetition, a.point_id) <
                     std::tie(b.series_key, b.repetition, b.point_id);
            });
  return data;
}

Result<store::RunRecord> PreviousRunOfMatrix(store::ResultsStore& store,
                                             int64_t run_id) {
  INFX_ASSIGN_OR_RETURN(store::RunRecord run, store.GetRun(run_id));
  INFX_ASSIGN_OR_RETURN(auto runs, store.ListRuns());  // newest first
  for (const auto& r : runs) {
    if (r.run_id >= run_id) continue;
    const bool same =
        !run.matrix_name.empty()   ? r.matrix_name == run.matrix_name
        : !run.matrix_hash.empty() ? r.matrix_hash == run.matrix_hash
                                   : r.matrix_text == run.matrix_text;
    if (same) return r;
  }
  return Status::NotFound(fmt::format(
      "{}: no run of matrix '{}' before run {}", store.Describe(),
      run.matrix_name.empty() ? run.matrix_hash : run.matrix_name, run_id));
}

nlohmann::json RunSummaryJson(const store::RunSummary& s) {
  const store::RunRecord& r = s.run;
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [k, v] : r.labels) labels[k] = v;
  return {{"run_id", r.run_id},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"status", r.status},
          {"matrix_name", r.matrix_name},
          {"matrix_hash", r.matrix_hash},
          {"points", s.points},
          {"configs", s.configs},
          {"engine_versions", s.engine_versions},
          {"labels", labels},
          {"infx_version", r.infx_version},
          {"git_sha", r.git_sha},
          {"host", r.host},
          {"provenance", r.provenance}};
}

double MedianOf(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::nan("");
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return (lower + upper) / 2;
}

}  // namespace infx::living
