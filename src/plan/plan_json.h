// Plan output formats: the stable `infx plan --json` document (schema
// "infx.plan/1", documented in docs/plan.md) and the `--chart` figure.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "chart/svg_chart.h"
#include "plan/plan.h"

namespace infx::plan {

nlohmann::json PlanResultToJson(const PlanRequest& request,
                                const PlanResult& result);

// The predicted frontier (thick, black) over the curves of the `max_configs`
// best-ranked survivors: tok/s/GPU against tok/s/user.
chart::Chart PlanChart(const PlanRequest& request, const PlanResult& result,
                       int max_configs = 8);

}  // namespace infx::plan
