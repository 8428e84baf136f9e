// Output forms of a what-if run: the JSON contract (docs/whatif.md), the
// text tables (variants x iso-interactivity levels with the winning config,
// the decomposition) and the SVG chart with one frontier per variant.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chart/svg_chart.h"
#include "whatif/whatif.h"

namespace infx::whatif {

nlohmann::json WhatIfJson(const WhatIfRequest& request,
                          const WhatIfResult& result);

std::string FormatWhatIf(const WhatIfRequest& request,
                         const WhatIfResult& result);

chart::Chart WhatIfChart(const WhatIfRequest& request,
                         const WhatIfResult& result);

}  // namespace infx::whatif
