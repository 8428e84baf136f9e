#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "client/clock.h"
#include "telemetry/power_integration.h"
#include "telemetry/power_source.h"

namespace infx::telemetry {
namespace {

constexpr int64_t kS = 1'000'000'000;

std::vector<PowerSample> Ramp(const std::string& gpu, int64_t from_ns,
                              int64_t to_ns, int64_t step_ns) {
  std::vector<PowerSample> v;
  for (int64_t t = from_ns; t <= to_ns; t += step_ns) {
    v.push_back({t, gpu, 100.0 + 100.0 * static_cast<double>(t) / kS});
  }
  return v;
}

TEST(PowerIntegration, TrapezoidWithEdgeInterpolation) {
  // Samples at 0, 1, 2, 3 s of a ramp 100 + 100 t; window [0.5, 2.5] s.
  auto samples = Ramp("0", 0, 3 * kS, kS);
  PowerResult r = IntegratePower(samples, kS / 2, 5 * kS / 2, {});
  ASSERT_TRUE(r.valid) << r.invalid_reasons.at(0);
  ASSERT_EQ(r.gpus.size(), 1u);
  // Exact for a linear ramp: mean power 250 W over 2 s.
  EXPECT_NEAR(r.total_energy_j, 500, 1e-9);
  EXPECT_NEAR(r.avg_power_w, 250, 1e-9);
  EXPECT_EQ(r.gpus[0].samples, 2);  // 1 s and 2 s
  EXPECT_NEAR(r.window_s, 2, 1e-12);
}

TEST(PowerIntegration, EnergyCounterWinsOverTheTrapezoidWhenPresent) {
  // Power samples say 100 W flat, the counter says 150 J per second: a
  // burst between samples the gauge missed. The counter is the energy.
  std::vector<PowerSample> s;
  for (int i = 0; i <= 4; ++i) s.push_back({i * kS, "0", 100, 150.0 * i});
  PowerResult r = IntegratePower(s, kS / 2, 5 * kS / 2, {});
  ASSERT_TRUE(r.valid);
  EXPECT_TRUE(r.gpus[0].from_counter);
  EXPECT_NEAR(r.gpus[0].energy_j, 300, 1e-9);  // interpolated at 0.5, 2.5
  EXPECT_NEAR(r.gpus[0].trapezoid_energy_j, 200, 1e-9);
  EXPECT_NEAR(r.avg_power_w, 150, 1e-9);
  // One sample without the counter: the trapezoid is used.
  s[2].energy_j.reset();
  r = IntegratePower(s, kS / 2, 5 * kS / 2, {});
  EXPECT_FALSE(r.gpus[0].from_counter);
  EXPECT_NEAR(r.gpus[0].energy_j, 200, 1e-9);
  // A counter going backwards (reset) is named.
  std::vector<PowerSample> reset = {{0, "0", 100, 500.0}, {kS, "0", 100, 1.0}};
  EXPECT_FALSE(IntegratePower(reset, 0, kS, {}).valid);
}

TEST(PowerIntegration, StepFunctionAtTheEdgeIsInterpolatedNotHeld) {
  std::vector<PowerSample> s = {
      {0, "0", 100}, {kS, "0", 300}, {2 * kS, "0", 300}};
  // Window [0.5, 2]: 0.5..1 interpolates 200 -> 300, then 300 flat.
  PowerResult r = IntegratePower(s, kS / 2, 2 * kS, {});
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.total_energy_j, 0.5 * 250 + 300, 1e-9);
}

TEST(PowerIntegration, PerGpuEnergiesAddAndAverage) {
  auto a = Ramp("0", 0, 4 * kS, kS / 10);
  std::vector<PowerSample> b;
  for (int64_t t = 0; t <= 4 * kS; t += kS / 10) b.push_back({t, "1", 50});
  a.insert(a.end(), b.begin(), b.end());
  PowerIntegrationOptions o;
  o.expected_num_gpus = 2;
  PowerResult r = IntegratePower(a, kS, 3 * kS, o);
  ASSERT_TRUE(r.valid);
  ASSERT_EQ(r.gpus.size(), 2u);
  EXPECT_NEAR(r.gpus[0].energy_j, 2 * 300, 1e-6);
  EXPECT_NEAR(r.gpus[1].energy_j, 100, 1e-9);
  EXPECT_NEAR(r.avg_total_gpu_power_w, 350, 1e-6);
  EXPECT_NEAR(r.avg_power_w, 175, 1e-6);
  // P90 of the in-window samples of gpu 0 (200..400 W in 21 steps).
  EXPECT_NEAR(r.gpus[0].p90_w, 380, 1e-6);
  EXPECT_NEAR(r.p90_power_w, 380, 1e-6);
}

TEST(PowerIntegration, GapMakesItInvalidAndNamesTheGpu) {
  auto s = Ramp("0", 0, kS, kS / 10);
  auto tail = Ramp("0", 5 * kS, 6 * kS, kS / 10);  // 4 s silence
  s.insert(s.end(), tail.begin(), tail.end());
  PowerIntegrationOptions o;
  o.max_gap_s = 1;
  PowerResult r = IntegratePower(s, kS / 2, 11 * kS / 2, o);
  EXPECT_FALSE(r.valid);
  ASSERT_FALSE(r.invalid_reasons.empty());
  EXPECT_NE(r.invalid_reasons[0].find("sample_gap: gpu 0 has a 4.000 s gap"),
            std::string::npos)
      << r.invalid_reasons[0];
}

TEST(PowerIntegration, SourceThatStopsEarlyDoesNotBracketTheWindow) {
  auto s = Ramp("0", 0, 2 * kS, kS / 10);
  PowerResult r = IntegratePower(s, kS, 4 * kS, {});
  EXPECT_FALSE(r.valid);
  EXPECT_NE(r.invalid_reasons.at(0).find("window_not_bracketed: gpu 0"),
            std::string::npos);
}

TEST(PowerIntegration, NoSamplesBadWindowAndGpuCount) {
  EXPECT_EQ(IntegratePower({}, 0, kS, {}).invalid_reasons.at(0),
            "no_power_samples_in_window");
  EXPECT_EQ(IntegratePower(Ramp("0", 0, kS, kS / 4), kS, kS, {})
                .invalid_reasons.at(0),
            "invalid_benchmark_window");
  PowerIntegrationOptions o;
  o.expected_num_gpus = 8;
  PowerResult r = IntegratePower(Ramp("0", 0, 2 * kS, kS / 4), 0, kS, o);
  EXPECT_FALSE(r.valid);
  EXPECT_NE(r.invalid_reasons.at(0).find("1 observed, 8 expected"),
            std::string::npos);
}

TEST(PowerIntegration, EnergyPerTokenAndTokensPerMw) {
  PowerResult p;
  p.valid = true;
  p.window_s = 10;
  p.total_energy_j = 10000;  // 1 kW for 10 s
  p.avg_total_gpu_power_w = 1000;
  EnergyFigures e = DeriveEnergy(p, 4000, 1000, 10, 2.0);
  EXPECT_DOUBLE_EQ(e.joules_per_input_token, 2.5);
  EXPECT_DOUBLE_EQ(e.joules_per_output_token, 10);
  EXPECT_DOUBLE_EQ(e.joules_per_total_token, 2);
  EXPECT_DOUBLE_EQ(e.joules_per_successful_query, 1000);
  // 500 tok/s over 2 kW all-in -> 250,000 tok/s per MW.
  EXPECT_DOUBLE_EQ(e.tokens_per_mw, 250000);
  nlohmann::json j = PowerToJson(p, e);
  EXPECT_EQ(j["power_valid"], 1);
  EXPECT_DOUBLE_EQ(j["joules_per_total_token"].get<double>(), 2);
  p.valid = false;
  p.invalid_reasons = {"a", "b"};
  j = PowerToJson(p, e);
  EXPECT_EQ(j["power_valid"], 0);
  EXPECT_EQ(j["power_invalid_reasons"], "a; b");
  EXPECT_FALSE(j.contains("joules_per_total_token"));
}

TEST(PowerCsv, NvidiaSmiAndAmdSmiHeaders) {
  auto nv = DetectCsvColumns("timestamp, index, power.draw [W]");
  ASSERT_TRUE(nv);
  EXPECT_EQ(nv->timestamp, 0);
  EXPECT_EQ(nv->gpu, 1);
  EXPECT_EQ(nv->power, 2);
  auto amd = DetectCsvColumns("timestamp,gpu,power_limit,socket_power");
  ASSERT_TRUE(amd);
  EXPECT_EQ(amd->gpu, 1);
  EXPECT_EQ(amd->power, 3);
  EXPECT_FALSE(DetectCsvColumns("a,b,c"));
  auto row = ParseCsvRow("1700000000.5, 3, 412.34", *nv, 7, 1000);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->gpu, "3");
  EXPECT_DOUBLE_EQ(row->watts, 412.34);
  EXPECT_EQ(row->t_ns, 1'700'000'000'500'000'000 + 1000);
  EXPECT_FALSE(ParseCsvRow("1700000000, 0, [N/A]", *nv, 7, 0));
  auto no_ts = ParseCsvRow("junk, 0, 99", *nv, 7, 0);
  ASSERT_TRUE(no_ts);
  EXPECT_EQ(no_ts->t_ns, 7);  // read time when the timestamp is unreadable
}

TEST(PowerCsv, WallTimestamps) {
  EXPECT_DOUBLE_EQ(*ParseWallTimestamp("1700000000123"), 1700000000.123);
  EXPECT_DOUBLE_EQ(*ParseWallTimestamp("2023-11-14T22:13:20.25Z"),
                   1700000000.25);
  auto local = ParseWallTimestamp("2023/11/14 22:13:20.250");
  ASSERT_TRUE(local);
  EXPECT_NEAR(std::fmod(*local, 1.0), 0.25, 1e-6);
  EXPECT_FALSE(ParseWallTimestamp("yesterday"));
}

TEST(PowerRecorder, ChildCsvSourceRecordsAndReportsAnEarlyExit) {
  PowerOptions o;
  o.source = "nvidia-smi";
  // Prints a header and three rows, then exits: a source that dies.
  o.command = {"/bin/sh", "-c",
               "echo 'timestamp, index, power.draw [W]'; "
               "for w in 100 200 300; do echo \"x, 0, $w\"; done"};
  auto rec = PowerRecorder::Start(o);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_TRUE((*rec)->WaitForSourceEnd(60));
  PowerRecorder::Recording r = (*rec)->Stop();
  EXPECT_EQ(r.source, "nvidia-smi");
  ASSERT_EQ(r.samples.size(), 3u);
  EXPECT_DOUBLE_EQ(r.samples[2].watts, 300);
  EXPECT_NE(r.problem.find("exited during the point"), std::string::npos);
}

TEST(PowerRecorder, NoSourceAndBadNames) {
  PowerOptions o;
  o.source = "none";
  auto rec = PowerRecorder::Start(o);
  ASSERT_TRUE(rec.ok());
  EXPECT_NE((*rec)->Stop().problem.find("off"), std::string::npos);
  o.source = "watts";
  EXPECT_FALSE(PowerRecorder::Start(o).ok());
  o.source = "dcgm";
  EXPECT_FALSE(PowerRecorder::Start(o).ok());  // needs --power-url
  o.source = "nvidia-smi";
  o.command = {"/nonexistent/nvidia-smi"};
  rec = PowerRecorder::Start(o);
  ASSERT_TRUE(rec.ok());
  EXPECT_NE((*rec)->Stop().problem.find("cannot start"), std::string::npos);
}

// nvidia-smi's energy counter (total_energy_consumption, mJ): read from
// the header's unit, used when the driver knows the field (a probe), and
// then preferred over the trapezoid of the power samples.
TEST(PowerCsv, EnergyColumnIsReadInItsUnit) {
  auto nv = DetectCsvColumns(
      "timestamp, index, power.draw [W], total_energy_consumption [mJ]");
  ASSERT_TRUE(nv);
  EXPECT_EQ(nv->power, 2);
  EXPECT_EQ(nv->energy, 3);
  auto row = ParseCsvRow("1700000000, 0, 400.5, 123456789", *nv, 7, 0);
  ASSERT_TRUE(row && row->energy_j);
  EXPECT_DOUBLE_EQ(*row->energy_j, 123456.789);
  auto na = ParseCsvRow("1700000000, 0, 400.5, [N/A]", *nv, 7, 0);
  ASSERT_TRUE(na);
  EXPECT_FALSE(na->energy_j);
  auto joules = DetectCsvColumns("time,gpu,power,energy [J]");
  ASSERT_TRUE(joules);
  EXPECT_DOUBLE_EQ(*ParseCsvRow("1,0,5,2.5", *joules, 7, 0)->energy_j, 2.5);
}

std::string FakeNvidiaSmi(const std::string& name, bool knows_energy) {
  const std::string path =
      ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
  std::ofstream f(path);
  // Probe: the energy field alone. Recording: rows 1 s apart, counter in
  // mJ rising 300 J per second while drawing ~100..500 W.
  f << "#!/bin/sh\n"
    << "case \"$*\" in\n"
    << "  *--query-gpu=total_energy_consumption\\ *)\n"
    << (knows_energy ? "    echo 5000; exit 0;;\n"
                     : "    echo 'Field \"total_energy_consumption\" is not a "
                       "valid field to query.'; exit 2;;\n")
    << "  *total_energy_consumption*)\n"
    << "    echo 'timestamp, index, power.draw [W], "
       "total_energy_consumption [mJ]'\n"
    << "    for i in 0 1 2 3 4; do echo \"$((1700000000+i)), 0, "
       "$((100+i*100)), $((i*300000))\"; done;;\n"
    << "  *)\n"
    << "    echo 'timestamp, index, power.draw [W]'\n"
    << "    for i in 0 1 2 3 4; do echo \"$((1700000000+i)), 0, "
       "$((100+i*100))\"; done;;\n"
    << "esac\n";
  f.close();
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

TEST(PowerRecorder, NvidiaSmiEnergyCounterIsUsedWhenTheDriverHasIt) {
  PowerOptions o;
  o.source = "nvidia-smi";
  o.nvidia_smi = FakeNvidiaSmi("nvidia-smi-energy", true);
  EXPECT_TRUE(NvidiaSmiQueriesEnergy(o.nvidia_smi));
  auto rec = PowerRecorder::Start(o);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_TRUE((*rec)->WaitForSourceEnd(60));
  PowerRecorder::Recording r = (*rec)->Stop();
  ASSERT_EQ(r.samples.size(), 5u);
  for (const PowerSample& s : r.samples) ASSERT_TRUE(s.energy_j);
  const int64_t t0 = r.samples[0].t_ns;
  // Window [0.5 s, 3.5 s]: the counter says 900 J; the trapezoid of the
  // power samples says 3 s x 300 W mean = 900 J too, but the counter wins.
  PowerResult p =
      IntegratePower(r.samples, t0 + 500'000'000, t0 + 3'500'000'000, {});
  ASSERT_EQ(p.gpus.size(), 1u);
  EXPECT_TRUE(p.gpus[0].from_counter);
  EXPECT_NEAR(p.gpus[0].energy_j, 900, 1e-6);
}

TEST(PowerRecorder, OlderDriversRecordPowerWithoutTheEnergyField) {
  PowerOptions o;
  o.source = "nvidia-smi";
  o.nvidia_smi = FakeNvidiaSmi("nvidia-smi-old", false);
  EXPECT_FALSE(NvidiaSmiQueriesEnergy(o.nvidia_smi));
  const auto argv = NvidiaSmiArgv(o.nvidia_smi, 0.1, false);
  EXPECT_EQ(argv[1], "--query-gpu=timestamp,index,power.draw");
  EXPECT_EQ(argv.back(), "100");
  auto rec = PowerRecorder::Start(o);
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_TRUE((*rec)->WaitForSourceEnd(60));
  PowerRecorder::Recording r = (*rec)->Stop();
  ASSERT_EQ(r.samples.size(), 5u);
  EXPECT_FALSE(r.samples[0].energy_j);
  const int64_t t0 = r.samples[0].t_ns;
  PowerResult p =
      IntegratePower(r.samples, t0 + 500'000'000, t0 + 3'500'000'000, {});
  ASSERT_EQ(p.gpus.size(), 1u);
  EXPECT_FALSE(p.gpus[0].from_counter);
  EXPECT_NEAR(p.gpus[0].energy_j, 900, 1e-6);
}

}  // namespace
}  // namespace infx::telemetry
