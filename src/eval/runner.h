// The online GSM8K runner: sends lm-eval-compatible prompts to an
// OpenAI-compatible server at concurrency C through the load generator's
// client (bench::RunRequests: same async client as `infx bench`), with
// temperature 0, the task's stop sequences and settable max tokens; failed
// requests with transient errors (connect refused/failed, timeout, dropped
// stream, I/O, HTTP 429/5xx) are re-sent up to `retries` times. Responses
// are cut at the first stop sequence (as lm-eval does for local models),
// scored per question, and summarised (accuracy +- stderr, no-number rate,
// throughput).
//
// RunGsm8kAtPoint is the sweep hook: it runs the eval at one operating point
// (the sweep passes the point's concurrency) and stores the outcomes in the
// results store beside the performance point.
//
// Thread-safety: each call is independent and blocks the calling thread;
// `cancel` may be set from any thread to end a run early.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "eval/outcomes.h"
#include "eval/prompts.h"
#include "metrics/request_record.h"
#include "store/results_store.h"

namespace infx::eval {

struct RunnerOptions {
  std::string base_url = "http://127.0.0.1:8000";
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY";
  TaskOptions task;            // task, chat or not, few-shot, seed
  std::filesystem::path data;  // GSM8K dir (test.jsonl, train.jsonl) or
                               // a test .jsonl (train.jsonl beside it)
  size_t limit = 0;            // first N test questions; 0 = all 1,319
  int64_t concurrency = 16;    // requests in flight
  int64_t max_tokens = 256;    // lm-eval's default max_gen_toks
  int retries = 2;             // extra attempts for transient errors
  double request_timeout_s = 600;
  Filter headline = Filter::kStrictMatch;  // accuracy stored in sweeps
};

struct EvalRun {
  EvalSummary summary;
  std::vector<QuestionOutcome> outcomes;  // in test-split order
};

// Loads data, builds prompts, sends them, scores. Errors: bad options,
// missing data (NotFound names the path), or a server that answered no
// request at all (Unavailable with the first request's error).
Result<EvalRun> RunGsm8k(const RunnerOptions& options,
                         std::atomic<bool>* cancel = nullptr);

// Runs RunGsm8k and inserts one store::EvalRecord (task, accuracy and
// stderr of `options.headline`, per-question outcomes without the response
// text) for (run_id, config_key, point_id). Returns the run and the eval_id.
// A run ended by `cancel` is not stored (Cancelled).
struct StoredEval {
  EvalRun run;
  int64_t eval_id = 0;
};
Result<StoredEval> RunGsm8kAtPoint(const RunnerOptions& options,
                                   store::ResultsStore& store, int64_t run_id,
                                   const std::string& config_key,
                                   std::optional<int64_t> point_id,
                                   std::atomic<bool>* cancel = nullptr);

// --- pure helpers (exposed for tests) ---

// The test split and, when the task needs few-shot exemplars, the train
// split from `data` (dir, or file with train.jsonl beside it).
struct Gsm8kSplits {
  std::vector<Gsm8kItem> test;
  std::vector<Gsm8kItem> train;
};
Result<Gsm8kSplits> LoadSplitsFor(const TaskOptions& task,
                                  const std::filesystem::path& data);

// `text` up to the first occurrence of any stop sequence.
std::string CutAtStop(const std::string& text,
                      const std::vector<std::string>& stops);

// Whether a failed request is worth re-sending.
bool IsTransient(const metrics::RequestRecord& record);

// One outcome per prompt from the records of its final attempt.
std::vector<QuestionOutcome> OutcomesFromRecords(
    const TaskOptions& task, const std::vector<Gsm8kItem>& test,
    const std::vector<EvalPrompt>& prompts,
    const std::vector<metrics::RequestRecord>& records);

// The store form: EvalRecord for (run_id, config_key, point_id).
store::EvalRecord ToEvalRecord(const EvalRun& run, Filter headline,
                               int64_t run_id, const std::string& config_key,
                               std::optional<int64_t> point_id);

}  // namespace infx::eval
