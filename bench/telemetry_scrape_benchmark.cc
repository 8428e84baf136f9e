// What scraping /metrics (and polling DCGM-style power) costs the client
// and whether it changes what the streams measure (issue 19): the same
// point against an in-process emulator (time scale 1, seeded), once without
// telemetry and once scraping /metrics and power every 100 ms; prints the
// scraping thread's CPU as a share of one core and the client's TTFT / ITL
// / read-lag figures of both runs. Run from a Release build:
//   build/bench/infx_telemetry_scrape_benchmark [concurrency] [prompts]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/point_telemetry.h"
#include "emulator/emulator_server.h"

namespace {

infx::Result<infx::bench::MeasuredPoint> Run(uint16_t port, bool scrape,
                                             int64_t concurrency,
                                             int64_t prompts) {
  infx::bench::BenchConfig c;
  c.client.base_url = "http://127.0.0.1:" + std::to_string(port);
  c.client.model = "llama-3.1-8b";
  c.dataset.name = "random";
  c.dataset.input_len = 1024;
  c.dataset.output_len = 256;
  c.sampling.ignore_eos = true;
  c.num_prompts = prompts;
  c.max_concurrency = concurrency;
  c.seed = 7;
  c.metrics.percentiles = {50, 99};
  infx::telemetry::TelemetryOptions t;
  t.enabled = scrape;
  t.scrape_interval_s = 0.1;
  t.power.source = "dcgm";
  t.power.interval_s = 0.1;
  return infx::bench::RunBenchmarkWithTelemetry(c, t);
}

double P(const infx::metrics::Stats& s, double p) {
  for (const auto& [q, v] : s.percentiles) {
    if (q == p) return v;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t concurrency = argc > 1 ? std::atoll(argv[1]) : 64;
  const int64_t prompts = argc > 2 ? std::atoll(argv[2]) : 512;
  infx::emulator::EmulatorOptions o;
  o.model = "llama-3.1-8b";
  o.hardware = "h200";
  o.seed = 7;
  auto server = infx::emulator::EmulatorServer::Start(o);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("%-10s %9s %9s %9s %9s %9s %10s %8s %9s\n", "scraping", "dur_s",
              "ttft_p50", "ttft_p99", "itl_p50", "itl_p99", "rlag_p99ms",
              "scrapes", "cpu_core%");
  for (bool scrape : {false, true, false, true}) {
    auto r = Run((*server)->port(), scrape, concurrency, prompts);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    const auto& m = r->result.metrics;
    double cpu_pct = 0;
    int scrapes = 0;
    if (r->telemetry) {
      const auto& s = r->telemetry->server;
      scrapes = s.scrapes_ok;
      // The /metrics scraper's own thread; the power poller is the same
      // code at the same rate, so twice this is the whole cost.
      if (s.span_s > 0) cpu_pct = 2 * s.scrape_cpu_ms / (s.span_s * 1e3) * 100;
    }
    std::printf("%-10s %9.2f %9.2f %9.2f %9.2f %9.2f %10.3f %8d %9.3f\n",
                scrape ? "100ms" : "off", m.duration_s, m.ttft_ms.median,
                P(m.ttft_ms, 99), m.itl_ms.median, P(m.itl_ms, 99),
                P(m.client_read_lag_ms, 99), scrapes, cpu_pct);
  }
  return 0;
}
