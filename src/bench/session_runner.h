// Session runner: replays session workloads (trace/sessions.h: multi-turn
// chat, agentic sessions with think times and sub-agent fan-out) against a
// server. Up to `max_sessions` sessions are in flight at once (0 = all); in
// a session, a request is sent `delay_s x think_time_scale` (capped by
// max_think_time_s) after the last request it follows completed, so turns
// run in order and fan-out requests run concurrently. Multi-turn sessions
// send each turn with the whole history so far, the server's live replies
// included (vLLM's multi-turn benchmark); agentic requests send their
// synthesized token ids (shared hash ids give shared token blocks, blocks of
// hash_block_size tokens; the rest of a prompt is its own).
//
// Each request runs on its own short-lived thread through RunRequests (one
// event loop and connection per request), so timing is the client's usual
// per-request measurement; the X-Request-Id is "<prefix>-s<session>-r<req>".
//
// Thread-safety: RunSessions runs on the calling thread and joins every
// thread it starts; `cancel` may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "bench/runner.h"
#include "trace/sessions.h"

namespace infx::bench {

struct SessionRunConfig {
  ClientConfig client;
  SamplingParams sampling;
  int64_t max_sessions = 0;       // sessions in flight, 0 = all
  double think_time_scale = 1.0;  // delays x this (0 = none)
  double max_think_time_s = 60;   // cap per delay (kv-cache-tester default)
  int64_t hash_block_size = 64;
  int64_t vocab_size = 32000;
  uint64_t seed = 0;
  std::atomic<bool>* cancel = nullptr;
};

struct SessionRecord {
  size_t session = 0;  // index into the sessions given
  size_t request = 0;  // index in its session
  int64_t depth = 0;   // turn number: longest `after` chain to it, 0-based
  metrics::RequestRecord record;
};

// Every request of every session, one record each (unsent ones when
// cancelled are kCancelled), in (session, request) order.
Result<std::vector<SessionRecord>> RunSessions(
    const SessionRunConfig& config,
    const std::vector<trace::SessionTrace>& sessions);

// {"sessions": [{"id", "requests", "completed", "duration_s"}...],
//  "per_turn": [{"turn", "requests", "completed", "mean_ttft_ms",
//  "mean_e2el_ms", "mean_prompt_tokens"}...]} (docs/workloads.md).
nlohmann::json SessionMetricsJson(
    const std::vector<trace::SessionTrace>& sessions,
    const std::vector<SessionRecord>& records);

// Session datasets: "multiturn" (ShareGPT JSON with several turns),
// "agentic" (infx agentic JSONL), "weka" (WEKA / AgentX trace JSON).
bool IsSessionDataset(std::string_view name);

// RunBenchmark for a session dataset: the first --num-prompts sessions
// of dataset.path, --max-concurrency sessions in flight; records in
// (session, request) order; result.sessions holds SessionMetricsJson and
// result.prefix_cache the theoretical (agentic, weka) and observed hit
// rates.
Result<BenchResult> RunSessionBenchmark(const BenchConfig& config);

}  // namespace infx::bench
