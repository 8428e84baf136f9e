// Step-time overshoot of the emulator's engine: how late each step really
// ends compared with its planned absolute deadline (actual wake minus
// deadline), with Llama-3.1-8B on H200 timed by the performance model and
// a closed loop of requests. Target: p99 < 1 ms. Reported as counters
// overshoot_p50_us / p99 / max.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "emulator/engine.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/calibration.h"
#include "perf/cost_model.h"

namespace infx::emulator {
namespace {

std::shared_ptr<const StepCostModel> Llama8bOnH200() {
  perf::Deployment d;
  d.model = model::LoadModel("llama-3.1-8b").value();
  d.hardware = hardware::HardwareCatalog::Builtin().Find("h200").value();
  d.calibration = perf::DefaultCalibration(d.hardware, perf::Engine::kVllm);
  return std::make_shared<PerfStepCostModel>(perf::BuildCostModel(d));
}

void BM_StepOvershoot(benchmark::State& state) {
  const int64_t concurrency = state.range(0);
  std::vector<int64_t> overshoots;
  for (auto _ : state) {
    EngineConfig config;
    config.scheduler = {256, 8192, 50000, 16};
    Engine engine(config, Llama8bOnH200());
    engine.Start();
    uint64_t next_id = 0;
    std::vector<std::shared_ptr<RequestStream>> live;
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < until) {
      std::erase_if(live, [](const auto& s) {
        std::lock_guard lock(s->mu);
        return s->finished;
      });
      while (static_cast<int64_t>(live.size()) < concurrency) {
        auto s = std::make_shared<RequestStream>();
        s->id = next_id++;
        s->prompt_tokens = 1024;
        s->output_tokens = 128;
        live.push_back(s);
        engine.Submit(s);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    engine.Stop();
    overshoots = engine.Overshoots();
  }
  std::sort(overshoots.begin(), overshoots.end());
  auto pct = [&](double q) {
    if (overshoots.empty()) return 0.0;
    const size_t i = std::min(
        overshoots.size() - 1,
        static_cast<size_t>(q * static_cast<double>(overshoots.size())));
    return overshoots[i] * 1e-3;
  };
  state.counters["steps"] = static_cast<double>(overshoots.size());
  state.counters["overshoot_p50_us"] = pct(0.50);
  state.counters["overshoot_p99_us"] = pct(0.99);
  state.counters["overshoot_max_us"] =
      overshoots.empty() ? 0 : overshoots.back() * 1e-3;
}
BENCHMARK(BM_StepOvershoot)
    ->Arg(1)
    ->Arg(64)
    ->Arg(256)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace infx::emulator

BENCHMARK_MAIN();
