// Renderings of a Comparison: the aligned table `infx compare` prints, the
// JSON contract (docs/living.md: a "rows" array whose items carry series,
// metric, baseline, current, ratio, ci_low, ci_high, p_value, q_value and
// verdict; NaN is written as null) and a Markdown summary fit to paste in
// a pull request or post to a chat.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "living/compare.h"

namespace infx::living {

nlohmann::json ComparisonJson(const Comparison& c);
std::string FormatComparisonTable(const Comparison& c);
std::string ComparisonMarkdown(const Comparison& c);

}  // namespace infx::living
