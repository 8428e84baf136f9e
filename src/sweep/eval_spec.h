// The `eval:` block of a sweep matrix (schema in docs/matrix.md): which
// task, how many questions, at which measured points (EvalPoints) and the
// min score below which a config's accuracy FAILs. The structs live in
// sweep/matrix.h; this is their parser.
//
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/result.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// A min score (`key` of mapping `n`): a number in [0, 1]; absent ->
// fallback. InvalidArgument names `where` and the key.
Result<double> ParseMinScore(const YAML::Node& n, const std::string& key,
                             double fallback, const std::string& where);

// `root["eval"]`; absent -> a default EvalSpec (no evals). Errors name
// `source`, the field and the bad value (unknown keys, unknown task, bad
// points, scores outside [0, 1]).
Result<EvalSpec> ParseEvalBlock(const YAML::Node& root,
                                const std::string& source);

}  // namespace infx::sweep
