// The dashboard's read-only JSON API (schema in docs/api.md): /api/runs,
// /api/run, /api/configs, /api/points, /api/frontier, /api/history,
// /api/compare, /api/evals, /api/predictions, /api/export.csv and
// /api/export.json, each computed from a StoreSnapshot. Handlers are pure:
// a request target in, a status, content type and body out, so they are
// tested without a socket (web/dashboard_server.h puts them on HTTP).
// Frontier, iso-interactivity, cost and comparison figures come from the
// frontier module, the same numbers `infx frontier` prints.
//
// Errors: an unknown parameter or a malformed value is 400 with
// {"error": "..."} naming it; an unknown endpoint 404; an unknown run 404.
//
// Thread-safety: pure functions over an immutable snapshot.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "web/query.h"
#include "web/snapshot.h"

namespace infx::web {

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// `target` is the request target ("/api/points?model=x"); its path must
// start with "/api/".
ApiResponse HandleApi(const StoreSnapshot& snapshot, std::string_view target);

// The per-point row /api/points, /api/export.json and /api/export.csv
// share (metric names as store::PointMetrics).
nlohmann::json PointRow(const RunData& run, const store::PointRecord& point);
// The export's CSV columns, in order.
const std::vector<std::string>& ExportCsvColumns();

// /api/points (one page: `limit` rows from `offset`, with the filtered
// total) and /api/export.json (every filtered point), written straight to
// text with PointRow's fields (implemented in api_points.cc).
inline constexpr int64_t kDefaultPageSize = 1000;
inline constexpr int64_t kMaxPageSize = 10000;
Result<std::string> PointsText(const StoreSnapshot& snapshot,
                               const QueryParams& params,
                               std::string_view endpoint);

// Per endpoint (implemented in api_analysis.cc): 400/404 as above.
Result<nlohmann::json> FrontierResponse(const StoreSnapshot& snapshot,
                                        const QueryParams& params);
Result<nlohmann::json> HistoryResponse(const StoreSnapshot& snapshot,
                                       const QueryParams& params);
Result<nlohmann::json> CompareResponse(const StoreSnapshot& snapshot,
                                       const QueryParams& params);
// `infx compare --json`'s object (living::ComparisonJson: rows with their
// verdicts, canary, accuracy, summary) for run `current_id` against
// `baseline_id` over the filtered points, or {"error": ...} when the runs
// share no series (implemented in api_living.cc).
nlohmann::json CompareVerdicts(const StoreSnapshot& snapshot,
                               const PointFilter& filter, int64_t baseline_id,
                               int64_t current_id);
Result<nlohmann::json> PredictionsResponse(const StoreSnapshot& snapshot,
                                           const QueryParams& params);

// Visits every (run, config, point) the filter accepts, points with at
// least one completed request or not alike.
template <typename Fn>
void ForEachPoint(const StoreSnapshot& snapshot, const PointFilter& filter,
                  Fn&& fn) {
  for (const RunData& run : snapshot.runs) {
    if (!filter.AcceptsRun(run.run.run_id)) continue;
    // Judge each config once, not once per point.
    std::vector<char> accepted(run.configs.size());
    for (size_t i = 0; i < run.configs.size(); ++i) {
      accepted[i] =
          filter.AcceptsConfig(&run.configs[i], run.configs[i].config_key);
    }
    for (size_t i = 0; i < run.points.size(); ++i) {
      const store::PointRecord& p = run.points[i];
      const int ci = run.point_config[i];
      if (ci >= 0 ? !accepted[ci]
                  : !filter.AcceptsConfig(nullptr, p.key.config_key)) {
        continue;
      }
      if (!filter.AcceptsPoint(p)) continue;
      fn(run, ci >= 0 ? &run.configs[ci] : nullptr, p);
    }
  }
}

}  // namespace infx::web
