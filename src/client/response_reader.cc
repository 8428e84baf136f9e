#include "client/response_reader.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>
#include <utility>

namespace infx::client {
namespace {

namespace http = boost::beast::http;
using metrics::ErrorKind;
using metrics::RequestRecord;

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

void FailRequest(RequestRecord* r, ErrorKind kind, std::string message,
                 int64_t now_ns) {
  if (r->error != ErrorKind::kNone) return;  // keep the first cause
  r->error = kind;
  r->error_message = std::move(message);
  r->end_ns = now_ns;
}

ResponseReader::ResponseReader(ReaderOptions options)
    : options_(std::move(options)) {
  body_.resize(std::max<size_t>(options_.body_buffer_bytes, 1));
  Reset();
}

void ResponseReader::NewParser() {
  parser_.emplace();
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
}

void ResponseReader::Reset() {
  NewParser();
  input_.clear();
  sse_.Reset();
  header_done_ = false;
  received_any_ = false;
  ok_status_ = false;
  content_type_.clear();
  error_body_.clear();
  body_bytes_ = 0;
  saw_choices_ = false;
  saw_done_ = false;
}

bool ResponseReader::keep_alive() const {
  return parser_->is_done() && parser_->keep_alive() && input_.empty();
}

ResponseReader::State ResponseReader::Feed(std::string_view bytes,
                                           int64_t arrival_ns, int64_t now_ns,
                                           RequestRecord* r) {
  received_any_ = received_any_ || !bytes.empty();
  read_tokens_ = 0;
  // The parser reads the caller's bytes in place; only what it leaves (a
  // split header or chunk size) is kept for the next read.
  std::string_view in = bytes;
  if (!input_.empty()) {
    input_.append(bytes);
    in = input_;
  }
  const State state = Parse(in, arrival_ns, now_ns, r);
  const char* kept = input_.data();
  if (in.empty()) {
    input_.clear();
  } else if (in.data() >= kept && in.data() < kept + input_.size()) {
    input_.erase(0, static_cast<size_t>(in.data() - kept));
  } else {
    input_.assign(in);
  }
  return state;
}

ResponseReader::State ResponseReader::Parse(std::string_view& in,
                                            int64_t arrival_ns, int64_t now_ns,
                                            RequestRecord* r) {
  while (!parser_->is_done()) {
    if (header_done_) {
      parser_->get().body().data = body_.data();
      parser_->get().body().size = body_.size();
      parser_->get().body().more = true;
    }
    boost::system::error_code ec;
    size_t used = parser_->put(boost::asio::buffer(in.data(), in.size()), ec);
    in.remove_prefix(used);
    size_t produced =
        header_done_ ? body_.size() - parser_->get().body().size : 0;
    bool need_more = ec == http::error::need_more;
    if (ec == http::error::need_buffer || need_more) ec = {};
    if (ec) {
      FailRequest(r, ErrorKind::kIo,
                  std::string(header_done_ ? "bad response body: "
                                           : "bad response header: ") +
                      ec.message(),
                  now_ns);
      return State::kFailed;
    }
    if (!header_done_ && parser_->is_header_done()) {
      State s = OnHeader(now_ns, r);
      if (s != State::kMore) return s;
      continue;
    }
    if (produced > 0) {
      State s = OnBody(std::string_view(body_.data(), produced), arrival_ns,
                       now_ns, r);
      if (s != State::kMore) return s;
    }
    if (need_more || (used == 0 && produced == 0)) break;
  }
  return parser_->is_done() ? Finish(now_ns, r) : State::kMore;
}

ResponseReader::State ResponseReader::OnHeader(int64_t now_ns,
                                               RequestRecord* r) {
  const int status = static_cast<int>(parser_->get().result_int());
  if (status >= 100 && status < 200 && status != 101) {
    NewParser();  // an interim response: the final one follows
    return State::kMore;
  }
  header_done_ = true;
  r->http_status = status;
  ok_status_ = status >= 200 && status < 300;
  auto type = parser_->get().find(http::field::content_type);
  if (type != parser_->get().end()) {
    content_type_ = std::string(type->value().substr(0, 100));
  }
  if (status == 101) {
    FailRequest(r, ErrorKind::kHttpStatus,
                "HTTP 101: the server switched protocols", now_ns);
    return State::kFailed;
  }
  return State::kMore;
}

ResponseReader::State ResponseReader::OnBody(std::string_view bytes,
                                             int64_t arrival_ns, int64_t now_ns,
                                             RequestRecord* r) {
  body_bytes_ += bytes.size();
  if (!ok_status_) {
    size_t room = options_.max_error_body_bytes -
                  std::min(options_.max_error_body_bytes, error_body_.size());
    error_body_.append(bytes.substr(0, room));
    // Its start is kept; an error body without end is not read forever.
    if (body_bytes_ > options_.max_event_bytes) return Finish(now_ns, r);
    return State::kMore;
  }
  if (saw_done_) return State::kMore;  // what follows [DONE] is ignored
  State s = OnEvents(sse_.Feed(bytes, arrival_ns), arrival_ns, now_ns, r);
  if (s != State::kMore) return s;
  if (!saw_done_ && sse_.pending_bytes() > options_.max_event_bytes) {
    FailRequest(r, ErrorKind::kEventTooLarge,
                "an SSE event grew past " +
                    std::to_string(options_.max_event_bytes) +
                    " bytes without ending (--max-event-bytes)",
                now_ns);
    return State::kFailed;
  }
  return State::kMore;
}

ResponseReader::State ResponseReader::OnEvents(
    const std::vector<SseEvent>& events, int64_t arrival_ns, int64_t now_ns,
    RequestRecord* r) {
  for (const SseEvent& event : events) {
    Status s = ParseStreamChunk(event.data, options_.capture_text, &chunk_);
    if (!s.ok()) {
      FailRequest(r, ErrorKind::kMalformedEvent, s.message(), now_ns);
      return State::kFailed;
    }
    saw_choices_ = saw_choices_ || chunk_.has_choices;
    const size_t tokens_before = r->chunk_ns.size();
    ChunkEffect effect =
        ApplyChunk(chunk_, event.first_byte_ns, options_.capture_text, r);
    if (r->chunk_ns.size() > tokens_before && read_tokens_++ > 0) {
      ++r->shared_read_events;
    }
    if (effect == ChunkEffect::kFailed) {
      r->end_ns = arrival_ns;
      return State::kFailed;
    }
    if (effect == ChunkEffect::kDone) {
      saw_done_ = true;
      break;
    }
  }
  return State::kMore;
}

ResponseReader::State ResponseReader::Finish(int64_t now_ns, RequestRecord* r) {
  if (!ok_status_) {
    for (char& ch : error_body_) {
      if (ch == '\n' || ch == '\r') ch = ' ';
    }
    FailRequest(r, ErrorKind::kHttpStatus,
                "HTTP " + std::to_string(r->http_status) + ": " + error_body_,
                now_ns);
    return parser_->is_done() ? State::kDone : State::kFailed;
  }
  if (!saw_choices_) {
    FailRequest(r, ErrorKind::kNoTokens, NoTokensKind(), now_ns);
    return State::kDone;
  }
  if (r->error == ErrorKind::kNone) {
    r->end_ns = r->chunk_ns.empty() ? now_ns : r->chunk_ns.back();
  }
  return State::kDone;
}

std::string ResponseReader::NoTokensKind() const {
  const std::string status =
      "HTTP " + std::to_string(parser_->get().result_int());
  if (parser_->get().result_int() == 204)
    return status + " (no content): no tokens";
  if (body_bytes_ == 0) return status + " with an empty body: no tokens";
  if (Contains(content_type_, "text/html")) {
    return status + " HTML page (Content-Type: " + content_type_ +
           ") instead of an event stream: no tokens";
  }
  if (Contains(content_type_, "json")) {
    return status + " non-streamed JSON reply (Content-Type: " + content_type_ +
           ") to a streamed request: no tokens";
  }
  if (saw_done_) return status + " stream of only [DONE]: no token event";
  return status +
         " stream ended without a token event (Content-Type: " + content_type_ +
         ")";
}

ResponseReader::State ResponseReader::FeedEof(int64_t now_ns,
                                              RequestRecord* r) {
  if (parser_->is_done()) return Finish(now_ns, r);
  if (!header_done_) {
    FailRequest(r, ErrorKind::kStreamDropped,
                input_.empty()
                    ? "the server closed the connection before responding"
                    : "the server closed the connection inside the header",
                now_ns);
    return State::kFailed;
  }
  boost::system::error_code ec;
  parser_->put_eof(ec);
  if (!ec && parser_->is_done()) return Finish(now_ns, r);
  FailRequest(r, ErrorKind::kStreamDropped,
              "reading stream: the server closed the connection mid-response",
              now_ns);
  return State::kFailed;
}

}  // namespace infx::client
