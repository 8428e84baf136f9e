#include "telemetry/metric_names.h"

namespace infx::telemetry {
namespace {

namespace c = canonical;

constexpr NameMapping kMappings[] = {
    // vLLM (V1 names; V0's gpu_cache_usage_perc still accepted).
    {"vllm", "vllm:num_requests_running", c::kRequestsRunning},
    {"vllm", "vllm:num_requests_waiting", c::kRequestsWaiting},
    {"vllm", "vllm:kv_cache_usage_perc", c::kKvCacheUsage},
    {"vllm", "vllm:gpu_cache_usage_perc", c::kKvCacheUsage},
    {"vllm", "vllm:num_preemptions_total", c::kPreemptions},
    {"vllm", "vllm:num_preemptions", c::kPreemptions},
    {"vllm", "vllm:prefix_cache_queries_total", c::kPrefixCacheQueries},
    {"vllm", "vllm:prefix_cache_queries", c::kPrefixCacheQueries},
    {"vllm", "vllm:prefix_cache_hits_total", c::kPrefixCacheHits},
    {"vllm", "vllm:prefix_cache_hits", c::kPrefixCacheHits},
    {"vllm", "vllm:prompt_tokens_total", c::kPromptTokens},
    {"vllm", "vllm:prompt_tokens", c::kPromptTokens},
    {"vllm", "vllm:generation_tokens_total", c::kGenerationTokens},
    {"vllm", "vllm:generation_tokens", c::kGenerationTokens},
    {"vllm", "vllm:request_success_total", c::kRequestsSucceeded},
    {"vllm", "vllm:request_success", c::kRequestsSucceeded},
    {"vllm", "vllm:time_to_first_token_seconds", c::kTtftSeconds},
    {"vllm", "vllm:inter_token_latency_seconds", c::kItlSeconds},
    {"vllm", "vllm:time_per_output_token_seconds",
     c::kTimePerOutputTokenSeconds},
    {"vllm", "vllm:e2e_request_latency_seconds", c::kE2eSeconds},
    {"vllm", "vllm:request_queue_time_seconds", c::kQueueSeconds},
    // SGLang.
    {"sglang", "sglang:num_running_reqs", c::kRequestsRunning},
    {"sglang", "sglang:num_queue_reqs", c::kRequestsWaiting},
    {"sglang", "sglang:token_usage", c::kKvCacheUsage},
    {"sglang", "sglang:cache_hit_rate", c::kPrefixCacheHitRate},
    {"sglang", "sglang:num_retracted_reqs", c::kPreemptions},
    {"sglang", "sglang:prompt_tokens_total", c::kPromptTokens},
    {"sglang", "sglang:prompt_tokens", c::kPromptTokens},
    {"sglang", "sglang:generation_tokens_total", c::kGenerationTokens},
    {"sglang", "sglang:generation_tokens", c::kGenerationTokens},
    {"sglang", "sglang:num_requests_total", c::kRequestsSucceeded},
    {"sglang", "sglang:time_to_first_token_seconds", c::kTtftSeconds},
    {"sglang", "sglang:inter_token_latency_seconds", c::kItlSeconds},
    {"sglang", "sglang:time_per_output_token_seconds",
     c::kTimePerOutputTokenSeconds},
    {"sglang", "sglang:e2e_request_latency_seconds", c::kE2eSeconds},
    {"sglang", "sglang:queue_time_seconds", c::kQueueSeconds},
    // TensorRT-LLM (MetricsCollector; Dynamo re-exports with "trtllm:").
    {"trtllm", "trtllm_request_success_total", c::kRequestsSucceeded},
    {"trtllm", "trtllm_request_success", c::kRequestsSucceeded},
    {"trtllm", "trtllm_time_to_first_token_seconds", c::kTtftSeconds},
    {"trtllm", "trtllm_time_per_output_token_seconds",
     c::kTimePerOutputTokenSeconds},
    {"trtllm", "trtllm_e2e_request_latency_seconds", c::kE2eSeconds},
    {"trtllm", "trtllm_request_queue_time_seconds", c::kQueueSeconds},
    {"trtllm", "trtllm_kv_cache_utilization", c::kKvCacheUsage},
    {"trtllm", "trtllm_kv_cache_hit_rate", c::kPrefixCacheHitRate},
    {"trtllm", "trtllm:request_success_total", c::kRequestsSucceeded},
    {"trtllm", "trtllm:time_to_first_token_seconds", c::kTtftSeconds},
    {"trtllm", "trtllm:time_per_output_token_seconds",
     c::kTimePerOutputTokenSeconds},
    {"trtllm", "trtllm:e2e_request_latency_seconds", c::kE2eSeconds},
    {"trtllm", "trtllm:request_queue_time_seconds", c::kQueueSeconds},
    // NVIDIA DCGM exporter (per-GPU label "gpu"); energy is in mJ.
    {"dcgm", "DCGM_FI_DEV_POWER_USAGE", c::kGpuPowerWatts},
    {"dcgm", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", c::kGpuEnergyJoules, 1e-3},
};

}  // namespace

std::span<const NameMapping> KnownMappings() { return kMappings; }

std::optional<NameMapping> MapMetricName(std::string_view raw_name) {
  for (const NameMapping& m : kMappings) {
    if (m.raw == raw_name) return m;
  }
  return std::nullopt;
}

}  // namespace infx::telemetry
