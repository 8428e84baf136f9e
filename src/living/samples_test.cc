#include "living/samples.h"

#include <gtest/gtest.h>

#include <cmath>

namespace infx::living {
namespace {

SeriesPoint MakePoint(const std::string& config, int conc, int rep, double tput,
                      double interactivity) {
  SeriesPoint p;
  p.config_key = config;
  p.series_key = config + "/c" + std::to_string(conc);
  p.repetition = rep;
  p.key = {1, config, 128, 64, 1.0, conc, 0, rep};
  p.metrics.tput_per_gpu_total = tput;
  p.metrics.interactivity_tok_s_user = interactivity;
  p.metrics.median_ttft_ms = 10 * conc;
  p.metrics.completed = 8;
  return p;
}

RunData TwoConfigs() {
  RunData run;
  run.run.run_id = 1;
  run.run.host = "node1";
  for (const char* key : {"a", "b"}) {
    store::ConfigRecord c;
    c.run_id = 1;
    c.config_key = key;
    c.details = {{"model", "m"}};
    c.engine_version = std::string(key) == "a" ? "1.0" : "1.1";
    c.canary = std::string(key) == "b";
    run.configs.push_back(c);
  }
  for (int rep = 0; rep < 2; ++rep) {
    // Config a: (interactivity, tput) (100, 500) at c1 and (10, 2000) at c8.
    run.points.push_back(MakePoint("a", 1, rep, 500 + rep, 100));
    run.points.push_back(MakePoint("a", 8, rep, 2000 + rep, 10));
    run.points.push_back(MakePoint("b", 1, rep, 300, 80));
  }
  for (auto& p : run.points) {
    p.canary = p.config_key == "b";
    p.engine_version = p.config_key == "a" ? "1.0" : "1.1";
  }
  return run;
}

TEST(Samples, SeriesCarryRepetitionsCanaryAndAttributes) {
  const RunSamples s = BuildRunSamples(TwoConfigs(), {});
  ASSERT_EQ(s.series.size(), 3u);
  const SeriesSamples& a1 = s.series.at("a/c1");
  EXPECT_EQ(a1.config_key, "a");
  EXPECT_FALSE(a1.canary);
  EXPECT_EQ(a1.metrics.at("tput_per_gpu"), (std::vector<double>{500, 501}));
  EXPECT_EQ(a1.metrics.at("median_ttft_ms"), (std::vector<double>{10, 10}));
  EXPECT_EQ(a1.attributes.at("host"), "node1");
  EXPECT_TRUE(s.series.at("b/c1").canary);
}

TEST(Samples, FailedPointsMeasureNothing) {
  RunData run = TwoConfigs();
  run.points[0].metrics.completed = 0;  // a/c1 repetition 0
  const RunSamples s = BuildRunSamples(run, {});
  const auto& v = s.series.at("a/c1").metrics.at("tput_per_gpu");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_EQ(v[1], 501);
}

TEST(Samples, FrontierAtIsoLevelsPerRepetition) {
  const RunSamples s = BuildRunSamples(TwoConfigs(), {50, 500});
  // Frontier of a's points (b is dominated); 500 tok/s/user is outside.
  const auto it = s.series.find("frontier/m/isl128-osl64@50tok/s/user");
  ASSERT_NE(it, s.series.end());
  const auto& v = it->second.metrics.at("tput_per_gpu");
  ASSERT_EQ(v.size(), 2u);
  // Two knots: PCHIP is the straight line between them.
  EXPECT_NEAR(v[0], 2000 + (500.0 - 2000) * (50 - 10) / 90, 1e-9);
  EXPECT_NEAR(v[1], 2001 + (501.0 - 2001) * (50 - 10) / 90, 1e-9);
  EXPECT_FALSE(s.series.contains("frontier/m/isl128-osl64@500tok/s/user"));
}

}  // namespace
}  // namespace infx::living
