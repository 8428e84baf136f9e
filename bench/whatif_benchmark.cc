// `infx whatif` speed (issue 17 target: 6 variants of one model in under
// 2 s): RunWhatIf over six variants, as the command builds them, for a dense
// model on one node, an MoE on one node, and an MoE over 64 GPUs with the
// scale-up domain varied (the widest space). Run from a Release build.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "whatif/variant.h"
#include "whatif/whatif.h"

namespace {

using namespace infx;

whatif::WhatIfRequest Request(const std::string& model, const std::string& hw,
                              const std::vector<std::string>& vary, int gpus) {
  std::vector<whatif::VaryAxis> axes;
  for (const std::string& v : vary) {
    axes.push_back(whatif::ParseVaryFlag(v).value());
  }
  whatif::WhatIfRequest r;
  r.variants =
      whatif::MakeVariants(
          {model::LoadModel(model).value()},
          {hardware::HardwareCatalog::Builtin().Find(hw).value()}, axes)
          .value();
  r.gpu_budget = gpus;
  return r;
}

void BM_WhatIfSixVariants(benchmark::State& state, const std::string& model,
                          const std::string& hw,
                          const std::vector<std::string>& vary, int gpus) {
  const whatif::WhatIfRequest r = Request(model, hw, vary, gpus);
  if (r.variants.size() != 6) state.SkipWithError("expected 6 variants");
  int64_t points = 0;
  for (auto _ : state) {
    auto res = whatif::RunWhatIf(r);
    benchmark::DoNotOptimize(res);
    points += res->points_evaluated;
  }
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(points),
                                                  benchmark::Counter::kIsRate);
}

const std::vector<std::string> kHbmTimesPrecision = {"hbm_bandwidth=x1,x1.5,x2",
                                                     "precision=fp8,fp4"};

BENCHMARK_CAPTURE(BM_WhatIfSixVariants, llama_3_1_70b_h200_8gpus,
                  "llama-3.1-70b", "h200", kHbmTimesPrecision, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WhatIfSixVariants, deepseek_r1_b200_8gpus, "deepseek-r1",
                  "b200", kHbmTimesPrecision, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_WhatIfSixVariants, deepseek_r1_h200_64gpus_domains,
                  "deepseek-r1", "h200",
                  std::vector<std::string>{"scaleup_domain=8,16,32,64,72,128"},
                  64)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
