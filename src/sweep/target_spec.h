// Parsing of a matrix's `target:` block (docs/matrix.md): emulator, url or
// launch, with their settings range-checked (timeouts positive, ports and
// limits in range). Used by ParseMatrix.
//
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/result.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// The `target` field of `root` (absent = the emulator with defaults).
// `source` names the document in errors.
Result<TargetSpec> ParseTarget(const YAML::Node& root,
                               const std::string& source);

}  // namespace infx::sweep
