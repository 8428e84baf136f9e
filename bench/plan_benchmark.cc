// Planner speed: configs (and serving points) evaluated per second when
// planning one model on one hardware for one workload over the whole space,
// and the cost of one PredictStepTime (the emulator calls it every step).
#include <benchmark/benchmark.h>

#include <string>

#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/serving.h"
#include "perf/step_time.h"
#include "plan/plan.h"

namespace {

using namespace infx;

plan::PlanRequest Request(const std::string& model, const std::string& hw,
                          int64_t isl, int64_t osl) {
  plan::PlanRequest r;
  r.model = model::LoadModel(model).value();
  r.hardware = hardware::HardwareCatalog::Builtin().Find(hw).value();
  r.workload = {isl, osl, 0.8};
  return r;
}

void BM_PlanWholeSpace(benchmark::State& state, const std::string& model,
                       const std::string& hw) {
  const plan::PlanRequest r = Request(model, hw, 1024, 1024);
  int64_t configs = 0;
  int64_t points = 0;
  for (auto _ : state) {
    auto res = plan::Plan(r);
    benchmark::DoNotOptimize(res);
    configs += static_cast<int64_t>(res->kept.size() + res->pruned.size());
    points += res->points_evaluated;
  }
  state.counters["configs/s"] = benchmark::Counter(static_cast<double>(configs),
                                                   benchmark::Counter::kIsRate);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_PlanWholeSpace, llama_3_1_8b_h200, "llama-3.1-8b", "h200")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanWholeSpace, llama_3_1_70b_h200, "llama-3.1-70b",
                  "h200")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanWholeSpace, deepseek_r1_h200, "deepseek-r1", "h200")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanWholeSpace, qwen3_235b_b200, "qwen3-235b-a22b", "b200")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanWholeSpace, deepseek_r1_gb200_nvl72, "deepseek-r1",
                  "gb200-nvl72")
    ->Unit(benchmark::kMillisecond);

void BM_PredictStepTime(benchmark::State& state) {
  perf::Deployment d;
  d.model = model::LoadModel("llama-3.1-8b").value();
  d.hardware = hardware::HardwareCatalog::Builtin().Find("h200").value();
  d.calibration = perf::DefaultCalibration(d.hardware, d.engine);
  const perf::CostModel costs = perf::BuildCostModel(d);
  const perf::PrefillChunk chunk{512, 1024};
  perf::BatchShape b;
  b.decode_seqs = 128;
  b.decode_context_tokens = 128 * 1500;
  b.prefill_chunks = std::span<const perf::PrefillChunk>(&chunk, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(perf::PredictStepTime(costs, b));
  }
}
BENCHMARK(BM_PredictStepTime);

void BM_PredictStepTimeFromDeployment(benchmark::State& state) {
  perf::Deployment d;
  d.model = model::LoadModel("deepseek-r1").value();
  d.hardware = hardware::HardwareCatalog::Builtin().Find("h200").value();
  d.weight_precision = Precision::kFp8;
  d.parallelism = {8, 1, 8, true};
  d.calibration = perf::DefaultCalibration(d.hardware, d.engine);
  perf::BatchShape b;
  b.decode_seqs = 256;
  b.decode_context_tokens = 256 * 1500;
  for (auto _ : state) {
    benchmark::DoNotOptimize(perf::PredictStepTime(d, b));
  }
}
BENCHMARK(BM_PredictStepTimeFromDeployment);

}  // namespace

BENCHMARK_MAIN();
