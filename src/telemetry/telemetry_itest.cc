// End to end: bench points against the emulator with /metrics scraping and
// power (the emulator's DCGM-style families as the power source) on.
// Checks the server's token counters against the client's counts, the
// summary's gauges and histograms, and joules per token as the power
// recorder measured it over the point's window against the emulator's own
// power model (its energy counter as the server scraper recorded it)
// within 5%.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/point_telemetry.h"
#include "emulator/emulator_server.h"

namespace infx::telemetry {
namespace {

// The emulator's own energy (J, all GPUs) between t0_ms and t1_ms of the
// raw samples, interpolating its cumulative counter.
double ModelEnergyJ(const nlohmann::json& raw, double t0_ms, double t1_ms) {
  const auto& series = raw["series"];
  double total = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    const std::string name = series[i];
    if (!name.starts_with("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")) continue;
    std::vector<std::pair<double, double>> pts;
    for (size_t k = 0; k < raw["t_ms"].size(); ++k) {
      const auto& row = raw["values"][k];
      if (i < row.size() && row[i].is_number()) {
        pts.emplace_back(raw["t_ms"][k].get<double>(), row[i].get<double>());
      }
    }
    const auto at = [&](double t) {
      for (size_t k = 1; k < pts.size(); ++k) {
        if (pts[k].first >= t) {
          const auto& [ta, ea] = pts[k - 1];
          const auto& [tb, eb] = pts[k];
          return ea + (eb - ea) * (t - ta) / (tb - ta);
        }
      }
      return pts.back().second;
    };
    total += (at(t1_ms) - at(t0_ms)) * 1e-3;  // mJ -> J
  }
  return total;
}

class TelemetryEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    emulator::EmulatorOptions o;
    o.model = "llama-3.1-8b";
    o.hardware = "h200";
    o.tp = 2;  // two GPUs report power
    o.time_scale = 0.5;
    auto server = emulator::EmulatorServer::Start(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  bench::BenchConfig Config(int64_t concurrency) const {
    bench::BenchConfig c;
    c.client.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    c.client.model = "llama-3.1-8b";
    c.dataset.name = "random";
    c.dataset.input_len = 512;
    c.dataset.output_len = 128;
    c.sampling.ignore_eos = true;
    c.num_prompts = concurrency * 3;
    c.max_concurrency = concurrency;
    c.metrics.num_gpus = 2;
    return c;
  }

  static TelemetryOptions Telemetry() {
    TelemetryOptions t;
    t.enabled = true;
    t.scrape_interval_s = 0.1;
    t.scrape_timeout_s = 10;  // ASan on shared cores answers slowly
    t.power.source = "dcgm";  // the target's /metrics
    t.power.interval_s = 0.1;
    t.expected_num_gpus = 2;
    t.facility_factor = 1.5;
    return t;
  }

  std::unique_ptr<emulator::EmulatorServer> server_;
};

TEST_F(TelemetryEmulatorTest, SweepWithScrapingAndPowerMatchesTheModel) {
  for (int64_t concurrency : {4, 16}) {
    SCOPED_TRACE("concurrency " + std::to_string(concurrency));
    auto point =
        bench::RunBenchmarkWithTelemetry(Config(concurrency), Telemetry());
    ASSERT_TRUE(point.ok()) << point.status().ToString();
    const bench::BenchResult* r = &point->result;
    ASSERT_TRUE(point->telemetry.has_value());
    const PointTelemetry& t = *point->telemetry;
    const ServerSummary& s = t.server;
    ASSERT_TRUE(s.available) << s.missing_reason;
    EXPECT_EQ(s.engine, "vllm");
    // Scrapes may fail on a loaded machine (ASan, shared cores): a failed
    // scrape is a gap, never a failed point.
    // The server saw exactly the client's tokens.
    ASSERT_TRUE(s.prompt_tokens && s.generation_tokens);
    EXPECT_EQ(*s.prompt_tokens, s.client_prompt_tokens);
    EXPECT_EQ(*s.generation_tokens, s.client_generation_tokens);
    EXPECT_EQ(s.client_generation_tokens, r->metrics.total_output_tokens);
    EXPECT_EQ(*s.requests_succeeded, r->metrics.completed);
    EXPECT_GT(*s.requests_running_max, 0);
    EXPECT_LE(*s.requests_running_max, concurrency);
    EXPECT_GT(*s.kv_cache_usage_max, 0);
    EXPECT_EQ(s.latency.at("ttft").count, r->metrics.completed);
    EXPECT_GT(s.latency.at("itl").p50_ms, 0);
    // Prefix caching: when the emulator exports its counters, the rate is
    // a fraction (random prompts share no prefix).
    if (s.prefix_cache_hit_rate) {
      EXPECT_GE(*s.prefix_cache_hit_rate, 0);
      EXPECT_LE(*s.prefix_cache_hit_rate, 1);
    }
    // Power: both GPUs, valid, and J/token within 5% of the model's.
    ASSERT_TRUE(t.power.valid) << t.power.invalid_reasons.at(0);
    EXPECT_EQ(t.power.source, "dcgm");
    ASSERT_EQ(t.power.gpus.size(), 2u);
    EXPECT_GT(t.power.avg_power_w, 70);  // above idle (10% of 700 W)
    EXPECT_LE(t.power.p90_power_w, 700 + 1e-9);
    const double model_j = ModelEnergyJ(t.raw, 0, t.power.window_s * 1e3);
    const double model_j_per_token =
        model_j / static_cast<double>(r->metrics.total_output_tokens);
    EXPECT_NEAR(t.energy.joules_per_output_token / model_j_per_token, 1.0, 0.05)
        << "integrated " << t.power.total_energy_j << " J, model " << model_j
        << " J; window " << t.power.window_s << " s, samples/gpu "
        << t.power.gpus[0].samples << ", raw " << t.raw["t_ms"].dump()
        << " max scrape ms " << s.scrape_ms_max;
    // The power samples' trapezoid, beside the counter, tells the same
    // story (loosely: sampling is irregular on a loaded machine).
    double trapezoid_j = 0;
    for (const GpuPower& g : t.power.gpus) {
      EXPECT_TRUE(g.from_counter);
      trapezoid_j += g.trapezoid_energy_j;
    }
    EXPECT_NEAR(trapezoid_j / t.power.total_energy_j, 1.0, 0.35);
    EXPECT_GT(t.energy.tokens_per_mw, 0);
    nlohmann::json j = bench::MeasuredPointToJson(*point);
    EXPECT_EQ(j["power_valid"], 1);
    EXPECT_TRUE(j["server_telemetry"]["ttft_p50_ms"].is_number());
    EXPECT_TRUE(j.contains("server_metrics_raw"));
  }
}

TEST_F(TelemetryEmulatorTest, SharedPrefixShowsAsPrefixCacheHits) {
  // Every prompt starts with the same 512 tokens (emulator prefix caching
  // is on by default): after the first, those are hits.
  bench::BenchConfig c = Config(4);
  c.dataset.prefix_len = 512;
  c.dataset.input_len = 128;
  auto point = bench::RunBenchmarkWithTelemetry(c, Telemetry());
  ASSERT_TRUE(point.ok()) << point.status().ToString();
  const ServerSummary& s = point->telemetry->server;
  ASSERT_TRUE(s.prefix_cache_hit_rate.has_value());
  ASSERT_TRUE(s.prefix_cache_queries.has_value());
  // Queries cover every prompt token the server looked up.
  EXPECT_GE(*s.prefix_cache_queries, 0.9 * s.client_prompt_tokens);
  // 11 of 12 prompts find the 512-token prefix (block-aligned) cached:
  // at least 11 x 512 of 12 x 640 tokens.
  EXPECT_GT(*s.prefix_cache_hit_rate, 0.6);
  EXPECT_LE(*s.prefix_cache_hit_rate, 1.0);
}

TEST_F(TelemetryEmulatorTest, MissingMetricsAndPowerNeverFailThePoint) {
  bench::BenchConfig c = Config(4);
  c.num_prompts = 4;
  TelemetryOptions t = Telemetry();
  t.metrics_url =
      "http://127.0.0.1:" + std::to_string(server_->port()) + "/nothing";
  t.power.source = "none";
  auto r = bench::RunBenchmarkWithTelemetry(c, t);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->result.metrics.completed, 4);
  ASSERT_TRUE(r->telemetry);
  EXPECT_FALSE(r->telemetry->server.available);
  EXPECT_NE(r->telemetry->server.missing_reason.find("HTTP 404"),
            std::string::npos)
      << r->telemetry->server.missing_reason;
  EXPECT_FALSE(r->telemetry->power.valid);
  nlohmann::json j = bench::MeasuredPointToJson(*r);
  EXPECT_EQ(j["power_valid"], 0);
  EXPECT_FALSE(j.contains("joules_per_output_token"));
}

}  // namespace
}  // namespace infx::telemetry
