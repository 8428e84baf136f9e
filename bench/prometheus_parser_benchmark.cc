// Prometheus exposition parser speed (issue 19: a 1 MB exposition in under
// 10 ms). The input is a vLLM-shaped /metrics page (gauges, counters and
// 4 latency histograms per model, escaped label values) repeated over
// enough model names to reach the size. Run from a Release build:
//   build/bench/infx_prometheus_parser_benchmark
#include <benchmark/benchmark.h>

#include <string>

#include "http/prometheus.h"
#include "telemetry/exposition.h"

namespace {

std::string MakeExposition(size_t target_bytes) {
  std::string out;
  std::vector<double> bounds;
  for (double b = 0.001; b < 100; b *= 1.6) bounds.push_back(b);
  for (int model = 0; out.size() < target_bytes; ++model) {
    infx::http::PrometheusWriter w;
    const std::string labels =
        "model_name=\"org/model-" + std::to_string(model) +
        "\",engine=\"0\",note=\"quote\\\" back\\\\slash\"";
    w.AddGauge("vllm:num_requests_running", "Running.", labels, model % 17);
    w.AddGauge("vllm:num_requests_waiting", "Waiting.", labels, model % 5);
    w.AddGauge("vllm:kv_cache_usage_perc", "KV usage.", labels, 0.42);
    w.AddCounter("vllm:prompt_tokens_total", "Prompt.", labels, 1e6 + model);
    w.AddCounter("vllm:generation_tokens_total", "Gen.", labels, 2e6 + model);
    infx::http::Histogram h(bounds);
    for (int i = 0; i < 200; ++i) h.Observe(0.0005 * (i * 37 % 1000));
    for (const char* name : {"vllm:time_to_first_token_seconds",
                             "vllm:inter_token_latency_seconds",
                             "vllm:e2e_request_latency_seconds",
                             "vllm:request_queue_time_seconds"}) {
      w.AddHistogram(name, "Latency.", labels, h.Read());
    }
    out += w.text();
  }
  return out;
}

void BM_ParseExposition1MB(benchmark::State& state) {
  const std::string text = MakeExposition(1 << 20);
  size_t samples = 0;
  for (auto _ : state) {
    auto e = infx::telemetry::ParseExposition(text);
    if (!e.ok()) {
      state.SkipWithError(e.status().ToString().c_str());
      break;
    }
    samples = 0;
    for (const auto& f : e->families) samples += f.samples.size();
    benchmark::DoNotOptimize(samples);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.counters["bytes"] = static_cast<double>(text.size());
  state.counters["samples"] = static_cast<double>(samples);
}
BENCHMARK(BM_ParseExposition1MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
