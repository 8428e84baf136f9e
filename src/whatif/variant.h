// What-if variants: the hypothetical changes `infx whatif --vary` applies to
// a catalog hardware entry or to the serving precision (hbm_bandwidth=x2,
// scaleup_domain=72, precision=fp4, ...), parsed from flag text, and the
// variants (model x hardware x every combination of --vary values) a
// what-if run compares. Field names, units and value syntax are in
// docs/whatif.md.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/precision.h"
#include "common/result.h"
#include "hardware/hardware_spec.h"
#include "model/model_spec.h"

namespace infx::whatif {

// One --vary flag: a field and the values to try, as given
// ("hbm_bandwidth=x1,x1.5,x2" -> {"hbm_bandwidth", {"x1", "x1.5", "x2"}}).
struct VaryAxis {
  std::string field;
  std::vector<std::string> values;
};

// One value of one field.
struct Setting {
  std::string field;
  std::string value;
};

// The fields --vary accepts, in the order docs/whatif.md lists them.
const std::vector<std::string>& KnownVaryFields();

// Parses "field=v1,v2,..."; an unknown field is an error listing the known
// ones, a value is checked against its field (a multiplier "x1.5", a number
// in the field's unit, a precision name, a topology name).
Result<VaryAxis> ParseVaryFlag(std::string_view text);

// Applies a hardware setting to `hw` ("x2" multiplies the entry's value, a
// plain number replaces it in the field's unit) or a precision setting to
// `precision`. Errors name the field and the value.
Status ApplySetting(const Setting& setting, hardware::HardwareSpec& hw,
                    Precision& precision);

// One what-if variant: a model on (possibly modified) hardware at one
// weight precision, and the settings that made it.
struct Variant {
  std::string label;  // "h200 hbm_bandwidth=x2", "deepseek-r1 on gb200-nvl72"
  model::ModelSpec model;
  hardware::HardwareSpec hardware;
  Precision precision = Precision::kBf16;
  std::vector<Setting> settings;
};

// Every model x hardware x combination of the axes' values, in that nesting
// order (the last axis varies fastest). A model's precision is its
// checkpoint's unless a precision axis sets it. Labels name only what
// differs between variants. More than `max_variants` is an error.
Result<std::vector<Variant>> MakeVariants(
    const std::vector<model::ModelSpec>& models,
    const std::vector<hardware::HardwareSpec>& hardware,
    const std::vector<VaryAxis>& axes, int max_variants = 64);

}  // namespace infx::whatif
