// Mooncake prompt synthesis speed (issue 18: a 20,000-row trace in under
// 2 s). The rows are the Mooncake sample (../shared/data/traces/mooncake,
// 3,993 rows, avg 15k input tokens) repeated to 20,000 rows, each copy
// with its own hash-id range and timestamps after the previous copy's, so
// the prompts total ~300M tokens. Measures parsing and synthesis apart.
// Run from a Release build:
//   build/bench/infx_trace_synthesis_benchmark
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/trace_workload.h"
#include "trace/mooncake.h"

namespace {

std::string SampleText() {
  const char* env = std::getenv("INFX_SHARED_DATA");
  const std::filesystem::path dir =
      env ? std::filesystem::path(env)
          : std::filesystem::path(INFX_SOURCE_DIR) / ".." / "shared" / "data";
  std::ifstream in(dir / "traces" / "mooncake" / "synthetic_trace.jsonl");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<infx::trace::MooncakeRow> Rows20k() {
  auto sample = infx::trace::ParseMooncake(SampleText(), "sample", 512);
  std::vector<infx::trace::MooncakeRow> rows;
  if (!sample.ok()) return rows;
  for (int64_t copy = 0; rows.size() < 20000; ++copy) {
    for (auto row : *sample) {
      if (rows.size() == 20000) break;
      for (int64_t& id : row.hash_ids) id += copy * 10'000'000;
      row.timestamp_ms += copy * 1'100'000;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void BM_MooncakeSynthesis20k(benchmark::State& state) {
  const auto rows = Rows20k();
  if (rows.empty()) {
    state.SkipWithError("Mooncake sample not found");
    return;
  }
  infx::bench::DatasetSpec spec;
  spec.name = "mooncake";
  int64_t tokens = 0;
  for (auto _ : state) {
    auto w = infx::bench::MooncakeWorkload(rows, spec, 7);
    tokens = 0;
    for (const auto& p : w.prompts) tokens += p.prompt_len;
    benchmark::DoNotOptimize(w);
  }
  state.counters["rows"] = static_cast<double>(rows.size());
  state.counters["prompt_tokens"] = static_cast<double>(tokens);
}
BENCHMARK(BM_MooncakeSynthesis20k)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_MooncakeParseSample(benchmark::State& state) {
  const std::string text = SampleText();
  for (auto _ : state) {
    auto rows = infx::trace::ParseMooncake(text, "sample", 512);
    benchmark::DoNotOptimize(rows);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_MooncakeParseSample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
