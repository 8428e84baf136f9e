#include "frontier/prices.h"

#include <cctype>

namespace infx::frontier {

PriceBook PricesForConfigs(const hardware::HardwareCatalog& catalog,
                           const std::vector<store::ConfigRecord>& configs) {
  PriceBook prices;
  for (const store::ConfigRecord& c : configs) {
    if (c.hardware.empty()) continue;
    std::string key = c.hardware;
    for (char& ch : key) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (prices.count(key)) continue;
    auto spec = catalog.Find(c.hardware);
    if (!spec.ok()) continue;
    prices[key] = {spec->usd_per_gpu_hour, spec->all_in_power_watts};
  }
  return prices;
}

}  // namespace infx::frontier
