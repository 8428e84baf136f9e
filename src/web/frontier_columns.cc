#include "web/frontier_columns.h"

#include <cmath>
#include <utility>
#include <vector>

#include "frontier/format.h"
#include "web/accuracy_lookup.h"

namespace infx::web {
namespace {

using nlohmann::json;

json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// x, y, concurrency and point_id of `points` as four arrays; with
// `accuracy`, also each point's accuracy_status (null when none), as the
// row form's measured points carry it.
json Columns(const std::vector<frontier::CurvePoint>& points,
             const AccuracyLookup* accuracy) {
  json x = json::array(), y = json::array(), conc = json::array(),
       ids = json::array(), status = json::array(), source = json::array();
  bool any_source = false;  // power y metrics: "measured" or "catalog"
  for (const auto& p : points) {
    x.push_back(Number(p.x));
    y.push_back(Number(p.y));
    conc.push_back(p.concurrency);
    ids.push_back(p.point_id);
    any_source = any_source || !p.y_source.empty();
    source.push_back(p.y_source.empty() ? json(nullptr) : json(p.y_source));
    if (accuracy) {
      const char* s = accuracy->NameAt(p.config_key, p.concurrency);
      status.push_back(*s ? json(s) : json(nullptr));
    }
  }
  json out = {{"x", std::move(x)},
              {"y", std::move(y)},
              {"concurrency", std::move(conc)},
              {"point_id", std::move(ids)}};
  if (accuracy) out["accuracy_status"] = std::move(status);
  if (any_source) out["y_source"] = std::move(source);
  return out;
}

}  // namespace

json FrontierColumnsJson(frontier::RunAnalysis analysis) {
  // The curves' points, taken out so FrontierJson writes only the small
  // parts (frontier, iso, accuracy, invalid points) as objects.
  std::vector<std::vector<std::pair<std::vector<frontier::CurvePoint>,
                                    std::vector<frontier::CurvePoint>>>>
      taken;
  for (auto& s : analysis.scenarios) {
    auto& mine = taken.emplace_back();
    for (auto& c : s.curves) {
      mine.emplace_back(std::move(c.measured), std::move(c.predicted));
      c.measured.clear();
      c.predicted.clear();
    }
  }
  json j = frontier::FrontierJson(analysis);
  const AccuracyLookup accuracy(analysis.accuracy);
  auto& scenarios = j["scenarios"];
  for (size_t si = 0; si < taken.size(); ++si) {
    auto& curves = scenarios[si]["curves"];
    for (size_t ci = 0; ci < taken[si].size(); ++ci) {
      curves[ci]["measured"] = Columns(taken[si][ci].first, &accuracy);
      curves[ci]["predicted"] = Columns(taken[si][ci].second, nullptr);
    }
  }
  return j;
}

}  // namespace infx::web
