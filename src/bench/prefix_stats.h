// Prefix-cache statistics of a benchmark run: the workload's theoretical
// hit rate (trace datasets, bench/trace_workload.h) beside the hit rate the
// server observed, from the deltas of its Prometheus counters
// vllm:prefix_cache_queries / vllm:prefix_cache_hits (tokens; `_total`
// suffixed as prometheus_client exposes them) scraped from GET /metrics
// at the server root before and after the run; hits from a KV connector's
// tier beyond the GPU's (vLLM's CPU offloading, LMCache:
// vllm:external_prefix_cache_hits) count as hits too.
//
// Thread-safety: pure functions, plus one blocking GET in ScrapePrefixCounters.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace infx::bench {

struct PrefixCounters {
  double queries = 0;        // prompt tokens looked up
  double hits = 0;           // of which cached
  double external_hits = 0;  // loaded from a connector's tier (CPU, LMCache)
};

// Sums every sample of the two counters in Prometheus text; nullopt when
// neither appears (the server does not report prefix caching).
std::optional<PrefixCounters> ParsePrefixCounters(std::string_view text);

// GET <scheme://host:port>/metrics (a trailing "/v1" of the base URL's path
// is dropped); nullopt on any failure (a benchmark never fails for it).
std::optional<PrefixCounters> ScrapePrefixCounters(
    const std::string& base_url, const std::string& authorization,
    bool verify_tls);

struct PrefixCacheStats {
  std::optional<double> theoretical_hit_rate;  // trace datasets
  int64_t theoretical_prompt_tokens = 0;
  int64_t theoretical_hit_tokens = 0;
  std::optional<double> observed_hit_rate;  // server counters' deltas
  double observed_query_tokens = 0;
  double observed_hit_tokens = 0;           // GPU + external
  double observed_external_hit_tokens = 0;  // of which external
};

// The observed fields from the counters scraped before and after a run.
void SetObserved(const PrefixCounters& before, const PrefixCounters& after,
                 PrefixCacheStats& stats);

// {"theoretical_hit_rate", "theoretical_prompt_tokens",
//  "theoretical_hit_tokens", "observed_hit_rate", "observed_query_tokens",
//  "observed_hit_tokens", "observed_external_hit_tokens"} (rates null when
//  unknown).
nlohmann::json PrefixCacheStatsJson(const PrefixCacheStats& stats);
// Lines for the human summary ("Prefix hit rate (theoretical): 42.10%").
std::string PrefixCacheSummary(const PrefixCacheStats& stats);

// "/v1" removed from the end of a URL path: where /metrics and
// /reset_prefix_cache live.
std::string ServerRootPath(std::string_view path);

}  // namespace infx::bench
