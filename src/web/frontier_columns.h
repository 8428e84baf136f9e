// The column-oriented form of an /api/frontier answer (`format=columns`,
// docs/api.md): `infx frontier --json`'s object (frontier::FrontierJson)
// with each curve's measured and predicted points as parallel arrays
// ({"x": [...], "y": [...], "concurrency": [...], ...}) instead of one
// object per point. A 10,000-point view is then about a tenth of the bytes
// and is built, sent and parsed without an object per point; the frontier,
// iso, accuracy and invalid_points parts are the row form's, unchanged.
//
// Thread-safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

#include "frontier/analysis.h"

namespace infx::web {

// Consumes `analysis` (its curves' points are moved into the columns).
nlohmann::json FrontierColumnsJson(frontier::RunAnalysis analysis);

}  // namespace infx::web
