// One documented set of server metric names (docs/telemetry.md) that the
// engines' own Prometheus names map onto: vLLM ("vllm:..."), SGLang
// ("sglang:..."), TensorRT-LLM ("trtllm_..." / "trtllm:...") and NVIDIA's
// DCGM exporter ("DCGM_FI_DEV_..."). A name without a mapping is not an
// error: its samples are kept raw under the engine's name.
//
// Thread-safety: pure functions over a constant table.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace infx::telemetry {

// Canonical metric names (the documented set).
namespace canonical {
inline constexpr std::string_view kRequestsRunning = "requests_running";
inline constexpr std::string_view kRequestsWaiting = "requests_waiting";
inline constexpr std::string_view kKvCacheUsage = "kv_cache_usage";  // 0..1
inline constexpr std::string_view kPreemptions = "preemptions_total";
inline constexpr std::string_view kPrefixCacheQueries =
    "prefix_cache_queries_total";  // tokens looked up
inline constexpr std::string_view kPrefixCacheHits =
    "prefix_cache_hits_total";  // tokens found
inline constexpr std::string_view kPrefixCacheHitRate =
    "prefix_cache_hit_rate";  // 0..1, engines that export a rate
inline constexpr std::string_view kPromptTokens = "prompt_tokens_total";
inline constexpr std::string_view kGenerationTokens = "generation_tokens_total";
inline constexpr std::string_view kRequestsSucceeded =
    "requests_succeeded_total";
inline constexpr std::string_view kTtftSeconds = "ttft_seconds";
inline constexpr std::string_view kItlSeconds = "itl_seconds";
inline constexpr std::string_view kTimePerOutputTokenSeconds =
    "time_per_output_token_seconds";
inline constexpr std::string_view kE2eSeconds = "e2e_latency_seconds";
inline constexpr std::string_view kQueueSeconds = "queue_time_seconds";
inline constexpr std::string_view kGpuPowerWatts = "gpu_power_watts";
inline constexpr std::string_view kGpuEnergyJoules = "gpu_energy_joules_total";
}  // namespace canonical

struct NameMapping {
  std::string_view engine;     // "vllm" | "sglang" | "trtllm" | "dcgm"
  std::string_view raw;        // family name as the engine exports it
  std::string_view canonical;  // one of canonical::k*
  double scale = 1;            // canonical value = raw value x scale
};

// Every known mapping, in the order docs/telemetry.md lists them.
std::span<const NameMapping> KnownMappings();

// The mapping of an engine's family name; nullopt = unknown (kept raw).
std::optional<NameMapping> MapMetricName(std::string_view raw_name);

}  // namespace infx::telemetry
