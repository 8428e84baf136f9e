#include "bench/runner.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <utility>

#include "bench/driver.h"
#include "bench/portable_random.h"
#include "bench/request_body.h"
#include "bench/schedule.h"
#include "bench/session_runner.h"
#include "bench/trace_workload.h"
#include "client/http_client.h"
#include "common/stored_text.h"

namespace infx::bench {
namespace {

using metrics::RequestRecord;

Result<client::ClientOptions> MakeClientOptions(const ClientConfig& config) {
  INFX_ASSIGN_OR_RETURN(client::Url url, client::ParseUrl(config.base_url));
  if (config.model.empty())
    return Status::InvalidArgument("--model is required");
  if (!(config.request_timeout_s > 0) || !(config.connect_timeout_s > 0)) {
    return Status::InvalidArgument("timeouts must be > 0 seconds");
  }
  if (!(config.idle_timeout_s >= 0)) {
    return Status::InvalidArgument(
        "--idle-timeout must be >= 0 seconds (0 = none), got " +
        std::to_string(config.idle_timeout_s));
  }
  if (config.max_event_bytes < 1024) {
    return Status::InvalidArgument("--max-event-bytes must be >= 1024, got " +
                                   std::to_string(config.max_event_bytes));
  }
  INFX_ASSIGN_OR_RETURN(std::string key, ApiKeyFromEnv(config.api_key_env));
  client::ClientOptions options;
  options.base = std::move(url);
  if (!key.empty()) options.authorization = "Bearer " + key;
  options.connect_timeout_s = config.connect_timeout_s;
  options.request_timeout_s = config.request_timeout_s;
  options.idle_timeout_s = config.idle_timeout_s;
  options.max_event_bytes = config.max_event_bytes;
  options.capture_text = config.capture_text;
  options.verify_tls = config.verify_tls;
  options.readiness_poller = config.readiness_poller;
  options.user_space_dating = config.user_space_dating;
  return options;
}

// Records with identity and preallocated timestamp capacity.
std::vector<RequestRecord> MakeRecords(const ClientConfig& config,
                                       const std::vector<Prompt>& prompts,
                                       int64_t warmup) {
  std::vector<RequestRecord> records(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    RequestRecord& r = records[i];
    r.index = static_cast<int64_t>(i);
    r.x_request_id = config.request_id_prefix + "-" + std::to_string(i);
    r.warmup = static_cast<int64_t>(i) < warmup;
    r.prompt_len = prompts[i].prompt_len;
    // Token ids are sent only to the completions endpoint; text counted by
    // the bench's tokenizer is exact there too.
    r.prompt_len_exact =
        (!prompts[i].token_ids.empty() || prompts[i].prompt_len_exact) &&
        config.endpoint == Endpoint::kCompletions;
    r.max_tokens = prompts[i].max_tokens;
    r.chunk_ns.reserve(
        static_cast<size_t>(std::max<int64_t>(1, prompts[i].max_tokens)) + 1);
  }
  return records;
}

std::vector<client::PreparedRequest> MakeRequests(
    const client::ClientOptions& options, const ClientConfig& config,
    const std::vector<Prompt>& prompts, const SamplingParams& sampling) {
  std::string target = EndpointTarget(options.base, config);
  std::vector<client::PreparedRequest> requests;
  requests.reserve(prompts.size());
  for (const Prompt& p : prompts) {
    requests.push_back({target, BuildRequestBody(config, p, sampling)});
  }
  return requests;
}

// Server text in the records (error bodies, stream events, generated text)
// made safe to store: valid UTF-8, the API key redacted.
void MakeStorable(const ClientConfig& config,
                  std::vector<RequestRecord>* records) {
  auto key = ApiKeyFromEnv(config.api_key_env);
  std::vector<std::string> secrets;
  if (key.ok() && !key->empty()) secrets.push_back(*key);
  for (RequestRecord& r : *records) {
    r.error_message = StoredText(r.error_message, secrets);
    r.text = StoredText(r.text, secrets);
    r.finish_reason = StoredText(r.finish_reason, secrets);
    r.system_fingerprint = StoredText(r.system_fingerprint, secrets);
  }
}

// Requests that were never sent (duration reached, or cancelled before
// their turn) are not part of the result.
void DropUnsent(std::vector<RequestRecord>* records) {
  std::erase_if(*records,
                [](const RequestRecord& r) { return r.send_ns == 0; });
}

std::string UtcDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

// The measured rows' trace offsets, from the first measured row.
std::vector<int64_t> TraceOffsets(const std::vector<int64_t>& all,
                                  size_t warm) {
  if (warm >= all.size()) return {};
  std::vector<int64_t> out(all.begin() + static_cast<ptrdiff_t>(warm),
                           all.end());
  const int64_t t0 = out.front();
  for (int64_t& o : out) o -= t0;
  return out;
}

Status ValidateLoad(const BenchConfig& c) {
  if (c.num_prompts < 1)
    return Status::InvalidArgument("--num-prompts must be >= 1");
  if (c.warmup < 0) return Status::InvalidArgument("--warmup must be >= 0");
  if (c.max_concurrency < 0) {
    return Status::InvalidArgument("--max-concurrency must be >= 0");
  }
  if (c.duration_s < 0)
    return Status::InvalidArgument("--duration must be >= 0");
  if (c.client_threads < 1) {
    return Status::InvalidArgument("--client-threads must be >= 1, got " +
                                   std::to_string(c.client_threads));
  }
  INFX_RETURN_IF_ERROR(metrics::CheckValidityOptions(c.validity));
  if (c.metrics.num_gpus < 1)
    return Status::InvalidArgument("--num-gpus must be >= 1");
  for (double p : c.metrics.percentiles) {
    if (!(p >= 0 && p <= 100)) {
      return Status::InvalidArgument("percentiles must be in [0, 100], got " +
                                     std::to_string(p));
    }
  }
  return Status::Ok();
}

}  // namespace

uint64_t BenchConfig::ScheduleSeed() const {
  return schedule_seed ? *schedule_seed : DeriveSeed(seed, 1);
}

Result<std::string> ApiKeyFromEnv(const std::string& env_var) {
  if (env_var.empty()) return std::string();
  const char* value = std::getenv(env_var.c_str());
  if (value == nullptr) return std::string();
  std::string key = value;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      // Never echo the key itself.
      return Status::InvalidArgument(
          "$" + env_var +
          " holds a control character (CR, LF, ...); an API key cannot "
          "contain one (it would inject request headers)");
    }
  }
  return key;
}

Result<std::vector<RequestRecord>> RunRequests(
    const ClientConfig& client, const std::vector<Prompt>& prompts,
    const SamplingParams& sampling, int64_t concurrency,
    std::atomic<bool>* cancel) {
  if (concurrency < 0)
    return Status::InvalidArgument("concurrency must be >= 0");
  INFX_ASSIGN_OR_RETURN(client::ClientOptions options,
                        MakeClientOptions(client));
  std::vector<RequestRecord> records = MakeRecords(client, prompts, 0);
  auto requests = MakeRequests(options, client, prompts, sampling);
  Phase phase;
  phase.end = prompts.size();
  phase.concurrency = concurrency;
  DriveOptions drive{options, false, cancel};
  Drive(drive, requests, &records, {phase});
  MakeStorable(client, &records);
  for (RequestRecord& r : records) {
    if (r.send_ns == 0) {
      r.error = metrics::ErrorKind::kCancelled;
      r.error_message = "not sent: cancelled";
    }
  }
  return records;
}

Result<BenchResult> RunBenchmark(const BenchConfig& config) {
  // 1. Validate and prepare the client.
  INFX_RETURN_IF_ERROR(ValidateLoad(config));
  INFX_ASSIGN_OR_RETURN(client::ClientOptions options,
                        MakeClientOptions(config.client));
  if (IsSessionDataset(config.dataset.name)) return RunSessionBenchmark(config);
  // 2. Prompts (warm-up first), schedule, records and bodies: all before
  //    the first request.
  const bool chat = config.client.endpoint == Endpoint::kChat;
  DatasetSpec dataset = config.dataset;
  dataset.text_prompts = chat && config.tokenizer_path.empty();
  std::optional<TraceWorkload> traced;
  std::vector<Prompt> prompts;
  if (IsTraceDataset(dataset.name)) {
    INFX_ASSIGN_OR_RETURN(
        traced, MakeTraceWorkload(dataset, config.warmup + config.num_prompts,
                                  config.seed));
    prompts = std::move(traced->prompts);
  } else {
    INFX_ASSIGN_OR_RETURN(
        prompts,
        MakePrompts(dataset, config.warmup + config.num_prompts, config.seed));
  }
  TokenExactStats token_exact;
  if (!config.tokenizer_path.empty()) {
    auto tok = tokenizer::Tokenizer::Load(config.tokenizer_path);
    if (!tok.ok()) return tok.status().WithContext("--tokenizer");
    token_exact = MakeTokenExact(*tok, dataset, chat, config.seed, prompts);
  }
  INFX_ASSIGN_OR_RETURN(std::vector<int64_t> offsets,
                        MakeSchedule(config.num_prompts, config.request_rate,
                                     config.burstiness, config.ScheduleSeed()));
  BenchResult result;
  result.config = config;
  result.config.cancel = nullptr;
  result.token_exact = token_exact;
  result.records = MakeRecords(config.client, prompts, config.warmup);
  auto requests =
      MakeRequests(options, config.client, prompts, config.sampling);
  // 3. Phases: warm-up (closed loop), then the measured load.
  std::vector<Phase> phases;
  size_t warm = std::min(static_cast<size_t>(config.warmup), prompts.size());
  if (warm > 0) {
    phases.push_back(Phase{0, warm, config.max_concurrency, {}, 0});
  }
  Phase measured{
      warm, prompts.size(), config.max_concurrency, {}, config.duration_s};
  if (traced && !traced->offsets_ns.empty()) {
    measured.offsets_ns = TraceOffsets(traced->offsets_ns, warm);
  } else if (!std::isinf(config.request_rate)) {
    measured.offsets_ns = std::move(offsets);
  }
  phases.push_back(std::move(measured));
  // 4. Run, then compute.
  std::optional<PrefixCounters> before;
  if (traced) {
    result.prefix_cache.emplace();
    result.prefix_cache->theoretical_hit_rate = traced->theoretical.rate();
    result.prefix_cache->theoretical_prompt_tokens =
        traced->theoretical.prompt_tokens;
    result.prefix_cache->theoretical_hit_tokens =
        traced->theoretical.hit_tokens;
    before = ScrapePrefixCounters(config.client.base_url, options.authorization,
                                  options.verify_tls);
  }
  result.date = UtcDate();
  DriveOutcome outcome =
      Drive(DriveOptions{options, config.progress, config.cancel,
                         config.client_threads},
            requests, &result.records, phases);
  result.cancelled = outcome.cancelled;
  result.connections_opened = outcome.connections_opened;
  if (before) {
    if (auto after =
            ScrapePrefixCounters(config.client.base_url, options.authorization,
                                 options.verify_tls)) {
      SetObserved(*before, *after, *result.prefix_cache);
    }
  }
  MakeStorable(config.client, &result.records);
  DropUnsent(&result.records);
  result.metrics = metrics::ComputeMetrics(result.records, config.metrics);
  result.validity = metrics::JudgeValidity(
      result.metrics, !std::isinf(config.request_rate), config.validity);
  return result;
}

}  // namespace infx::bench
