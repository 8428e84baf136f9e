// RequestRecord: what the load generator observed for one request, written
// on the hot path (timestamps only) and read by the pure metric functions.
// All times are std::chrono::steady_clock nanoseconds (CLOCK_MONOTONIC, the
// same clock the emulator's trace uses), so records join with server traces.
//
// Thread-safety: plain values. During a run a record is written by exactly
// one coroutine; read it only after the run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace infx::metrics {

// Why a request failed. kNone means it completed and counts in the metrics;
// kCancelled (Ctrl-C, or never sent) is neither completed nor failed.
enum class ErrorKind {
  kNone = 0,
  kConnectRefused,  // TCP connect refused / host unreachable / DNS failure
  kConnectFailed,   // TLS handshake or other connect-phase failure
  kHttpStatus,      // a non-2xx status line
  kTimeout,         // the per-request deadline passed (includes stalls)
  kStreamDropped,   // the connection closed before the stream finished
  kMalformedEvent,  // an SSE event whose payload is not a valid chunk
  kServerError,     // the stream carried an {"error": ...} event
  kIo,              // any other socket error
  kCancelled,       // ended by the user (Ctrl-C) or by --duration
  kNoTokens,        // a 2xx response without a token chunk (204, empty,
                    // HTML, non-streamed JSON, only [DONE]); message names it
  kEventTooLarge,   // an SSE event/line grew past --max-event-bytes
};

// Stable snake_case name used in JSON ("connect_refused", "http_status"...).
std::string_view ErrorKindName(ErrorKind kind);

struct RequestRecord {
  // --- identity (set before the run) ---
  int64_t index = -1;        // position in the run, 0-based
  std::string x_request_id;  // sent as X-Request-Id; joins server traces
  bool warmup = false;       // warm-up requests are left out of metrics
  int64_t prompt_len = 0;    // tokens in the prompt as the dataset knows it
                             // (0 if unknown, e.g. text without tokenizer)
  int64_t max_tokens = 0;    // requested output tokens
  // prompt_len is exactly the tokens sent (the prompt went as token ids),
  // so the server's usage.prompt_tokens can be checked against it.
  bool prompt_len_exact = false;

  // --- hot path: steady_clock ns; 0 = did not happen ---
  int64_t scheduled_ns = 0;  // when the request was due to be sent; the
                             // origin of TTFT and E2EL (no coordinated
                             // omission in open loop)
  // When the client began the request: wrote it to a kept-alive
  // connection, or began opening a connection for it.
  int64_t send_ns = 0;
  int64_t first_token_ns = 0;  // first byte of the first token event
  // vLLM's "latency" end: the last token chunk of a completed stream (or
  // the stream's end if it carried no token chunk); when it failed for a
  // failed one.
  int64_t end_ns = 0;
  // First-byte arrival of every token-carrying SSE event (chunk), in order.
  // Kernel receive time where the socket reports one (plain TCP and TLS on
  // Linux), else when the client read it.
  std::vector<int64_t> chunk_ns;
  // Tokens carried by each chunk when the server says so (cumulative usage
  // per chunk); empty means one token per chunk.
  std::vector<int32_t> chunk_tokens;
  // Largest gap between the kernel taking in a response's bytes and the
  // client reading them (the client's read lag; chunk_ns are kernel times
  // where the transport gives them, so this lag does not enter them).
  int64_t max_read_lag_ns = 0;
  // Token events that came in the same read as an earlier token event of
  // this request: they carry that read's one kernel timestamp, so their
  // ITL to the event before is 0 whatever the server's was. Rare while the
  // client keeps up; the count says how often timing was not per token.
  int64_t shared_read_events = 0;
  // The connection the request went out on: opened for it (else a
  // kept-alive one was reused), and how long opening it took (TCP connect
  // plus TLS handshake; 0 when reused). A slow connect (e.g. a full listen
  // backlog) shows here rather than only as a TTFT outlier.
  bool new_connection = false;
  int64_t connect_ns = 0;
  // Resent on a new connection because the kept-alive one it was written
  // to turned out closed by the server.
  bool retried = false;

  // --- from the response ---
  int http_status = 0;
  int64_t usage_prompt_tokens = -1;      // server's usage, -1 = absent
  int64_t usage_completion_tokens = -1;  // server's usage, -1 = absent
  std::string finish_reason;             // "length", "stop", ... or empty
  // The stream's system_fingerprint (first one seen), or empty: llama.cpp
  // names its build here, which identifies the engine version.
  std::string system_fingerprint;
  std::string text;  // generated text, if captured
  ErrorKind error = ErrorKind::kNone;
  std::string error_message;  // one line, names the cause

  bool ok() const { return error == ErrorKind::kNone && end_ns != 0; }
  // Output tokens: server usage if given, else the sum of chunk tokens.
  int64_t OutputTokens() const;
  // Prompt tokens: server usage if given, else the dataset's prompt_len.
  int64_t PromptTokens() const;
};

}  // namespace infx::metrics
