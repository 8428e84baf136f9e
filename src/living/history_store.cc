#include "living/history_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "living/samples.h"

namespace infx::living {
namespace {

std::string IsoSuffix(double x) {
  return std::floor(x) == x ? fmt::format("@{:.0f}tok/s/user", x)
                            : fmt::format("@{}tok/s/user", x);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The series keys of all runs that `request` selects.
std::set<std::string> Matches(const std::vector<RunSamples>& runs,
                              const HistoryRequest& request) {
  std::set<std::string> exact, by_config, frontier;
  for (const auto& run : runs) {
    for (const auto& [key, s] : run.series) {
      if (request.iso) {
        if (key.rfind("frontier/", 0) == 0 &&
            EndsWith(key, IsoSuffix(*request.iso)) &&
            key.find(request.config) != std::string::npos) {
          frontier.insert(key);
        }
      } else if (key == request.config) {
        exact.insert(key);
      } else if (s.config_key == request.config) {
        by_config.insert(key);
      }
    }
  }
  if (request.iso) return frontier;
  return exact.empty() ? by_config : exact;
}

std::string Some(const std::set<std::string>& keys) {
  std::string out;
  size_t n = 0;
  for (const auto& k : keys) {
    if (n++ == 5) {
      out += fmt::format(", ... ({} in all)", keys.size());
      break;
    }
    out += (out.empty() ? "" : ", ") + k;
  }
  return out;
}

}  // namespace

Result<History> LoadHistory(store::ResultsStore& store,
                            const HistoryRequest& request) {
  INFX_RETURN_IF_ERROR(FindMetric(request.metric).status());
  if (request.iso && request.metric != "tput_per_gpu") {
    return Status::InvalidArgument(fmt::format(
        "--iso reads the frontier's tput_per_gpu; --metric '{}' does not "
        "apply",
        request.metric));
  }
  if (!request.iso && request.config.empty()) {
    return Status::InvalidArgument("give --config KEY or --iso X");
  }
  INFX_ASSIGN_OR_RETURN(auto runs, store.ListRuns());
  if (runs.empty()) {
    return Status::NotFound(
        fmt::format("{} has no runs: no history (run `infx sweep` first)",
                    store.Describe()));
  }
  std::reverse(runs.begin(), runs.end());  // oldest first
  const std::vector<double> levels =
      request.iso ? std::vector<double>{*request.iso} : std::vector<double>{};
  std::vector<RunSamples> samples;
  samples.reserve(runs.size());
  for (const auto& r : runs) {
    INFX_ASSIGN_OR_RETURN(RunSamples s,
                          LoadRunSamples(store, r.run_id, levels));
    samples.push_back(std::move(s));
  }
  const auto keys = Matches(samples, request);
  if (keys.empty()) {
    return Status::NotFound(
        request.iso
            ? fmt::format(
                  "no run in {} has a frontier at --iso {} tok/s/user{}",
                  store.Describe(), *request.iso,
                  request.config.empty() ? "" : " for '" + request.config + "'")
            : fmt::format("unknown config '{}': no run in {} measured it",
                          request.config, store.Describe()));
  }
  if (keys.size() > 1) {
    return Status::InvalidArgument(
        fmt::format("'{}' matches {} series; pass one as --config: {}",
                    request.config, keys.size(), Some(keys)));
  }
  const std::string& key = *keys.begin();
  std::vector<HistoryPoint> points;
  for (const auto& s : samples) {
    auto it = s.series.find(key);
    if (it == s.series.end()) continue;
    auto m = it->second.metrics.find(request.metric);
    if (m == it->second.metrics.end()) continue;
    HistoryPoint p;
    p.run_id = s.run.run_id;
    p.started_at = s.run.started_at;
    p.value = std::numeric_limits<double>::quiet_NaN();
    p.repetitions = m->second;
    p.attributes = it->second.attributes;
    points.push_back(std::move(p));
  }
  return AnalyzeHistory(key, request.metric, std::move(points),
                        request.options);
}

}  // namespace infx::living
