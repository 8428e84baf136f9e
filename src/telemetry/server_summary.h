// ServerSummary: what the server's own /metrics said during one point,
// in the canonical names of metric_names.h: gauges (running / waiting
// requests, KV-cache use) as mean and max over the scrapes; counters
// (preemptions, prompt and generation tokens, prefix-cache queries and
// hits, finished requests) as their increase from the first to the last
// good scrape; latency histograms (TTFT, ITL, e2e, queue) as the quantiles
// of their increase. Server token counts are reconciled with the client's
// counts for the same requests. No good scrape -> available false with
// the reason; the point itself never fails for it.
//
// The raw samples are kept compactly: one list of series names
// ("name{labels}") and per good scrape its time and one value per series.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "telemetry/scraper.h"

namespace infx::telemetry {

struct LatencySummary {
  double mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0;
  double count = 0;  // observations in the point
};

struct ServerSummary {
  bool available = false;
  std::string missing_reason;  // when !available, or a partial gap
  std::string engine;          // "vllm" | "sglang" | "trtllm" | "" unknown
  int scrapes_ok = 0;
  int scrapes_failed = 0;
  double scrape_ms_max = 0;  // slowest GET
  double scrape_cpu_ms = 0;  // CPU the scraping thread spent on good scrapes
  double span_s = 0;         // first to last scrape

  std::optional<double> requests_running_mean, requests_running_max;
  std::optional<double> requests_waiting_mean, requests_waiting_max;
  std::optional<double> kv_cache_usage_mean, kv_cache_usage_max;
  std::optional<double> preemptions;
  std::optional<double> prefix_cache_queries, prefix_cache_hits;
  std::optional<double> prefix_cache_hit_rate;  // hits/queries, or gauge
  std::optional<double> prompt_tokens, generation_tokens;
  std::optional<double> requests_succeeded;
  std::map<std::string, LatencySummary> latency;  // "ttft", "itl", ...

  // Reconciliation with the client (the same requests, warm-up included).
  int64_t client_prompt_tokens = 0;
  int64_t client_generation_tokens = 0;

  std::vector<std::string> unmapped_families;  // kept raw
};

struct ClientTokenCounts {
  int64_t prompt_tokens = 0;
  int64_t generation_tokens = 0;
};

ServerSummary Summarize(const std::vector<Scrape>& scrapes,
                        const ClientTokenCounts& client);

// {"available", "missing_reason", "engine", "scrapes", ..., "ttft_p50_ms",
//  ...}; values that could not be computed are left out, so every key
// ending in "ms" is a number (docs/telemetry.md).
nlohmann::json ServerSummaryToJson(const ServerSummary& s);

// {"series": [...], "t_ms": [...], "values": [[...], ...]} over the good
// scrapes; t_ms from `origin_ns`; NaN/Inf values as strings.
nlohmann::json RawScrapesToJson(const std::vector<Scrape>& scrapes,
                                int64_t origin_ns);

// The family mapped to `canonical_name` in one exposition, or nullptr.
const MetricFamily* FindCanonical(const Exposition& e,
                                  std::string_view canonical_name);

}  // namespace infx::telemetry
