// BenchResultToJson, RecordsToJsonl and FormatSummary (declared in
// bench/runner.h): everything that formats a result, run after the load.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "bench/runner.h"
#include "common/stored_text.h"
#include "metrics/e2e_interactivity.h"

namespace infx::bench {
namespace {

using metrics::BenchMetrics;
using metrics::RequestRecord;
using metrics::Stats;
using nlohmann::json;

// vLLM's percentile key: "p99", "p99.9".
std::string PercentileLabel(double p) {
  if (p == std::floor(p)) return fmt::format("p{}", static_cast<int64_t>(p));
  return fmt::format("p{}", p);
}

void PutStats(json& out, const std::string& name, const Stats& s,
              const std::string& unit_suffix) {
  out["mean_" + name + unit_suffix] = s.mean;
  out["median_" + name + unit_suffix] = s.median;
  out["std_" + name + unit_suffix] = s.std;
  for (const auto& [p, v] : s.percentiles) {
    out[PercentileLabel(p) + "_" + name + unit_suffix] = v;
  }
}

std::string Backend(const BenchConfig& c) {
  return c.client.endpoint == Endpoint::kChat ? "openai-chat" : "openai";
}

double RateOrInf(double rate) { return rate; }

json ConfigJson(const BenchResult& r) {
  const BenchConfig& c = r.config;
  json j;
  j["date"] = r.date;
  j["backend"] = Backend(c);
  j["model_id"] = c.client.model;
  j["tokenizer_id"] = c.client.model;
  j["num_prompts"] = c.num_prompts;
  // vLLM writes the float rate; inf is not JSON, so it is the string "inf".
  if (std::isinf(c.request_rate)) {
    j["request_rate"] = "inf";
  } else {
    j["request_rate"] = RateOrInf(c.request_rate);
  }
  j["burstiness"] = c.burstiness;
  j["max_concurrency"] =
      c.max_concurrency > 0 ? json(c.max_concurrency) : json(nullptr);
  j["client_threads"] = c.client_threads;
  j["dataset_name"] = c.dataset.name;
  j["random_input_len"] = c.dataset.input_len;
  j["random_output_len"] = c.dataset.output_len;
  j["random_range_ratio"] = c.dataset.range_ratio;
  // Which of the two "range ratio" definitions the lengths followed.
  j["random_range_ratio_definition"] = "inferencex";
  j["random_prefix_len"] = c.dataset.prefix_len;
  j["ignore_eos"] = c.sampling.ignore_eos;
  j["seed"] = c.seed;
  j["schedule_seed"] = c.ScheduleSeed();
  j["warmup"] = c.warmup;
  j["duration_limit_s"] = c.duration_s;
  j["base_url"] = c.client.base_url;
  j["endpoint"] =
      Backend(c) == "openai" ? "/v1/completions" : "/v1/chat/completions";
  return j;
}

}  // namespace

json BenchResultToJson(const BenchResult& r) {
  const BenchMetrics& m = r.metrics;
  json j = ConfigJson(r);
  // --- vLLM benchmark result ---
  j["duration"] = m.duration_s;
  j["completed"] = m.completed;
  j["failed"] = m.failed;
  j["total_input_tokens"] = m.total_input_tokens;
  j["total_output_tokens"] = m.total_output_tokens;
  j["request_throughput"] = m.request_throughput;
  j["request_goodput"] =
      m.request_goodput ? json(*m.request_goodput) : json(nullptr);
  j["output_throughput"] = m.output_throughput;
  j["total_token_throughput"] = m.total_token_throughput;
  j["max_output_tokens_per_s"] = m.max_output_tokens_per_s;
  j["max_concurrent_requests"] = m.max_concurrent_requests;
  json input_lens = json::array(), output_lens = json::array(),
       ttfts = json::array(), itls = json::array(), texts = json::array(),
       errors = json::array();
  for (const RequestRecord& rec : r.records) {
    if (rec.warmup) continue;
    input_lens.push_back(rec.PromptTokens());
    output_lens.push_back(rec.ok() ? rec.OutputTokens() : 0);
    auto ttft = metrics::TtftMs(rec);
    ttfts.push_back(ttft ? *ttft / 1000.0 : 0.0);  // seconds, as vLLM
    json itl = json::array();
    for (double v : metrics::ItlMs(rec)) itl.push_back(v / 1000.0);
    itls.push_back(std::move(itl));
    texts.push_back(StoredText(rec.text));
    errors.push_back(StoredText(rec.error_message));
  }
  j["input_lens"] = std::move(input_lens);
  j["output_lens"] = std::move(output_lens);
  j["ttfts"] = std::move(ttfts);
  j["itls"] = std::move(itls);
  j["generated_texts"] = std::move(texts);
  j["errors"] = std::move(errors);
  PutStats(j, "ttft", m.ttft_ms, "_ms");
  PutStats(j, "tpot", m.tpot_ms, "_ms");
  PutStats(j, "itl", m.itl_ms, "_ms");
  PutStats(j, "e2el", m.e2el_ms, "_ms");
  // --- infx additions ---
  PutStats(j, "itl_per_token", m.itl_per_token_ms, "_ms");
  PutStats(j, "intvty", m.interactivity, "");
  PutStats(j, "client_lag", m.client_lag_ms, "_ms");
  j["max_client_lag_ms"] = m.client_lag_ms.max;
  PutStats(j, "client_read_lag", m.client_read_lag_ms, "_ms");
  j["max_client_read_lag_ms"] = m.client_read_lag_ms.max;
  j["client_token_events"] = m.client_token_events;
  j["client_shared_read_events"] = m.client_shared_read_events;
  j["input_throughput"] = m.input_throughput;
  j["num_gpus"] = m.num_gpus;
  j["input_throughput_per_gpu"] = m.input_throughput_per_gpu;
  j["output_throughput_per_gpu"] = m.output_throughput_per_gpu;
  j["total_token_throughput_per_gpu"] = m.total_token_throughput_per_gpu;
  j["cancelled"] = m.cancelled;
  j["failures_by_kind"] = m.failures_by_kind;
  // Not "..._ms": InferenceX's process_result.py float()s every top-level
  // key ending in "ms", so only numbers may end so (docs/bench-result.md).
  json slo = json::object();
  if (m.request_goodput) {
    const auto& g = r.config.metrics.goodput;
    if (g.ttft_ms) slo["ttft_ms"] = *g.ttft_ms;
    if (g.tpot_ms) slo["tpot_ms"] = *g.tpot_ms;
    if (g.e2el_ms) slo["e2el_ms"] = *g.e2el_ms;
  }
  j["goodput_slos"] = std::move(slo);
  j["prompt_token_mismatches"] = m.prompt_token_mismatches;
  j["prompts_truncated"] = m.prompts_truncated;
  j["prompt_tokens_checked"] = m.prompt_tokens_checked;
  j["client_prompt_tokens"] = m.client_prompt_tokens;
  j["server_prompt_tokens"] = m.server_prompt_tokens;
  j["tokenizer"] = r.config.tokenizer_path;
  if (!r.config.tokenizer_path.empty()) {
    j["prompt_synthesis_mismatched_prompts"] =
        r.token_exact.synthesis_mismatched_prompts;
    j["prompt_synthesis_token_mismatch"] =
        r.token_exact.synthesis_token_mismatch;
  }
  j["valid"] = r.validity.valid;
  j["invalid_reasons"] = r.validity.reasons;
  j["validity_thresholds"] = metrics::ValidityOptionsJson(r.config.validity);
  j["interrupted"] = r.cancelled;
  j["connections_opened"] = r.connections_opened;
  if (r.prefix_cache) j["prefix_cache"] = PrefixCacheStatsJson(*r.prefix_cache);
  if (!r.sessions.is_null()) j["sessions"] = r.sessions;
  // InferenceX AgentX: 1 / P90(E2EL_i / OSL_i), tok/s/user.
  const auto e2e_interactivity = metrics::E2eNormalizedInteractivity(r.records);
  j["e2e_normalized_interactivity"] =
      e2e_interactivity ? json(*e2e_interactivity) : json(nullptr);
  j["infx_result_version"] = 2;
  return j;
}

std::string RecordsToJsonl(const std::vector<RequestRecord>& records) {
  std::string out;
  for (const RequestRecord& r : records) {
    json j;
    j["index"] = r.index;
    j["x_request_id"] = r.x_request_id;
    j["warmup"] = r.warmup;
    j["status"] = r.ok()                                      ? "ok"
                  : r.error == metrics::ErrorKind::kCancelled ? "cancelled"
                                                              : "error";
    j["error_kind"] =
        r.ok() ? json(nullptr) : json(metrics::ErrorKindName(r.error));
    j["error"] = r.error_message.empty() ? json(nullptr)
                                         : json(StoredText(r.error_message));
    j["http_status"] = r.http_status;
    j["prompt_len"] = r.prompt_len;
    j["max_tokens"] = r.max_tokens;
    j["prompt_tokens"] = r.PromptTokens();
    j["output_tokens"] = r.OutputTokens();
    j["finish_reason"] = r.finish_reason.empty()
                             ? json(nullptr)
                             : json(StoredText(r.finish_reason));
    j["scheduled_ns"] = r.scheduled_ns;
    j["send_ns"] = r.send_ns;
    j["first_token_ns"] =
        r.first_token_ns ? json(r.first_token_ns) : json(nullptr);
    j["end_ns"] = r.end_ns;
    auto opt = [](std::optional<double> v) {
      return v ? json(*v) : json(nullptr);
    };
    j["ttft_ms"] = opt(metrics::TtftMs(r));
    j["tpot_ms"] = opt(metrics::TpotMs(r));
    j["e2el_ms"] = opt(metrics::E2elMs(r));
    j["client_lag_ms"] =
        r.send_ns ? json((r.send_ns - r.scheduled_ns) / 1e6) : json(nullptr);
    j["max_read_lag_ms"] = r.max_read_lag_ns / 1e6;
    j["shared_read_events"] = r.shared_read_events;
    j["new_connection"] = r.new_connection;
    j["connect_ms"] = r.connect_ns / 1e6;
    j["retried"] = r.retried;
    j["chunk_ns"] = r.chunk_ns;
    if (!r.chunk_tokens.empty()) j["chunk_tokens"] = r.chunk_tokens;
    if (!r.text.empty()) j["text"] = StoredText(r.text);
    out += j.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

std::string FormatSummary(const BenchResult& r) {
  const BenchMetrics& m = r.metrics;
  const BenchConfig& c = r.config;
  std::ostringstream out;
  auto line = [&](const std::string& label, const std::string& value) {
    out << fmt::format("{:<40} {:<10}\n", label, value);
  };
  auto num = [](double v) { return fmt::format("{:.2f}", v); };
  auto section = [&](const std::string& title, char fill) {
    size_t pad = title.size() < 50 ? 50 - title.size() : 0;
    out << std::string(pad / 2, fill) << title
        << std::string(pad - pad / 2, fill) << "\n";
  };
  section(" Serving Benchmark Result ", '=');
  line("Successful requests:", std::to_string(m.completed));
  line("Failed requests:", std::to_string(m.failed));
  for (const auto& [kind, count] : m.failures_by_kind) {
    line("  " + kind + ":", std::to_string(count));
  }
  if (m.cancelled > 0) line("Cancelled requests:", std::to_string(m.cancelled));
  if (c.max_concurrency > 0) {
    line("Maximum request concurrency:", std::to_string(c.max_concurrency));
  }
  if (!std::isinf(c.request_rate)) {
    line("Request rate (req/s), burstiness:",
         num(c.request_rate) + ", " + num(c.burstiness));
  }
  line("Benchmark duration (s):", num(m.duration_s));
  line("Total input tokens:", std::to_string(m.total_input_tokens));
  line("Total generated tokens:", std::to_string(m.total_output_tokens));
  line("Request throughput (req/s):", num(m.request_throughput));
  if (m.request_goodput)
    line("Request goodput (req/s):", num(*m.request_goodput));
  line("Output token throughput (tok/s):", num(m.output_throughput));
  line("Total Token throughput (tok/s):", num(m.total_token_throughput));
  {
    line("Output tok/s per GPU (" + std::to_string(m.num_gpus) + " GPU):",
         num(m.output_throughput_per_gpu));
    line("Total tok/s per GPU:", num(m.total_token_throughput_per_gpu));
  }
  line("Interactivity (tok/s/user, median):", num(m.interactivity.median));
  struct Shown {
    std::string key, title, label;
    const Stats* stats;
  };
  std::vector<Shown> shown = {
      {"ttft", "Time to First Token", "TTFT", &m.ttft_ms},
      {"tpot", "Time per Output Token (excl. 1st token)", "TPOT", &m.tpot_ms},
      {"itl", "Inter-token Latency", "ITL", &m.itl_ms},
      {"e2el", "End-to-end Latency", "E2EL", &m.e2el_ms}};
  for (const Shown& s : shown) {
    if (std::find(c.percentile_metrics.begin(), c.percentile_metrics.end(),
                  s.key) == c.percentile_metrics.end()) {
      continue;
    }
    section(s.title, '-');
    line("Mean " + s.label + " (ms):", num(s.stats->mean));
    line("Median " + s.label + " (ms):", num(s.stats->median));
    for (const auto& [p, v] : s.stats->percentiles) {
      std::string label = PercentileLabel(p);
      label[0] = 'P';
      line(label + " " + s.label + " (ms):", num(v));
    }
  }
  section("Client", '-');
  line("Scheduling lag p99 (ms):",
       num(m.client_lag_ms.percentiles.empty()
               ? m.client_lag_ms.max
               : m.client_lag_ms.percentiles.back().second));
  line("Scheduling lag max (ms):", num(m.client_lag_ms.max));
  line("Read lag p99 (ms):",
       num(m.client_read_lag_ms.percentiles.empty()
               ? m.client_read_lag_ms.max
               : m.client_read_lag_ms.percentiles.back().second));
  line("Connections opened:", std::to_string(r.connections_opened));
  if (m.prompt_tokens_checked > 0) {
    line("Prompt tokens client/server:",
         std::to_string(m.client_prompt_tokens) + " / " +
             std::to_string(m.server_prompt_tokens));
  }
  if (r.token_exact.synthesis_mismatched_prompts > 0) {
    line("Prompts not token-exact:",
         std::to_string(r.token_exact.synthesis_mismatched_prompts));
  }
  if (m.prompt_token_mismatches > 0) {
    line("Prompt token count mismatches:",
         std::to_string(m.prompt_token_mismatches));
  }
  if (m.prompts_truncated > 0 || m.prompt_token_mismatches > 0) {
    line("Prompts truncated by server:", std::to_string(m.prompts_truncated));
  }
  if (r.prefix_cache) out << PrefixCacheSummary(*r.prefix_cache);
  if (r.cancelled) line("Interrupted:", "yes (partial results)");
  line("Run validity:", r.validity.valid ? "VALID" : "INVALID");
  for (const std::string& reason : r.validity.reasons) {
    out << "  " << reason << "\n";
  }
  out << std::string(50, '=') << "\n";
  return out.str();
}

}  // namespace infx::bench
