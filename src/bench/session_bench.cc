// RunSessionBenchmark: session datasets through the benchmark's result
// (bench/session_runner.h).
#include <ctime>

#include "bench/session_runner.h"
#include "common/stored_text.h"
#include "trace/mooncake.h"

namespace infx::bench {
namespace {

Result<std::vector<trace::SessionTrace>> LoadSessions(const DatasetSpec& d) {
  if (d.path.empty()) {
    return Status::InvalidArgument("--dataset-name " + d.name +
                                   " needs --dataset-path FILE");
  }
  if (d.name == "multiturn") {
    INFX_ASSIGN_OR_RETURN(auto sessions, trace::LoadShareGptSessions(d.path));
    for (auto& s : sessions) {
      for (auto& r : s.requests) {
        if (!r.after.empty()) r.delay_s = d.think_time_s;
      }
    }
    return sessions;
  }
  if (d.name == "weka") return trace::LoadWekaTrace(d.path);
  return trace::LoadAgenticJsonl(d.path, d.hash_block_size);
}

// Unbounded-cache hit rate over the sessions' requests in file order
// (hash ids cover leading full blocks; the rest never hits).
trace::HitRate Theoretical(const std::vector<trace::SessionTrace>& sessions,
                           int64_t block) {
  std::vector<trace::MooncakeRow> rows;
  for (const auto& s : sessions) {
    for (const auto& r : s.requests) {
      rows.push_back({0, r.input_tokens, r.output_tokens, r.hash_ids});
    }
  }
  return trace::TheoreticalHitRate(rows, block);
}

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

}  // namespace

bool IsSessionDataset(std::string_view name) {
  return name == "multiturn" || name == "agentic" || name == "weka";
}

Result<BenchResult> RunSessionBenchmark(const BenchConfig& config) {
  const DatasetSpec& d = config.dataset;
  if (!(d.think_time_scale >= 0) || !(d.max_think_time_s >= 0)) {
    return Status::InvalidArgument(
        "--think-time-scale and --max-think-time must be >= 0");
  }
  INFX_ASSIGN_OR_RETURN(std::vector<trace::SessionTrace> sessions,
                        LoadSessions(d));
  if (std::cmp_less(config.num_prompts, sessions.size()))
    sessions.resize(static_cast<size_t>(config.num_prompts));
  SessionRunConfig rc;
  rc.client = config.client;
  rc.sampling = config.sampling;
  rc.max_sessions = config.max_concurrency;
  rc.think_time_scale = d.think_time_scale;
  rc.max_think_time_s = d.max_think_time_s;
  rc.hash_block_size = d.name == "weka" ? 64 : d.hash_block_size;
  rc.vocab_size = d.vocab_size;
  rc.seed = config.seed;
  rc.cancel = config.cancel;
  BenchResult result;
  result.config = config;
  result.config.cancel = nullptr;
  result.prefix_cache.emplace();
  if (d.name != "multiturn") {
    const trace::HitRate t = Theoretical(sessions, rc.hash_block_size);
    result.prefix_cache->theoretical_hit_rate = t.rate();
    result.prefix_cache->theoretical_prompt_tokens = t.prompt_tokens;
    result.prefix_cache->theoretical_hit_tokens = t.hit_tokens;
  }
  const std::string auth_env = config.client.api_key_env;
  INFX_ASSIGN_OR_RETURN(std::string key, ApiKeyFromEnv(auth_env));
  const std::string auth = key.empty() ? "" : "Bearer " + key;
  const auto before = ScrapePrefixCounters(config.client.base_url, auth,
                                           config.client.verify_tls);
  result.date = UtcNow();
  INFX_ASSIGN_OR_RETURN(std::vector<SessionRecord> records,
                        RunSessions(rc, sessions));
  if (before) {
    if (auto after = ScrapePrefixCounters(config.client.base_url, auth,
                                          config.client.verify_tls)) {
      PrefixCacheStats& p = *result.prefix_cache;
      p.observed_query_tokens = after->queries - before->queries;
      p.observed_hit_tokens = after->hits - before->hits;
      if (p.observed_query_tokens > 0)
        p.observed_hit_rate = p.observed_hit_tokens / p.observed_query_tokens;
    }
  }
  result.sessions = SessionMetricsJson(sessions, records);
  std::vector<std::string> secrets;
  if (!key.empty()) secrets.push_back(key);
  for (size_t i = 0; i < records.size(); ++i) {
    metrics::RequestRecord& r = records[i].record;
    r.index = static_cast<int64_t>(i);
    r.error_message = StoredText(r.error_message, secrets);
    r.text = StoredText(r.text, secrets);
    r.finish_reason = StoredText(r.finish_reason, secrets);
    r.system_fingerprint = StoredText(r.system_fingerprint, secrets);
    result.records.push_back(std::move(r));
  }
  result.cancelled = config.cancel && config.cancel->load();
  result.metrics = metrics::ComputeMetrics(result.records, config.metrics);
  result.validity =
      metrics::JudgeValidity(result.metrics, false, config.validity);
  return result;
}

}  // namespace infx::bench
