// Typed, error-reporting access to YAML mapping fields for the sweep
// parsers: every error names the document, the field path and the bad
// value, and unknown keys are rejected by name. yaml-cpp exceptions stop
// here.
//
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::sweep::yamlf {

// `where` is the path used in messages, e.g. "quickstart.yaml: configs[1]".
Status CheckMap(const YAML::Node& node, const std::string& where);
Status CheckKeys(const YAML::Node& node, const std::set<std::string>& allowed,
                 const std::string& where);

// Inclusive bounds of an integer field. Integers are parsed as 64-bit and
// checked against their field's range, never narrowed silently: the
// default is the range of a 32-bit int.
struct Range {
  int64_t min = std::numeric_limits<int32_t>::min();
  int64_t max = std::numeric_limits<int32_t>::max();
};

// Scalar fields; absent -> fallback. Wrong type or out of `range` ->
// InvalidArgument naming the field, the bounds and the value.
Result<int64_t> Int(const YAML::Node& node, const std::string& key,
                    int64_t fallback, const std::string& where,
                    Range range = {});
Result<double> Double(const YAML::Node& node, const std::string& key,
                      double fallback, const std::string& where);
Result<bool> Bool(const YAML::Node& node, const std::string& key, bool fallback,
                  const std::string& where);
Result<std::string> String(const YAML::Node& node, const std::string& key,
                           const std::string& fallback,
                           const std::string& where);

// A scalar or a sequence of scalars; absent -> fallback.
Result<std::vector<int64_t>> IntList(const YAML::Node& node,
                                     const std::string& key,
                                     std::vector<int64_t> fallback,
                                     const std::string& where,
                                     Range range = {});
// InvalidArgument unless range.min <= value <= range.max.
Status CheckRange(int64_t value, const std::string& key, Range range,
                  const std::string& where);
Result<std::vector<std::string>> StringList(const YAML::Node& node,
                                            const std::string& key,
                                            std::vector<std::string> fallback,
                                            const std::string& where);
Result<std::vector<bool>> BoolList(const YAML::Node& node,
                                   const std::string& key,
                                   std::vector<bool> fallback,
                                   const std::string& where);

// A node's scalar text as written, for messages.
std::string Describe(const YAML::Node& node);

}  // namespace infx::sweep::yamlf
