// The load generator's library API. RunBenchmark measures one operating
// point (one workload, one concurrency or request rate) of an
// OpenAI-compatible server and returns per-request records plus metrics;
// RunRequests is the lower-level "send these prompts at concurrency C and
// give me the records with text" used by eval.
//
// Both run a single-threaded Asio event loop on the calling thread; the
// schedule and request bodies are built before the loop starts, records are
// preallocated, and nothing is formatted until the run ends.
//
// Thread-safety: each call is independent; a `cancel` flag may be set from
// any thread (e.g. a SIGINT handler) and ends the run early, keeping what
// was measured (unfinished requests become kCancelled).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/prefix_stats.h"
#include "bench/token_exact.h"
#include "bench/workload.h"
#include "common/result.h"
#include "metrics/metrics.h"
#include "metrics/request_record.h"
#include "metrics/validity.h"

namespace infx::bench {

enum class Endpoint { kCompletions, kChat };
// "completions" | "chat" | a path such as "/v1/chat/completions".
Result<Endpoint> ParseEndpoint(std::string_view text);

struct SamplingParams {
  std::optional<double> temperature;  // omitted when unset
  std::optional<double> top_p;
  std::optional<int64_t> top_k;
  std::optional<uint64_t> seed;
  bool ignore_eos = false;        // vLLM/SGLang extension
  std::vector<std::string> stop;  // stop sequences
};

struct ClientConfig {
  std::string base_url = "http://127.0.0.1:8000";  // "/v1" is appended
                                                   // unless the URL ends so
  std::string model;  // "model" field of every request
  Endpoint endpoint = Endpoint::kCompletions;
  // Target path; empty = "<base path>/v1/completions" or ".../chat/...".
  std::string endpoint_path;
  std::string api_key_env = "OPENAI_API_KEY";  // Authorization: Bearer $VAR
  double connect_timeout_s = 10;
  double request_timeout_s = 600;  // per request, incl. stalled streams
  double idle_timeout_s = 60;  // silence mid-stream that fails it (0 = none)
  size_t max_event_bytes = 4u << 20;       // cap on one buffered SSE event
  bool verify_tls = true;                  // https: check the certificate
  bool capture_text = false;               // keep generated text in records
  std::string request_id_prefix = "infx";  // X-Request-Id = prefix-<index>
  // Client internals (client/http_client.h), for the client benchmark's
  // comparisons; not on the command line.
  bool readiness_poller = true;
  bool user_space_dating = false;
};

// The API key in environment variable `env_var` ("" when unset or empty).
// InvalidArgument (naming the variable, never the key) when it holds a
// control character such as CR or LF, which would inject request headers.
Result<std::string> ApiKeyFromEnv(const std::string& env_var);

// Sends `prompts` with at most `concurrency` in flight (closed loop; 0 =
// all at once) and returns one record per prompt, in prompt order. Errors of
// individual requests are in the records; the Status is an error only for
// bad configuration (URL, endpoint). Used by eval (temperature 0, stop).
Result<std::vector<metrics::RequestRecord>> RunRequests(
    const ClientConfig& client, const std::vector<Prompt>& prompts,
    const SamplingParams& sampling, int64_t concurrency,
    std::atomic<bool>* cancel = nullptr);

struct BenchConfig {
  ClientConfig client;
  DatasetSpec dataset;
  SamplingParams sampling;  // ignore_eos etc.
  int64_t num_prompts = 1000;
  double duration_s = 0;        // > 0: stop sending after this long
  int64_t max_concurrency = 0;  // 0 = unlimited
  int client_threads = 1;       // event loops sharing the streams
  double request_rate = std::numeric_limits<double>::infinity();
  double burstiness = 1.0;  // gamma shape; 1 = Poisson
  int64_t warmup = 0;       // warm-up requests before measuring
  uint64_t seed = 0;        // prompts (and the schedule unless schedule_seed)
  // Open-loop schedule seed; unset = DeriveSeed(seed, 1), a stream apart
  // from the prompts' (as MLPerf LoadGen's separate schedule seed).
  std::optional<uint64_t> schedule_seed;
  uint64_t ScheduleSeed() const;
  metrics::MetricsOptions metrics;    // percentiles, num_gpus, goodput
  metrics::ValidityOptions validity;  // when the result is judged INVALID
  // Metrics shown with percentiles in the summary (vLLM
  // --percentile-metrics); the JSON always has ttft, tpot, itl and e2el.
  std::vector<std::string> percentile_metrics = {"ttft", "tpot", "itl"};
  // Hugging Face tokenizer (tokenizer.json, or a directory with it or with
  // vocab.json + merges.txt): token-exact prompts and exact prompt counts
  // (bench/token_exact.h); empty = none.
  std::string tokenizer_path;
  bool progress = false;  // progress bar on stderr
  std::atomic<bool>* cancel = nullptr;
};

struct BenchResult {
  BenchConfig config;
  std::vector<metrics::RequestRecord> records;  // warm-up first, in order
  metrics::BenchMetrics metrics;
  std::string date;        // UTC start, "20260101-120000" (as vLLM)
  bool cancelled = false;  // ended early by the cancel flag
  int64_t connections_opened = 0;
  metrics::Validity validity;   // judged from metrics and config.validity
  TokenExactStats token_exact;  // with config.tokenizer_path
  // Trace datasets: theoretical vs server-observed prefix-cache hit rate.
  std::optional<PrefixCacheStats> prefix_cache;
  // Session datasets: per-session and per-turn metrics (null otherwise).
  nlohmann::json sessions;
};

// Validates the config, builds prompts and schedule, runs, computes metrics.
Result<BenchResult> RunBenchmark(const BenchConfig& config);

// Result JSON: a superset of vLLM's --save-result keys (docs/bench-result.md).
nlohmann::json BenchResultToJson(const BenchResult& result);
// One JSON object per request (docs/bench-result.md), newline-terminated.
std::string RecordsToJsonl(const std::vector<metrics::RequestRecord>& records);
// Human summary in the layout of vLLM's "Serving Benchmark Result".
std::string FormatSummary(const BenchResult& result);

}  // namespace infx::bench
