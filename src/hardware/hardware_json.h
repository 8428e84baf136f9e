// JSON form of a HardwareSpec for `infx hardware list/show --json` and for
// stored runs. Keys are the struct's field names (units in the names);
// schema in docs/json-model-hardware.md.
//
// Thread-safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

#include "hardware/hardware_spec.h"

namespace infx::hardware {

nlohmann::json HardwareSpecJson(const HardwareSpec& spec);

}  // namespace infx::hardware
