#include "emulator/power_model.h"

#include <gtest/gtest.h>

#include "hardware/catalog.h"

namespace infx::emulator {
namespace {

TEST(PowerModel, IdlePlusDynamicCappedAtTdp) {
  PowerModelParams p;
  p.tdp_watts = 1000;
  p.idle_watts = 100;
  perf::StepTime compute_bound{1.0, 1.0, 0.2, 0, 0};
  EXPECT_DOUBLE_EQ(StepWatts(p, compute_bound), 1000);  // 1 + 0.12 -> cap
  perf::StepTime memory_bound{1.0, 0.1, 0.9, 0, 0};
  EXPECT_DOUBLE_EQ(StepWatts(p, memory_bound), 100 + 900 * (0.1 + 0.54));
  perf::StepTime overhead_only{1.0, 0, 0, 0, 1.0};
  EXPECT_DOUBLE_EQ(StepWatts(p, overhead_only), 100);
  EXPECT_DOUBLE_EQ(StepWatts(p, perf::StepTime{}), 100);
}

TEST(PowerModel, ParamsFromTheCatalogTdp) {
  auto h200 = hardware::HardwareCatalog::Builtin().Find("h200");
  ASSERT_TRUE(h200.ok());
  PowerModelParams p = PowerParamsFor(*h200);
  EXPECT_DOUBLE_EQ(p.tdp_watts, h200->tdp_watts);
  EXPECT_DOUBLE_EQ(p.idle_watts, kIdleFractionOfTdp * h200->tdp_watts);
}

TEST(PowerMeter, IntegratesStepsOverIdle) {
  const int64_t s = 1'000'000'000;
  PowerMeter m(100, 0);
  m.AddStep(1 * s, 2 * s, 500);
  m.AddStep(2 * s, 3 * s, 300);
  EXPECT_DOUBLE_EQ(m.EnergyJoules(1 * s), 100);
  EXPECT_DOUBLE_EQ(m.EnergyJoules(s + s / 2), 100 + 250);
  EXPECT_DOUBLE_EQ(m.EnergyJoules(4 * s), 100 + 500 + 300 + 100);
  EXPECT_DOUBLE_EQ(m.AverageWatts(2 * s, s), 500);
  EXPECT_DOUBLE_EQ(m.AverageWatts(2 * s + s / 2, s), 400);
  EXPECT_DOUBLE_EQ(m.AverageWatts(5 * s, s), 100);
}

TEST(PowerMeter, OverlappingStepCutsThePreviousShort) {
  const int64_t s = 1'000'000'000;
  PowerMeter m(0, 0);
  m.AddStep(0, 2 * s, 100);
  m.AddStep(1 * s, 2 * s, 300);  // the first ends at 1 s
  EXPECT_DOUBLE_EQ(m.EnergyJoules(2 * s), 100 + 300);
}

TEST(PowerMeter, OldStepsAreFoldedWithoutLosingEnergy) {
  const int64_t ms = 1'000'000;
  PowerMeter m(10, 0);
  double want = 0;
  for (int i = 0; i < 10000; ++i) {  // 10 s of 1 ms steps at 50 W
    m.AddStep(i * ms, (i + 1) * ms, 50);
    want += 0.05;
  }
  EXPECT_NEAR(m.EnergyJoules(10'000 * ms), want, 1e-6);
  EXPECT_NEAR(m.AverageWatts(10'000 * ms, 100 * ms), 50, 1e-9);
}

TEST(PowerMeter, DcgmTextHasOneFamilyPerFieldAndAllGpus) {
  PowerMeter m(70, 0);
  const std::string text =
      DcgmMetricsText(m, 2, "h200", 1'000'000'000, 100'000'000);
  EXPECT_NE(text.find("# TYPE DCGM_FI_DEV_POWER_USAGE gauge"),
            std::string::npos);
  EXPECT_NE(text.find("DCGM_FI_DEV_POWER_USAGE{gpu=\"1\""), std::string::npos);
  EXPECT_NE(text.find("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\""),
            std::string::npos);
  EXPECT_NE(text.find("} 70000.0\n"), std::string::npos);  // 70 J in mJ
}

}  // namespace
}  // namespace infx::emulator
