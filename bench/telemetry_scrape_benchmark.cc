// What scraping /metrics (and polling DCGM-style power) costs the client
// and whether it changes what the streams measure (issue 19): the same
// point against an in-process emulator (time scale 1, seeded), once without
// telemetry and once scraping /metrics and power every 100 ms; prints the
// scraping thread's CPU as a share of one core, the client's TTFT / ITL /
// read-lag figures of both runs, and their fidelity: |client - server| TTFT
// and ITL against the emulator's own trace (one emulator per run, joined on
// X-Request-Id). Run from a Release build:
//   build/bench/infx_telemetry_scrape_benchmark [concurrency] [prompts]
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/point_telemetry.h"
#include "emulator/emulator_server.h"

namespace {

// |client - server| TTFT and ITL (us) of the measured, completed requests
// joined with the emulator's trace on X-Request-Id.
struct TraceErrors {
  std::vector<double> ttft_us, itl_us;
};

TraceErrors JoinTrace(const std::string& trace,
                      const std::vector<infx::metrics::RequestRecord>& rs) {
  TraceErrors e;
  std::map<std::string, nlohmann::json> by_id;
  std::ifstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j["x_request_id"].is_string()) {
      by_id[j["x_request_id"]] = j;
    }
  }
  for (const auto& r : rs) {
    auto it = by_id.find(r.x_request_id);
    if (r.warmup || !r.ok() || it == by_id.end()) continue;
    const auto& tok = it->second["token_ns"];
    if (tok.size() != r.chunk_ns.size() || tok.empty()) continue;
    const double server_ttft =
        tok[0].get<int64_t>() - it->second["arrival_ns"].get<int64_t>();
    e.ttft_us.push_back(std::abs((r.chunk_ns[0] - r.send_ns) - server_ttft) /
                        1e3);
    for (size_t i = 1; i < tok.size(); ++i) {
      const double server_itl =
          tok[i].get<int64_t>() - tok[i - 1].get<int64_t>();
      e.itl_us.push_back(
          std::abs((r.chunk_ns[i] - r.chunk_ns[i - 1]) - server_itl) / 1e3);
    }
  }
  return e;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100 * v.size()))];
}

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
  std::printf("%-8s %7s %8s %8s %7s %7s %9s %7s %8s %9s %9s %9s\n", "scraping",
              "dur_s", "ttft_p50", "ttft_p99", "itl_p50", "itl_p99", "rlag_p99",
              "scrapes", "cpu_core%", "dTTFT_p50", "dTTFT_p99", "dITL_p99");
  for (bool scrape : {false, true, false, true}) {
    // One emulator per run: its trace holds exactly this run's requests.
    const std::string trace =
        (std::filesystem::temp_directory_path() /
         ("infx_scrape_bench_" + std::to_string(getpid()) + ".jsonl"))
            .string();
    std::filesystem::remove(trace);
    infx::emulator::EmulatorOptions o;
    o.model = "llama-3.1-8b";
    o.hardware = "h200";
    o.seed = 7;
    o.trace_path = trace;
    auto server = infx::emulator::EmulatorServer::Start(o);
    if (!server.ok()) {
      std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
      return 1;
    }
    auto r = Run((*server)->port(), scrape, concurrency, prompts);
    (*server)->Stop();  // flushes the trace
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    const TraceErrors e = JoinTrace(trace, r->result.records);
    std::filesystem::remove(trace);
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
    std::printf(
        "%-8s %7.2f %8.2f %8.2f %7.2f %7.2f %9.3f %7d %8.3f %9.1f %9.1f "
        "%9.1f\n",
        scrape ? "100ms" : "off", m.duration_s, m.ttft_ms.median,
        P(m.ttft_ms, 99), m.itl_ms.median, P(m.itl_ms, 99),
        P(m.client_read_lag_ms, 99), scrapes, cpu_pct, Pct(e.ttft_us, 50),
        Pct(e.ttft_us, 99), Pct(e.itl_us, 99));
  }
  std::printf("dTTFT/dITL: |client - emulator trace| in us\n");
  return 0;
}
