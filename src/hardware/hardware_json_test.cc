#include "hardware/hardware_json.h"

#include <gtest/gtest.h>

#include "hardware/catalog.h"

namespace infx::hardware {
namespace {

TEST(HardwareJsonTest, KeysAreTheFieldNamesWithValues) {
  const HardwareSpec spec = *HardwareCatalog::Builtin().Find("mi355x");
  const nlohmann::json j = HardwareSpecJson(spec);
  EXPECT_EQ(j["name"], "mi355x");
  EXPECT_EQ(j["vendor"], "amd");
  EXPECT_EQ(j["fp4_flops"].get<double>(), spec.fp4_flops);
  EXPECT_EQ(j["hbm_capacity_bytes"].get<double>(), spec.hbm_capacity_bytes);
  EXPECT_EQ(j["scale_up_domain_gpus"].get<int>(), spec.scale_up_domain_gpus);
  EXPECT_EQ(j["usd_per_gpu_hour"].get<double>(), spec.usd_per_gpu_hour);
  EXPECT_TRUE(j["usd_per_gpu_hour_is_assumption"].get<bool>());
}

}  // namespace
}  // namespace infx::hardware
