// ResponseReader: reads ONE HTTP/1.1 response to a streamed completion
// request from the raw bytes of its connection, as they arrive, into the
// request's RequestRecord. It owns the response's parsing and judgement;
// the client's coroutines only move bytes:
//   - interim 1xx responses (100 Continue, 103 Early Hints) are skipped,
//     the response after them is the final one (101 is a failure);
//   - a 2xx body is parsed as Server-Sent Events, each event as a stream
//     chunk (client/stream_chunk.h) dated by its first byte's arrival;
//   - an event (or line) buffered beyond `max_event_bytes` fails the request
//     (kEventTooLarge), so a server that never ends a line cannot grow the
//     client's memory;
//   - a 2xx response that carried no chunk with choices fails it
//     (kNoTokens), naming what came instead: 204, an empty body, an HTML or
//     non-streamed JSON reply, a stream of only [DONE] (as vLLM's benchmark
//     does: "never received a valid chunk");
//   - a non-2xx response fails it (kHttpStatus) with the start of its body.
// The same code reads what the fuzzer (fuzz/client_response_fuzz.cc) feeds.
//
// Thread-safety: not thread-safe; one reader per connection.
#pragma once

// clang-format off
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
// clang-format on

#include "client/sse_parser.h"
#include "client/stream_chunk.h"
#include "metrics/request_record.h"

namespace infx::client {

struct ReaderOptions {
  bool capture_text = false;          // keep generated text in records
  size_t max_event_bytes = 4u << 20;  // cap on one buffered SSE event
  size_t max_error_body_bytes = 512;  // start of a non-2xx body kept
  size_t body_buffer_bytes = 4096;    // de-chunked bytes per parse step
};

// Records the first failure of a request (later ones are kept out), ending
// it at `now_ns`.
void FailRequest(metrics::RequestRecord* r, metrics::ErrorKind kind,
                 std::string message, int64_t now_ns);

class ResponseReader {
 public:
  enum class State {
    kMore,    // the response is not complete: feed more bytes
    kDone,    // complete; the record says how it went
    kFailed,  // the request failed (recorded); abandon the connection
  };

  explicit ResponseReader(ReaderOptions options);

  // Starts a new response (for a new request on the connection).
  void Reset();
  // Feeds the bytes of ONE read from the connection: they arrived (kernel
  // receive time) at `arrival_ns`; `now_ns` dates failures and the end.
  // Token events after the first of one read are counted in
  // r->shared_read_events (they share the read's timestamp).
  State Feed(std::string_view bytes, int64_t arrival_ns, int64_t now_ns,
             metrics::RequestRecord* r);
  // The server closed the connection (EOF) before the response was done.
  State FeedEof(int64_t now_ns, metrics::RequestRecord* r);

  // The final (non-1xx) response's header has been read.
  bool header_done() const { return header_done_; }
  // Any byte of a response (interim ones included) arrived.
  bool received_any() const { return received_any_; }
  // Body bytes of the final response arrived (the stream is under way).
  bool body_started() const { return body_bytes_ > 0; }
  // After kDone: the connection may carry another request.
  bool keep_alive() const;

 private:
  using Parser =
      boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  void NewParser();
  // Runs the parser over `in`, consuming what it takes.
  State Parse(std::string_view& in, int64_t arrival_ns, int64_t now_ns,
              metrics::RequestRecord* r);
  State OnHeader(int64_t now_ns, metrics::RequestRecord* r);
  State OnBody(std::string_view bytes, int64_t arrival_ns, int64_t now_ns,
               metrics::RequestRecord* r);
  State OnEvents(const std::vector<SseEvent>& events, int64_t arrival_ns,
                 int64_t now_ns, metrics::RequestRecord* r);
  State Finish(int64_t now_ns, metrics::RequestRecord* r);
  std::string NoTokensKind() const;

  ReaderOptions options_;
  std::optional<Parser> parser_;
  std::string input_;  // bytes not yet taken by the parser
  std::vector<char> body_;
  SseParser sse_;
  StreamChunk chunk_;
  bool header_done_ = false;
  bool received_any_ = false;
  bool ok_status_ = false;
  std::string content_type_;
  std::string error_body_;
  size_t body_bytes_ = 0;     // body bytes seen (2xx or not)
  bool saw_choices_ = false;  // a chunk with choices arrived
  bool saw_done_ = false;     // [DONE] arrived (later bytes are ignored)
  int64_t read_tokens_ = 0;   // token events in the read being fed
};

}  // namespace infx::client
