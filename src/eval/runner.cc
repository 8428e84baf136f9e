#include "eval/runner.h"

#include <chrono>
#include <thread>

#include "bench/runner.h"

namespace infx::eval {
namespace {

std::vector<bench::Prompt> ToBenchPrompts(
    const std::vector<EvalPrompt>& prompts, int64_t max_tokens) {
  std::vector<bench::Prompt> out;
  out.reserve(prompts.size());
  for (const EvalPrompt& p : prompts) {
    bench::Prompt b;
    b.text = p.prompt;
    for (const ChatMessage& m : p.messages) {
      b.messages.emplace_back(m.role, m.content);
    }
    b.max_tokens = max_tokens;
    out.push_back(std::move(b));
  }
  return out;
}

Status ValidateOptions(const RunnerOptions& options) {
  if (options.model.empty()) {
    return Status::InvalidArgument("--model is required for an online eval");
  }
  if (options.concurrency < 1) {
    return Status::InvalidArgument("--concurrency must be >= 1, got " +
                                   std::to_string(options.concurrency));
  }
  if (options.max_tokens < 1) {
    return Status::InvalidArgument("--max-tokens must be >= 1, got " +
                                   std::to_string(options.max_tokens));
  }
  if (options.retries < 0) {
    return Status::InvalidArgument("--retries must be >= 0");
  }
  return Status::Ok();
}

// Sends everything, then re-sends transient failures, keeping each prompt's
// last record.
Result<std::vector<metrics::RequestRecord>> SendWithRetries(
    const RunnerOptions& options, const std::vector<bench::Prompt>& prompts,
    std::atomic<bool>* cancel) {
  bench::ClientConfig client;
  client.base_url = options.base_url;
  client.model = options.model;
  client.endpoint = options.task.chat ? bench::Endpoint::kChat
                                      : bench::Endpoint::kCompletions;
  client.api_key_env = options.api_key_env;
  client.request_timeout_s = options.request_timeout_s;
  client.capture_text = true;
  client.request_id_prefix = "infx-eval";
  bench::SamplingParams sampling;
  sampling.temperature = 0.0;
  sampling.stop = StopSequences(options.task.kind);

  INFX_ASSIGN_OR_RETURN(auto records,
                        bench::RunRequests(client, prompts, sampling,
                                           options.concurrency, cancel));
  for (int attempt = 1; attempt <= options.retries; ++attempt) {
    std::vector<size_t> again;
    for (size_t i = 0; i < records.size(); ++i) {
      if (!records[i].ok() && IsTransient(records[i])) again.push_back(i);
    }
    if (again.empty() || (cancel != nullptr && cancel->load())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250 * attempt));
    std::vector<bench::Prompt> subset;
    for (size_t i : again) subset.push_back(prompts[i]);
    client.request_id_prefix = "infx-eval-retry" + std::to_string(attempt);
    INFX_ASSIGN_OR_RETURN(auto retried,
                          bench::RunRequests(client, subset, sampling,
                                             options.concurrency, cancel));
    for (size_t k = 0; k < again.size() && k < retried.size(); ++k) {
      records[again[k]] = std::move(retried[k]);
    }
  }
  return records;
}

Status CheckAnyAnswered(const std::vector<metrics::RequestRecord>& records,
                        const std::string& base_url) {
  for (const auto& r : records) {
    if (r.ok()) return Status::Ok();
  }
  std::string why = records.empty() ? "no requests" : records[0].error_message;
  return Status::Unavailable("eval: no request to " + base_url +
                             " succeeded (" + why + ")");
}

}  // namespace

Result<EvalRun> RunGsm8k(const RunnerOptions& options,
                         std::atomic<bool>* cancel) {
  INFX_RETURN_IF_ERROR(ValidateOptions(options));
  INFX_ASSIGN_OR_RETURN(Gsm8kSplits data,
                        LoadSplitsFor(options.task, options.data));
  INFX_ASSIGN_OR_RETURN(
      std::vector<EvalPrompt> prompts,
      BuildPrompts(options.task, data.test, data.train, options.limit));
  const std::vector<bench::Prompt> requests =
      ToBenchPrompts(prompts, options.max_tokens);

  const auto start = std::chrono::steady_clock::now();
  INFX_ASSIGN_OR_RETURN(auto records,
                        SendWithRetries(options, requests, cancel));
  const double duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  INFX_RETURN_IF_ERROR(CheckAnyAnswered(records, options.base_url));

  EvalRun run;
  run.outcomes = OutcomesFromRecords(options.task, data.test, prompts, records);
  run.summary = Summarize(TaskName(options.task), run.outcomes, duration_s);
  return run;
}

Result<StoredEval> RunGsm8kAtPoint(const RunnerOptions& options,
                                   store::ResultsStore& store, int64_t run_id,
                                   const std::string& config_key,
                                   std::optional<int64_t> point_id,
                                   std::atomic<bool>* cancel) {
  StoredEval stored;
  INFX_ASSIGN_OR_RETURN(stored.run, RunGsm8k(options, cancel));
  if (cancel != nullptr && cancel->load()) {
    // Unsent questions would count as wrong: keep the store clean so that
    // a resumed sweep runs this eval again.
    return Status(ErrorCode::kCancelled, "eval interrupted (not stored)");
  }
  INFX_ASSIGN_OR_RETURN(stored.eval_id, store.InsertEval(ToEvalRecord(
                                            stored.run, options.headline,
                                            run_id, config_key, point_id)));
  return stored;
}

}  // namespace infx::eval
