// HttpClient: streaming HTTP/1.1 client for OpenAI-compatible servers on
// Boost.Asio/Beast C++20 coroutines. One connection per in-flight stream,
// reused with keep-alive; TCP_NODELAY; TLS (OpenSSL) for https; a per-request
// deadline covering connect, send and the whole stream. The hot path only
// timestamps (steady_clock) into the caller's preallocated RequestRecord;
// every failure ends as an ErrorKind in the record, never an exception.
//
// A kept-alive connection is checked (non-blocking peek) before reuse; a
// request whose kept-alive connection turns out closed is resent once on a
// NEW connection; every request ends completed or with an ErrorKind.
// Responses are read by ResponseReader (1xx skipped, 2xx without tokens
// and oversized events fail).
//
// Thread-safety: an HttpClient and all its streams run on ONE thread (the
// thread running its io_context). Cancel() may be called from that thread
// only; to cancel from elsewhere, post it to the io_context.
#pragma once

// clang-format off
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // before asio/awaitable.hpp, which needs std::exchange

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
// clang-format on

#include "client/clock.h"
#include "client/url.h"
#include "metrics/request_record.h"

namespace infx::client {

struct ClientOptions {
  Url base;                   // where to connect; path prefixes targets
  std::string authorization;  // full header value ("Bearer ..."), or ""
  double connect_timeout_s = 10;
  double request_timeout_s = 600;  // whole request, incl. a stalled stream
  // Longest silence between body bytes once a stream has begun (0 = none).
  // Real inter-token latencies are milliseconds and preemption pauses
  // seconds; a stream silent for this long is stalled and fails as a
  // timeout instead of holding its slot for the whole request timeout.
  double idle_timeout_s = 60;
  // Cap on one buffered SSE event or line; a longer one fails the request
  // (kEventTooLarge) instead of growing memory without bound.
  size_t max_event_bytes = 4u << 20;
  // Time source for deadlines and send_ns; null = steady_clock. Tests pass
  // a FakeClock. (Response bytes are dated by the kernel regardless.)
  const Clock* clock = nullptr;
  bool capture_text = false;  // keep generated text in records
  bool verify_tls = true;     // check the server certificate and name
  // Per connection: bytes read per syscall and body bytes per parse.
  size_t read_buffer_bytes = 4096;
  // Wait for socket input through one edge-triggered epoll set per client
  // (client/readiness_poller.h) instead of Asio's per-read wait, which
  // costs an epoll_ctl per streamed token. false: Asio's (for comparison).
  bool readiness_poller = true;
  // Date response bytes when this process reads them (user-space clock on
  // read, as Python clients such as InferenceX's do) instead of by the
  // kernel's receive timestamp. For measuring what that costs in accuracy
  // (bench/client_benchmark.cc); never what `infx bench` does.
  bool user_space_dating = false;
};

// One request ready to send: the target (path) and JSON body.
struct PreparedRequest {
  std::string target;  // e.g. "/v1/completions"
  std::string body;    // JSON
};

// "Bearer $VAR" if environment variable `env_var` is set and non-empty,
// else "". The key is never logged or stored in results.
std::string AuthorizationFromEnv(const std::string& env_var);

class HttpClient {
 public:
  HttpClient(boost::asio::io_context& io, ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` with X-Request-Id = record->x_request_id and streams the
  // SSE response into *record (send_ns, first_token_ns, chunk_ns, usage,
  // end_ns, error). Never throws; completes when the request ends.
  boost::asio::awaitable<void> Stream(const PreparedRequest& request,
                                      metrics::RequestRecord* record);

  // Starts `request` now, for a caller that owns the clock: stamps
  // record->send_ns and, when an idle kept-alive plain-TCP connection is at
  // hand, writes the request to it before returning (what does not fit the
  // socket buffer follows asynchronously); otherwise the connection is
  // opened asynchronously. `done` runs on this client's thread once the
  // request has ended. Never throws. `request` and `record` must outlive it.
  void Start(const PreparedRequest& request, metrics::RequestRecord* record,
             std::function<void()> done);

  // Ends every request in flight now as kCancelled with `reason` (e.g.
  // --duration ran out); the client stays usable for later requests.
  void StopInFlight(const std::string& reason);
  // Closes every open connection; in-flight streams end as kCancelled.
  void Cancel();
  bool cancelled() const;
  // Connections opened so far (reuse makes this < requests).
  int64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace infx::client
