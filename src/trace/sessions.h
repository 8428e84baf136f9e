// Session workloads: requests that depend on earlier ones in the same
// session (multi-turn chat, agentic sessions with tool-call think times and
// sub-agent fan-out). A session is a DAG of requests: a request is sent
// `delay_s` after the last of its `after` requests completed (at session
// start when it has none); several requests after the same one branch from
// its context (fan-out). docs/workloads.md defines the formats:
//
// * agentic JSONL (infx's format): one request per line,
//   {"session_id": str, "id": str, "after": [id, ...], "delay_s": s,
//    "input_tokens": n, "output_tokens": n, "hash_ids": [int, ...]}
//   hash_ids name the prompt's leading full blocks of `hash_block_size`
//   tokens (the rest of the prompt is the request's own); sessions keep the
//   order they first appear in; `after` names earlier ids of the session.
// * WEKA / AgentX traces (callanjfox/kv-cache-tester, one JSON conversation
//   per file, 64-token blocks): top-level requests form a chain delayed by
//   `think_time`; a "subagent" entry's nested requests form a chain that
//   starts after the preceding parent request, and the next parent request
//   waits for it (spawn/join, as AIPerf's weka_trace loader).
// * ShareGPT multi-turn JSON: each conversation is a session of user turns,
//   each after the previous one; the prompt is the whole history (live
//   replies are threaded in by the runner); a gpt turn's length (chars/4)
//   is the turn's output length.
//
// Errors name file:line (JSONL) or file and entry.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::trace {

struct SessionRequest {
  std::string id;
  std::vector<size_t> after;  // indices of earlier requests in the session
  double delay_s = 0;         // after the last of `after` completed
  int64_t input_tokens = 0;   // synthesized prompts (agentic)
  int64_t output_tokens = 0;
  std::vector<int64_t> hash_ids;  // leading full blocks
  std::string user_text;          // multi-turn: this turn's user message
};

struct SessionTrace {
  std::string id;
  std::vector<SessionRequest> requests;  // topological order
  bool chat_history = false;  // multi-turn: prompts carry the history
};

Result<std::vector<SessionTrace>> ParseAgenticJsonl(const std::string& text,
                                                    const std::string& what,
                                                    int64_t hash_block_size);
Result<std::vector<SessionTrace>> LoadAgenticJsonl(const std::string& path,
                                                   int64_t hash_block_size);
// One WEKA trace file (or a JSONL of them, one per line, as the HF
// datasets ship) -> its sessions (one per conversation).
Result<std::vector<SessionTrace>> LoadWekaTrace(const std::string& path);
// ShareGPT JSON with several turns per conversation; conversations with
// no human turn are skipped.
Result<std::vector<SessionTrace>> LoadShareGptSessions(const std::string& path);

}  // namespace infx::trace
