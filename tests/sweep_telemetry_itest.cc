// Sweeps of the emulator with /metrics scraping and GPU power on (issue 19):
// every stored point carries the server summary and the power columns; the
// server's token counters equal the client's; the prefix-cache hit rate is
// what the prompts allow; and joules per token match the emulator's power
// model within 5%, recomputed here from the model's documented parameters
// (catalog TDP, idle 10% of it, weights 1.0 and 0.6) and the emulator's step
// trace, not from the energy counter the measurement reads. The CLI side:
// tests/sweep_telemetry_cli_itest.cc.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <mutex>
#include <utility>

#include "emulator/emulator_server.h"
#include "emulator/power_model.h"
#include "frontier/analysis.h"
#include "frontier/prices.h"
#include "hardware/catalog.h"
#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/point_telemetry.h"
#include "sweep/runner.h"

namespace infx {
namespace {

constexpr const char* kMatrix = R"(name: telemetry
seed: 11
target:
  type: emulator
  emulator: {time_scale: 1.0, prefix_caching: true}
configs:
  - {model: llama-3.1-8b, hardware: h200, tp: 2}
workloads: [{isl: 512, osl: 256}]
concurrency: [4, 16]
prompts: {per_concurrency: 2, min: 2}
)";

// The emulator, started for each config as the sweep's own emulator target
// does, with its step trace recorded.
class TracedEmulatorTarget : public sweep::ServingTarget {
 public:
  std::string Unsupported(const sweep::ServingConfig&) const override {
    return "";
  }
  Result<sweep::TargetEndpoint> Start(const sweep::ServingConfig& c,
                                      int) override {
    emulator::EmulatorOptions o;
    o.model = c.model;
    o.hardware = c.hardware;
    o.tp = c.tp;
    o.time_scale = 1.0;
    o.enable_prefix_caching = true;
    o.step_observer = [this](const emulator::StepPowerRecord& r) {
      std::lock_guard lock(mu_);
      steps_.push_back(r);
    };
    INFX_ASSIGN_OR_RETURN(server_, emulator::EmulatorServer::Start(o));
    sweep::TargetEndpoint ep;
    ep.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    ep.served_model = c.model;
    ep.serves_dcgm_power = true;
    return ep;
  }
  void Stop() override {
    if (server_) server_->Stop();
    server_.reset();
  }
  std::vector<emulator::StepPowerRecord> TakeSteps() {
    std::lock_guard lock(mu_);
    return std::exchange(steps_, {});
  }

 private:
  std::unique_ptr<emulator::EmulatorServer> server_;
  std::mutex mu_;
  std::vector<emulator::StepPowerRecord> steps_;
};

// Joules all GPUs draw over a window of `window_s` that holds every step of
// the point, from the power model's definition (docs/telemetry.md,
// "Emulator power"): idle = 10% of the catalog TDP, a step draws idle +
// (TDP - idle) x min(1, u_compute + 0.6 u_memory) for total_s x time_scale
// (cut short by the next step), idle between steps.
double ModelEnergyJ(std::vector<emulator::StepPowerRecord> steps,
                    double window_s, int gpus, double tdp_w) {
  const double idle_w = 0.1 * tdp_w;
  std::stable_sort(
      steps.begin(), steps.end(),
      [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
  double excess_j = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const perf::StepTime& st = steps[i].step;
    if (!(st.total_s > 0)) continue;
    const double load = std::min(1.0, st.compute_bound_s / st.total_s +
                                          0.6 * st.memory_bound_s / st.total_s);
    const double watts = idle_w + (tdp_w - idle_w) * load;
    EXPECT_NEAR(watts, steps[i].watts, 1e-6);  // the emulator's StepWatts
    double end_ns = steps[i].start_ns + st.total_s * 1e9;  // time_scale 1
    if (i + 1 < steps.size()) {
      end_ns = std::min<double>(end_ns, steps[i + 1].start_ns);
    }
    excess_j +=
        (watts - idle_w) * std::max(0.0, end_ns - steps[i].start_ns) * 1e-9;
  }
  return gpus * (idle_w * window_s + excess_j);
}

sweep::SweepOptions Options(const sweep::Matrix& m) {
  sweep::SweepOptions o;
  o.matrix = m;
  o.matrix_text = kMatrix;
  o.predict = false;
  o.finish_run = false;
  o.host_provenance = nlohmann::json::object();
  o.telemetry.enabled = true;
  o.telemetry.scrape_interval_s = 0.1;
  o.telemetry.scrape_timeout_s = 10;  // ASan on shared cores answers slowly
  o.telemetry.power.interval_s = 0.05;
  return o;
}

TEST(SweepTelemetryTest, PointsKeepServerTelemetryAndPowerThatMatchTheModel) {
  auto matrix = sweep::ParseMatrix(YAML::Load(kMatrix), "telemetry.yaml");
  ASSERT_TRUE(matrix.ok()) << matrix.status().ToString();
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  const sweep::SweepOptions options = Options(*matrix);
  auto run = sweep::OpenRun(options, **store);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto tdp = hardware::HardwareCatalog::Builtin().Find("h200");
  ASSERT_TRUE(tdp.ok());
  const double facility = tdp->all_in_power_watts / tdp->tdp_watts;
  TracedEmulatorTarget target;
  // One point per call: a fresh emulator, so the step trace is the point's.
  for (const sweep::Point& point : sweep::ExpandPoints(*matrix)) {
    SCOPED_TRACE("concurrency " + std::to_string(point.concurrency));
    auto summary = sweep::RunPoints(options, {point}, target, **store, *run);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    ASSERT_EQ(summary->points_measured, 1) << summary->failures.at(0).what;
    const auto steps = target.TakeSteps();
    auto points = (*store)->ListPoints(*run);
    ASSERT_TRUE(points.ok());
    auto it = std::find_if(points->begin(), points->end(), [&](auto& p) {
      return p.key.concurrency == point.concurrency;
    });
    ASSERT_NE(it, points->end());
    const store::PointRecord& p = *it;
    // Server telemetry: the engine counted exactly the client's tokens.
    const nlohmann::json& s = p.metrics_json.at("server_telemetry");
    ASSERT_TRUE(s.at("available").get<bool>()) << s.dump();
    EXPECT_EQ(s.at("generation_tokens"), s.at("client_generation_tokens"));
    EXPECT_EQ(s.at("prompt_tokens"), s.at("client_prompt_tokens"));
    EXPECT_EQ(s.at("client_generation_tokens").get<int64_t>(),
              p.metrics.completed * 256);
    EXPECT_EQ(s.at("requests_succeeded").get<int64_t>(), p.metrics.completed);
    // Distinct random prompts on a fresh emulator: every prompt token is
    // looked up, almost none found.
    EXPECT_GE(s.at("prefix_cache_queries").get<double>(),
              0.9 * s.at("client_prompt_tokens").get<double>());
    EXPECT_LT(s.at("prefix_cache_hit_rate").get<double>(), 0.1);
    EXPECT_TRUE(s.at("ttft_p50_ms").is_number());
    // The raw samples are in their own table, not in metrics_json.
    EXPECT_FALSE(p.metrics_json.contains("server_metrics_raw"));
    auto raw = (*store)->GetServerMetricsRaw(p.point_id);
    ASSERT_TRUE(raw.ok());
    EXPECT_GE(raw->at("t_ms").size(), 2u);
    // Power: valid, from the emulator's DCGM families, all-in by default.
    const store::PointPower& pw = p.metrics.power;
    ASSERT_TRUE(pw.measured && pw.valid) << pw.invalid_reasons;
    EXPECT_EQ(pw.source, "dcgm");
    EXPECT_NEAR(pw.facility_factor, facility, 1e-9);
    EXPECT_GT(pw.avg_power_w, 0.1 * tdp->tdp_watts);
    EXPECT_LE(pw.p90_power_w, tdp->tdp_watts + 1e-9);
    // J/token against the model, recomputed from its step trace.
    ASSERT_FALSE(steps.empty());
    const double window_s = p.metrics_json.at("power_window_s").get<double>();
    const double model_j = ModelEnergyJ(steps, window_s, 2, tdp->tdp_watts);
    const double output_tokens = static_cast<double>(p.metrics.completed) * 256;
    EXPECT_NEAR(pw.joules_per_output_token / (model_j / output_tokens), 1.0,
                0.05)
        << "measured " << pw.total_gpu_energy_j << " J, model " << model_j
        << " J over " << window_s << " s, " << steps.size() << " steps";
  }
  // The frontier's power y: measured values, all-in J per token.
  frontier::AnalysisOptions ao;
  ao.y = frontier::YMetric::kJoulesPerToken;
  ao.include_invalid = true;  // few prompts: run validity may say too short
  auto configs = (*store)->ListConfigs(*run);
  ASSERT_TRUE(configs.ok());
  auto analysis =
      frontier::AnalyzeRun(**store, *run, ao,
                           frontier::PricesForConfigs(
                               hardware::HardwareCatalog::Builtin(), *configs));
  ASSERT_TRUE(analysis.ok()) << analysis.status().ToString();
  ASSERT_EQ(analysis->scenarios.size(), 1u);
  const auto& measured = analysis->scenarios[0].curves.at(0).measured;
  ASSERT_EQ(measured.size(), 2u);
  for (const frontier::CurvePoint& c : measured) {
    EXPECT_EQ(c.y_source, "measured");
    EXPECT_GT(c.y, 0);
  }
}

}  // namespace
}  // namespace infx
