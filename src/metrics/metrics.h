// Serving metrics as pure functions over RequestRecords. Definitions follow
// vLLM's benchmarks/serve.py (calculate_metrics) unless noted; see
// docs/metrics.md for each metric and whose definition it follows.
//
// Thread-safety: pure functions over immutable inputs; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "metrics/request_record.h"

namespace infx::metrics {

// Summary statistics of one sample (milliseconds unless the name says
// otherwise). std is the population std (numpy np.std, ddof=0); percentiles
// use numpy's default linear interpolation. All zero when count == 0.
struct Stats {
  size_t count = 0;
  double mean = 0, median = 0, std = 0, min = 0, max = 0;
  std::vector<std::pair<double, double>> percentiles;  // (p in [0,100], value)
};

// numpy.percentile(values, p) with linear interpolation; `sorted` ascending.
double PercentileSorted(const std::vector<double>& sorted, double p);
Stats Summarize(std::vector<double> values, const std::vector<double>& ps);

// --- per-request metrics (ms); nullopt when not defined for the record ---
// TTFT: first token chunk minus scheduled send time (vLLM: minus send time;
// equal in closed loop).
std::optional<double> TtftMs(const RequestRecord& r);
// E2EL: end of stream minus scheduled send time.
std::optional<double> E2elMs(const RequestRecord& r);
// TPOT = (E2EL - TTFT) / (output tokens - 1), as vLLM; nullopt if < 2 tokens.
std::optional<double> TpotMs(const RequestRecord& r);
// ITL per chunk: gaps between consecutive token chunks (vLLM's itl list).
std::vector<double> ItlMs(const RequestRecord& r);
// ITL per token: each chunk gap divided evenly over the tokens it carried.
std::vector<double> ItlPerTokenMs(const RequestRecord& r);

// Goodput SLOs (vLLM --goodput): a completed request is "good" when every
// given limit holds (value <= limit).
struct GoodputSlo {
  std::optional<double> ttft_ms, tpot_ms, e2el_ms;
  bool empty() const { return !ttft_ms && !tpot_ms && !e2el_ms; }
};
// Parses {"ttft:500", "tpot:50"}; InvalidArgument names the bad item.
Result<GoodputSlo> ParseGoodput(const std::vector<std::string>& items);
bool MeetsSlo(const RequestRecord& r, const GoodputSlo& slo);

struct MetricsOptions {
  std::vector<double> percentiles = {90, 95, 99};
  int num_gpus = 1;  // divides throughputs for the per-GPU figures
  GoodputSlo goodput;
};

struct BenchMetrics {
  double duration_s = 0;  // first scheduled send to last end (measured reqs)
  int64_t completed = 0, failed = 0, cancelled = 0;
  std::map<std::string, int64_t> failures_by_kind;  // ErrorKindName -> count
  int64_t total_input_tokens = 0, total_output_tokens = 0;
  double request_throughput = 0;          // completed / duration (req/s)
  std::optional<double> request_goodput;  // good / duration, if SLOs given
  double input_throughput = 0, output_throughput = 0,
         total_token_throughput = 0;  // tok/s
  int num_gpus = 1;
  double input_throughput_per_gpu = 0, output_throughput_per_gpu = 0,
         total_token_throughput_per_gpu = 0;
  Stats ttft_ms, tpot_ms, itl_ms, itl_per_token_ms, e2el_ms;
  // Interactivity (tok/s/user) as InferenceX: 1000 / TPOT statistic, i.e.
  // median_intvty = 1000 / median_tpot_ms, p99_intvty = 1000 / p99_tpot_ms.
  Stats interactivity;
  Stats client_lag_ms;  // send_ns - scheduled_ns: the client's own lag
  // Per request, the largest gap between the kernel receiving response
  // bytes and the client reading them (max_read_lag_ns): how far the
  // client's reads trailed the wire. Kernel-dated chunks do not include it.
  Stats client_read_lag_ms;
  // Token events of sent requests, and of those the ones that shared a
  // read (and a timestamp) with an earlier event of their request.
  int64_t client_token_events = 0, client_shared_read_events = 0;
  // Completed requests whose prompt was sent as token ids (so its length
  // is known exactly) and whose server usage.prompt_tokens differs from
  // it; of those, the ones the server counted fewer tokens for: it cut the
  // prompt (e.g. to its context size).
  int64_t prompt_token_mismatches = 0, prompts_truncated = 0;
  // Over the same exactly-known prompts (completed): how many were checked
  // against usage.prompt_tokens, and both sides' token totals.
  int64_t prompt_tokens_checked = 0, client_prompt_tokens = 0,
          server_prompt_tokens = 0;
  double max_output_tokens_per_s = 0;   // busiest 1 s bucket (vLLM)
  int64_t max_concurrent_requests = 0;  // most requests in flight at once
};

// Metrics over the non-warm-up records. Failed records count by kind; only
// completed ones enter latency and token statistics (as vLLM).
BenchMetrics ComputeMetrics(const std::vector<RequestRecord>& records,
                            const MetricsOptions& options);

}  // namespace infx::metrics
