// Price book for cost and power figures: $/GPU-hour and all-in watts per GPU
// of the hardware a run's configs name, looked up in the hardware catalog
// (aliases resolved, as hardware::HardwareCatalog::Find does).
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "frontier/analysis.h"
#include "hardware/catalog.h"
#include "store/results_store.h"

namespace infx::frontier {

// One entry per distinct ConfigRecord::hardware (lower-cased) the catalog
// knows; unknown or empty names are left out (their figures show as "-").
PriceBook PricesForConfigs(const hardware::HardwareCatalog& catalog,
                           const std::vector<store::ConfigRecord>& configs);

}  // namespace infx::frontier
