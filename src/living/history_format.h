// Renderings of a History for `infx history`: a table, the JSON contract
// (docs/living.md: "series" and "change_points", each change point with
// run, before, after, change, p_value and suspects), CSV (one line per run)
// and an SVG chart (src/chart) with the change points as dashed guides.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "living/history.h"

namespace infx::living {

nlohmann::json HistoryJson(const History& h);
std::string FormatHistoryTable(const History& h);
std::string HistoryCsv(const History& h);
std::string HistorySvg(const History& h);

}  // namespace infx::living
