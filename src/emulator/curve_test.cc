// The scheduler's serving curve in virtual time against the performance
// model's prediction: a closed loop of C requests (InferenceX random
// lengths, range ratio 0.8) runs through Scheduler with each step lasting
// PerfStepCostModel's time; TPOT and output throughput per GPU are measured
// as vLLM serve.py defines them. The real-time server is checked end to end
// by emulator_server_itest.cc and the overshoot benchmark.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "emulator/scheduler.h"
#include "emulator/step_cost.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/calibration.h"
#include "perf/memory.h"
#include "perf/serving.h"

namespace infx::emulator {
namespace {

struct CurvePoint {
  double tpot_ms = 0;
  double output_tok_s = 0;
};

CurvePoint RunClosedLoop(const perf::Deployment& d, int64_t concurrency,
                         int64_t isl, int64_t osl, double range_ratio,
                         int64_t requests) {
  const perf::MemoryPlan memory = perf::PlanMemory(d);
  Scheduler s({256, 8192, memory.kv_capacity_tokens / 16, 16});
  PerfStepCostModel cost(perf::BuildCostModel(d));
  std::mt19937_64 rng(42 + concurrency);
  std::uniform_int_distribution<int64_t> in(
      static_cast<int64_t>(isl * range_ratio), isl);
  std::uniform_int_distribution<int64_t> out(
      static_cast<int64_t>(osl * range_ratio), osl);
  struct Req {
    double arrival = 0, first = 0, last = 0;
    int64_t tokens = 0;
  };
  std::map<uint64_t, Req> reqs;
  uint64_t next = 0;
  auto submit = [&](double now) {
    reqs[next] = {now, 0, 0, 0};
    s.Add({next++, in(rng), out(rng)});
  };
  double now = 0;
  for (int64_t i = 0; i < concurrency; ++i) submit(now);
  std::vector<TokenEvent> events;
  while (!s.idle()) {
    const StepPlan& plan = s.Schedule();
    now += cost.StepSeconds(plan.shape);
    events.clear();
    s.Complete(events);
    for (const TokenEvent& e : events) {
      Req& r = reqs[e.id];
      if (e.index == 0) r.first = now;
      r.last = now;
      ++r.tokens;
      if (e.finished && static_cast<int64_t>(next) < requests) submit(now);
    }
  }
  // Steady state: skip the first and last `concurrency` requests.
  double tpot = 0, tokens = 0, busy = 0;
  int64_t counted = 0;
  const double t0 = reqs[concurrency].arrival;
  const double t1 = reqs[requests - concurrency].arrival;
  for (const auto& [id, r] : reqs) {
    const auto i = static_cast<int64_t>(id);
    if (i >= concurrency && i < requests - concurrency) {
      tpot += (r.last - r.first) / static_cast<double>(r.tokens - 1);
      ++counted;
    }
    busy += std::max(0.0, std::min(t1, r.last) - std::max(t0, r.arrival));
  }
  (void)busy;
  // Throughput by Little's law over the steady window: C requests in flight.
  double e2e = 0;
  for (int64_t i = concurrency; i < requests - concurrency; ++i) {
    e2e += reqs[i].last - reqs[i].arrival;
    tokens += static_cast<double>(reqs[i].tokens);
  }
  CurvePoint p;
  p.tpot_ms = 1e3 * tpot / counted;
  p.output_tok_s = concurrency * (tokens / counted) / (e2e / counted);
  return p;
}

TEST(CurveTest, Llama8bOnH200MatchesThePerformanceModelWithin5Percent) {
  perf::Deployment d;
  d.model = model::LoadModel("llama-3.1-8b").value();
  d.hardware = hardware::HardwareCatalog::Builtin().Find("h200").value();
  d.calibration = perf::DefaultCalibration(d.hardware, perf::Engine::kVllm);
  constexpr int64_t kIsl = 1024, kOsl = 1024;
  for (int64_t c : {1, 2, 4, 8, 16, 32, 64, 128, 256}) {
    SCOPED_TRACE("concurrency " + std::to_string(c));
    const CurvePoint m =
        RunClosedLoop(d, c, kIsl, kOsl, 0.8, std::max<int64_t>(12, 6 * c));
    const perf::ServingPoint p =
        perf::PredictServing(d, perf::Workload{kIsl, kOsl, 0.8}, c);
    std::printf(
        "C=%-4ld TPOT emulated %.3f ms predicted %.3f ms; output tok/s/gpu "
        "emulated %.1f predicted %.1f\n",
        static_cast<long>(c), m.tpot_ms, p.tpot_ms, m.output_tok_s,
        p.output_tok_s_per_gpu);
    EXPECT_NEAR(m.tpot_ms / p.tpot_ms, 1.0, 0.05);
    EXPECT_NEAR(m.output_tok_s / p.output_tok_s_per_gpu, 1.0, 0.05);
  }
}

}  // namespace
}  // namespace infx::emulator
