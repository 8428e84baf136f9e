// Capacity and fidelity of the load generator (`infx bench`'s client)
// against the emulator running in a separate (forked) process, so the
// client's CPU time, RSS and file descriptors are its own.
//
//   capacity: the emulator with --time-scale 0 (no model time) is not the
//     bottleneck; N streams open at once (open loop, all due within ~1 s);
//     reports SSE token events per client CPU-second (events / process CPU
//     time, setup and metrics included), streams reached, scheduling lag
//     p99 and peak RSS.
//   paced: real model time (Llama-3.1-8B on H200 timing) at C = 512 and
//     4,096 streams, closed loop, 256 output tokens with ignore_eos (the
//     issue-13 run): client CPU microseconds per streamed token (user and
//     system, getrusage), p99 of the per-request read lag, the share of
//     events that shared a read, and TTFT/ITL error against the trace.
//     Mode 0 is infx as shipped; mode 1 waits with Asio's per-read wait
//     (the client before the readiness poller); mode 2 dates bytes when
//     read (user-space clock, InferenceX's method) to show its error.
//   fidelity: real model time (--time-scale 1) with --trace; client TTFT
//     and ITL against the server's own timestamps (joined on X-Request-Id):
//     p50/p99 of |client - server| in microseconds. Both sides date at the
//     wire (kernel receive times, sends stamped before the write), so the
//     figure is the client's error, not the server's read backlog.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/runner.h"
#include "emulator/emulator_server.h"
#include "metrics/metrics.h"

namespace {

using infx::metrics::RequestRecord;

// With two or more CPUs, the client takes CPU 0 and the emulator the rest,
// so neither waits for the other's time slice: what is measured is the
// client's own lag, not the OS sharing one core between the two.
// INFX_BENCH_NO_PIN=1 leaves placement to the OS.
void PinToCpus(bool client) {
  if (std::getenv("INFX_BENCH_NO_PIN") != nullptr) return;
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (client) {
    CPU_SET(0, &set);
  } else {
    for (long c = 1; c < cpus; ++c) CPU_SET(c, &set);
  }
  sched_setaffinity(0, sizeof set, &set);
}

// The emulator in a forked child process (started before the client makes
// any thread), so the client's CPU time, RSS and file descriptors are its
// own: getrusage(RUSAGE_SELF) excludes children.
class EmulatorProcess {
 public:
  explicit EmulatorProcess(infx::emulator::EmulatorOptions options) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      PinToCpus(/*client=*/false);
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &set, nullptr);
      auto server = infx::emulator::EmulatorServer::Start(options);
      uint16_t port = server.ok() ? (*server)->port() : 0;
      if (write(fds[1], &port, sizeof port) != sizeof port) _exit(1);
      close(fds[1]);
      int sig = 0;
      sigwait(&set, &sig);
      if (server.ok()) (*server)->Stop();
      _exit(0);
    }
    close(fds[1]);
    uint16_t port = 0;
    if (read(fds[0], &port, sizeof port) == sizeof port && port != 0) {
      url_ = "http://127.0.0.1:" + std::to_string(port);
    }
    close(fds[0]);
  }
  ~EmulatorProcess() { Stop(); }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

infx::emulator::EmulatorOptions EmulatorFor(int64_t streams,
                                            double time_scale) {
  infx::emulator::EmulatorOptions o;
  o.served_model_name = "llama";
  o.time_scale = time_scale;
  o.max_num_seqs = streams;
  return o;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

double SysSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

// Times the OS took the CPU from this process while it could run.
int64_t InvoluntarySwitches() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_nivcsw;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // KiB on Linux
}

double P(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return infx::metrics::PercentileSorted(v, p);
}

infx::bench::BenchConfig Config(const std::string& url, int64_t streams,
                                int64_t output_len) {
  infx::bench::BenchConfig c;
  c.client.base_url = url;
  c.client.model = "llama";
  c.client.request_timeout_s = 300;
  c.dataset.input_len = 16;
  c.dataset.output_len = output_len;
  c.sampling.ignore_eos = true;
  c.num_prompts = streams;
  c.request_rate = static_cast<double>(streams);  // all due within ~1 s
  c.seed = 1;
  return c;
}

// |client - server| TTFT and ITL (us) of the measured, completed requests
// joined with the emulator's trace on X-Request-Id.
struct TraceErrors {
  std::vector<double> ttft_us, itl_us, first_token_us;
};

TraceErrors JoinTrace(const std::filesystem::path& trace,
                      const std::vector<RequestRecord>& records) {
  TraceErrors e;
  std::map<std::string, nlohmann::json> by_id;
  std::ifstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["x_request_id"].is_string()) by_id[j["x_request_id"]] = j;
  }
  for (const RequestRecord& r : records) {
    auto it = by_id.find(r.x_request_id);
    if (r.warmup || !r.ok() || it == by_id.end()) continue;
    const auto& tok = it->second["token_ns"];
    if (tok.size() != r.chunk_ns.size() || tok.empty()) continue;
    int64_t arrival = it->second["arrival_ns"];
    double server_ttft = tok[0].get<int64_t>() - arrival;
    double client_ttft = r.chunk_ns[0] - r.send_ns;
    e.ttft_us.push_back(std::abs(client_ttft - server_ttft) / 1e3);
    e.first_token_us.push_back((r.chunk_ns[0] - tok[0].get<int64_t>()) / 1e3);
    for (size_t i = 1; i < tok.size(); ++i) {
      double server_itl = tok[i].get<int64_t>() - tok[i - 1].get<int64_t>();
      double client_itl = r.chunk_ns[i] - r.chunk_ns[i - 1];
      e.itl_us.push_back(std::abs(client_itl - server_itl) / 1e3);
    }
  }
  return e;
}

std::filesystem::path TracePath(const char* name) {
  return std::filesystem::temp_directory_path() /
         (std::string("infx_client_benchmark_") + name + "_" +
          std::to_string(getpid()) + ".jsonl");
}

void BM_Capacity(benchmark::State& state) {
  const int64_t streams = state.range(0);
  const int64_t output_len = state.range(1);
  infx::emulator::EmulatorOptions options = EmulatorFor(streams, 0);
  options.kv_capacity_tokens = streams * (output_len + 64) * 2;
  EmulatorProcess emulator(options);
  if (emulator.url().empty()) {
    state.SkipWithError("could not start the emulator");
    return;
  }
  for (auto _ : state) {
    const int64_t switches0 = InvoluntarySwitches();
    double cpu0 = CpuSeconds();
    double sys0 = SysSeconds();
    auto result =
        infx::bench::RunBenchmark(Config(emulator.url(), streams, output_len));
    double cpu = CpuSeconds() - cpu0;
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    int64_t events = 0;
    for (const RequestRecord& r : result->records) events += r.chunk_ns.size();
    const auto& m = result->metrics;
    state.counters["events"] = static_cast<double>(events);
    state.counters["events_per_cpu_s"] = events / cpu;
    state.counters["client_cpu_s"] = cpu;
    state.counters["client_sys_s"] = SysSeconds() - sys0;
    state.counters["completed"] = static_cast<double>(m.completed);
    state.counters["failed"] = static_cast<double>(m.failed);
    state.counters["max_streams"] =
        static_cast<double>(m.max_concurrent_requests);
    state.counters["lag_p99_ms"] = P(
        [&] {
          std::vector<double> lags;
          for (const auto& r : result->records)
            lags.push_back((r.send_ns - r.scheduled_ns) / 1e6);
          return lags;
        }(),
        99);
    state.counters["lag_max_ms"] = m.client_lag_ms.max;
    state.counters["read_lag_max_ms"] = m.client_read_lag_ms.max;
    state.counters["peak_rss_mb"] = PeakRssMb();
    state.counters["preempted"] =
        static_cast<double>(InvoluntarySwitches() - switches0);
  }
}
BENCHMARK(BM_Capacity)
    ->Args({1000, 1000})
    ->Args({10000, 200})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Fidelity(benchmark::State& state) {
  const int64_t streams = state.range(0);
  auto trace = TracePath("fidelity");
  infx::emulator::EmulatorOptions options = EmulatorFor(streams, 1.0);
  options.trace_path = trace.string();
  EmulatorProcess emulator(options);
  if (emulator.url().empty()) {
    state.SkipWithError("could not start the emulator");
    return;
  }
  for (auto _ : state) {
    infx::bench::BenchConfig c = Config(emulator.url(), streams, 64);
    c.request_rate = std::numeric_limits<double>::infinity();
    c.max_concurrency = streams;
    c.warmup = streams;  // opens the connections; measured requests reuse them
    auto result = infx::bench::RunBenchmark(c);
    emulator.Stop();  // flushes the trace
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    const TraceErrors e = JoinTrace(trace, result->records);
    state.counters["joined"] = static_cast<double>(e.ttft_us.size());
    state.counters["ttft_err_p50_us"] = P(e.ttft_us, 50);
    state.counters["ttft_err_p99_us"] = P(e.ttft_us, 99);
    state.counters["itl_err_p50_us"] = P(e.itl_us, 50);
    state.counters["itl_err_p99_us"] = P(e.itl_us, 99);
    state.counters["token_delivery_p99_us"] = P(e.first_token_us, 99);
    // How far the client's reads trailed the kernel: what user-space
    // dating (as Python clients do) would have added to the errors above.
    state.counters["read_lag_max_ms"] = result->metrics.client_read_lag_ms.max;
    state.counters["peak_rss_mb"] = PeakRssMb();
  }
  std::filesystem::remove(trace);
}
BENCHMARK(BM_Fidelity)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

struct Usage {
  double user_s = 0, sys_s = 0;
};
Usage CpuUsage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6,
          u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6};
}

// Args: streams (= max concurrency = max_num_seqs), requests, mode (0 infx,
// 1 Asio per-read wait, 2 user-space dating).
void BM_Paced(benchmark::State& state) {
  const int64_t streams = state.range(0);
  const int64_t requests = state.range(1);
  const int64_t mode = state.range(2);
  auto trace = TracePath("paced");
  infx::emulator::EmulatorOptions options = EmulatorFor(streams, 1.0);
  options.trace_path = trace.string();
  EmulatorProcess emulator(options);
  if (emulator.url().empty()) {
    state.SkipWithError("could not start the emulator");
    return;
  }
  for (auto _ : state) {
    infx::bench::BenchConfig c = Config(emulator.url(), requests, 256);
    c.request_rate = std::numeric_limits<double>::infinity();
    c.max_concurrency = streams;
    c.client.readiness_poller = mode != 1;
    c.client.user_space_dating = mode == 2;
    const Usage before = CpuUsage();
    auto result = infx::bench::RunBenchmark(c);
    const Usage after = CpuUsage();
    emulator.Stop();  // flushes the trace
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    const auto& m = result->metrics;
    const double events = static_cast<double>(m.client_token_events);
    const TraceErrors e = JoinTrace(trace, result->records);
    state.counters["completed"] = static_cast<double>(m.completed);
    state.counters["tok_per_s"] = m.output_throughput;
    state.counters["cpu_us_per_token"] =
        1e6 * (after.user_s - before.user_s + after.sys_s - before.sys_s) /
        events;
    state.counters["user_us_per_token"] =
        1e6 * (after.user_s - before.user_s) / events;
    state.counters["sys_us_per_token"] =
        1e6 * (after.sys_s - before.sys_s) / events;
    state.counters["read_lag_p99_ms"] =
        m.client_read_lag_ms.percentiles.empty()
            ? 0
            : m.client_read_lag_ms.percentiles.back().second;
    state.counters["shared_read_pct"] =
        100.0 * static_cast<double>(m.client_shared_read_events) / events;
    state.counters["ttft_err_p99_us"] = P(e.ttft_us, 99);
    state.counters["itl_err_p50_us"] = P(e.itl_us, 50);
    state.counters["itl_err_p99_us"] = P(e.itl_us, 99);
  }
  std::filesystem::remove(trace);
}
BENCHMARK(BM_Paced)
    ->ArgNames({"streams", "requests", "mode"})
    ->Args({512, 1024, 0})
    ->Args({512, 1024, 1})
    ->Args({512, 1024, 2})
    ->Args({4096, 4096, 0})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  PinToCpus(/*client=*/true);  // children (the emulators) re-pin themselves
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
