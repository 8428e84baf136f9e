#include "client/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "client/sse_parser.h"
#include "client/stream_chunk.h"
#include "client/timestamped_socket.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using metrics::ErrorKind;
using metrics::RequestRecord;

constexpr auto kSweepPeriod = std::chrono::milliseconds(20);
constexpr size_t kMaxErrorBodyBytes = 512;

}  // namespace

std::string AuthorizationFromEnv(const std::string& env_var) {
  if (env_var.empty()) return "";
  const char* value = std::getenv(env_var.c_str());
  if (value == nullptr || *value == '\0') return "";
  return std::string("Bearer ") + value;
}

// One keep-alive connection (plain or TLS) and its per-stream scratch.
struct Connection {
  std::optional<TimestampedSocket> plain;
  std::optional<asio::ssl::stream<TimestampedSocket>> tls;
  beast::flat_buffer buffer{16384};  // header + raw reads (max 16 KiB)
  std::vector<char> body;            // de-chunked body bytes of one read
  std::string head;  // request line and headers of the current request
  SseParser sse;
  StreamChunk chunk;
  int64_t deadline_ns = 0;
  bool timed_out = false;
  size_t active_index = SIZE_MAX;  // position in Impl::active_

  TimestampedSocket& transport() { return tls ? tls->next_layer() : *plain; }
  tcp::socket& socket() { return transport().socket(); }
  void Close() {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }
};

struct HttpClient::Impl {
  // How an exchange on a connection ended.
  enum class Outcome { kKeep, kClose, kRetry };

  Impl(asio::io_context& io_in, ClientOptions options_in)
      : io(io_in),
        options(std::move(options_in)),
        ssl_ctx(asio::ssl::context::tls_client),
        sweep_timer(io_in) {
    if (options.base.tls()) {
      ssl_ctx.set_default_verify_paths();
      ssl_ctx.set_verify_mode(options.verify_tls ? asio::ssl::verify_peer
                                                 : asio::ssl::verify_none);
    }
    header_prefix = "Host: " + options.base.HostHeader() +
                    "\r\nContent-Type: application/json\r\n"
                    "Accept: text/event-stream\r\nConnection: keep-alive\r\n"
                    "User-Agent: infx-bench\r\n";
    if (!options.authorization.empty()) {
      header_prefix += "Authorization: " + options.authorization + "\r\n";
    }
  }

  asio::io_context& io;
  ClientOptions options;
  asio::ssl::context ssl_ctx;
  std::string header_prefix;  // constant header lines
  std::optional<std::vector<tcp::endpoint>> endpoints;
  std::vector<std::unique_ptr<Connection>> idle;
  std::vector<Connection*> active;
  asio::steady_timer sweep_timer;
  bool sweeping = false;
  bool cancelled = false;
  int64_t opened = 0;

  void Activate(Connection* c, int64_t deadline_ns) {
    c->deadline_ns = deadline_ns;
    c->timed_out = false;
    c->active_index = active.size();
    active.push_back(c);
    if (!sweeping) {
      sweeping = true;
      asio::co_spawn(io, Sweep(), asio::detached);
    }
  }
  void Deactivate(Connection* c) {
    if (c->active_index == SIZE_MAX) return;
    Connection* last = active.back();
    active[c->active_index] = last;
    last->active_index = c->active_index;
    active.pop_back();
    c->active_index = SIZE_MAX;
  }

  // Closes connections past their deadline; runs while any is active.
  asio::awaitable<void> Sweep() {
    while (!active.empty() && !cancelled) {
      sweep_timer.expires_after(kSweepPeriod);
      beast::error_code ec;
      co_await sweep_timer.async_wait(
          asio::redirect_error(asio::use_awaitable, ec));
      int64_t now = NowNs();
      for (Connection* c : active) {
        if (!c->timed_out && now >= c->deadline_ns) {
          c->timed_out = true;
          c->Close();
        }
      }
    }
    sweeping = false;
  }

  void Fail(RequestRecord* r, ErrorKind kind, std::string message) {
    if (r->error != ErrorKind::kNone) return;  // keep the first cause
    r->error = kind;
    r->error_message = std::move(message);
    r->end_ns = NowNs();
  }
  // Maps a transport error to a record error, considering timeouts and
  // cancellation that closed the socket under the operation.
  void FailTransport(RequestRecord* r, const Connection& c,
                     const beast::error_code& ec, ErrorKind kind,
                     const char* during) {
    if (cancelled) {
      Fail(r, ErrorKind::kCancelled, "cancelled");
    } else if (c.timed_out) {
      Fail(r, ErrorKind::kTimeout,
           "no complete response within " +
               std::to_string(options.request_timeout_s) + " s (" + during +
               ")");
    } else {
      Fail(r, kind, std::string(during) + ": " + ec.message());
    }
  }

  asio::awaitable<bool> Resolve(RequestRecord* r) {
    if (endpoints) co_return true;
    beast::error_code ec;
    auto address = asio::ip::make_address(options.base.host, ec);
    if (!ec) {
      endpoints.emplace(1, tcp::endpoint(address, options.base.port));
      co_return true;
    }
    tcp::resolver resolver(io);
    auto results = co_await resolver.async_resolve(
        options.base.host, std::to_string(options.base.port),
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec || results.empty()) {
      Fail(r, ErrorKind::kConnectRefused,
           "cannot resolve '" + options.base.host + "': " + ec.message());
      co_return false;
    }
    endpoints.emplace();
    for (const auto& entry : results) endpoints->push_back(entry.endpoint());
    co_return true;
  }

  // Opens a connection (TCP_NODELAY, TLS handshake for https); nullptr and
  // an error in *r on failure.
  asio::awaitable<std::unique_ptr<Connection>> Connect(RequestRecord* r,
                                                       int64_t deadline_ns) {
    if (!co_await Resolve(r)) co_return nullptr;
    auto c = std::make_unique<Connection>();
    if (options.base.tls()) {
      c->tls.emplace(io, ssl_ctx);
    } else {
      c->plain.emplace(io);
    }
    c->body.resize(options.read_buffer_bytes);
    // Beast reads max(512, free capacity) bytes at a time: without room
    // reserved, a lagging stream would be drained 512 bytes per syscall.
    c->buffer.reserve(options.read_buffer_bytes);
    int64_t connect_deadline = std::min(
        deadline_ns,
        NowNs() + static_cast<int64_t>(options.connect_timeout_s * 1e9));
    Activate(c.get(), connect_deadline);
    beast::error_code ec;
    co_await asio::async_connect(c->socket(), *endpoints,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      bool refused = ec == asio::error::connection_refused ||
                     ec == asio::error::host_unreachable ||
                     ec == asio::error::network_unreachable;
      FailTransport(
          r, *c, ec,
          refused ? ErrorKind::kConnectRefused : ErrorKind::kConnectFailed,
          "connect");
      Deactivate(c.get());
      co_return nullptr;
    }
    c->socket().set_option(tcp::no_delay(true), ec);
    c->transport().EnableTimestamps();
    c->socket().non_blocking(true, ec);  // Start() writes without blocking
    if (c->tls) {
      SSL_set_tlsext_host_name(c->tls->native_handle(),
                               options.base.host.c_str());
      if (options.verify_tls) {
        c->tls->set_verify_callback(
            asio::ssl::host_name_verification(options.base.host));
      }
      co_await c->tls->async_handshake(
          asio::ssl::stream_base::client,
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        FailTransport(r, *c, ec, ErrorKind::kConnectFailed, "TLS handshake");
        Deactivate(c.get());
        co_return nullptr;
      }
    }
    Deactivate(c.get());
    ++opened;
    co_return c;
  }

  void BuildHead(Connection& c, const PreparedRequest& req,
                 const RequestRecord& r) const {
    c.head.clear();
    c.head.append("POST ").append(req.target).append(" HTTP/1.1\r\n");
    c.head.append(header_prefix)
        .append("X-Request-Id: ")
        .append(r.x_request_id);
    c.head.append("\r\nContent-Length: ")
        .append(std::to_string(req.body.size()))
        .append("\r\n\r\n");
  }

  // Writes as much of the request as the socket takes now, without
  // blocking; the bytes written, or nullopt on a socket error.
  std::optional<size_t> WriteNow(Connection& c, const PreparedRequest& req) {
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(c.head),
                                                 asio::buffer(req.body)};
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
    size_t written = 0;
    const size_t total = c.head.size() + req.body.size();
    while (written < total) {
      beast::error_code ec;
      size_t n = c.plain->socket().write_some(rest, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) return std::nullopt;
      written += n;
      rest.consume(n);
    }
    return written;
  }

  // `written` bytes of the request were already sent by Start().
  template <typename Stream>
  asio::awaitable<Outcome> Exchange(Stream& stream, Connection& c,
                                    const PreparedRequest& req,
                                    RequestRecord* r, bool reused,
                                    size_t written) {
    beast::error_code ec;
    if (written == 0) BuildHead(c, req, *r);
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(c.head),
                                                 asio::buffer(req.body)};
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
    rest.consume(written);
    co_await asio::async_write(stream, rest,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (reused && !c.timed_out && !cancelled) co_return Outcome::kRetry;
      FailTransport(r, c, ec, ErrorKind::kIo, "sending request");
      co_return Outcome::kClose;
    }
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    c.buffer.clear();
    co_await http::async_read_header(
        stream, c.buffer, parser,
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      bool closed = ec == http::error::end_of_stream ||
                    ec == asio::error::eof ||
                    ec == asio::error::connection_reset;
      // A kept-alive connection the server had closed: retry once.
      if (reused && closed && !c.timed_out && !cancelled)
        co_return Outcome::kRetry;
      FailTransport(r, c, ec,
                    closed ? ErrorKind::kStreamDropped : ErrorKind::kIo,
                    "reading response header");
      co_return Outcome::kClose;
    }
    r->http_status = static_cast<int>(parser.get().result_int());
    bool ok_status = r->http_status >= 200 && r->http_status < 300;
    std::string error_body;
    c.sse.Reset();
    bool done = false;  // a terminal event was seen ([DONE] or failure)
    while (!parser.is_done()) {
      parser.get().body().data = c.body.data();
      parser.get().body().size = c.body.size();
      parser.get().body().more = true;
      co_await http::async_read_some(
          stream, c.buffer, parser,
          asio::redirect_error(asio::use_awaitable, ec));
      // Bytes are dated when the kernel took them in, not when read.
      const int64_t now = c.transport().last_rx_ns();
      r->max_read_lag_ns =
          std::max(r->max_read_lag_ns, c.transport().last_read_ns() - now);
      if (ec == http::error::need_buffer) ec = {};
      size_t n = c.body.size() - parser.get().body().size;
      if (n > 0) {
        std::string_view bytes(c.body.data(), n);
        if (!ok_status) {
          error_body.append(bytes.substr(
              0, kMaxErrorBodyBytes -
                     std::min(kMaxErrorBodyBytes, error_body.size())));
        } else if (!done && !OnBytes(c, bytes, now, r, &done)) {
          co_return Outcome::kClose;  // malformed or error event
        }
      }
      if (ec) {
        bool dropped = ec == http::error::partial_message ||
                       ec == http::error::end_of_stream ||
                       ec == asio::error::eof ||
                       ec == asio::error::connection_reset;
        FailTransport(r, c, ec,
                      dropped ? ErrorKind::kStreamDropped : ErrorKind::kIo,
                      "reading stream");
        co_return Outcome::kClose;
      }
    }
    int64_t end = NowNs();
    if (!ok_status) {
      for (char& ch : error_body) {
        if (ch == '\n' || ch == '\r') ch = ' ';
      }
      Fail(r, ErrorKind::kHttpStatus,
           "HTTP " + std::to_string(r->http_status) + ": " + error_body);
    } else {
      r->end_ns = r->chunk_ns.empty() ? end : r->chunk_ns.back();
    }
    co_return parser.keep_alive() ? Outcome::kKeep : Outcome::kClose;
  }

  // Feeds body bytes to the SSE parser and applies each event; false when
  // the request failed (the rest of the stream is abandoned).
  bool OnBytes(Connection& c, std::string_view bytes, int64_t now,
               RequestRecord* r, bool* done) {
    for (const SseEvent& event : c.sse.Feed(bytes, now)) {
      Status s = ParseStreamChunk(event.data, options.capture_text, &c.chunk);
      if (!s.ok()) {
        Fail(r, ErrorKind::kMalformedEvent, s.message());
        return false;
      }
      ChunkEffect effect =
          ApplyChunk(c.chunk, event.first_byte_ns, options.capture_text, r);
      if (effect == ChunkEffect::kFailed) {
        r->end_ns = now;
        return false;
      }
      if (effect == ChunkEffect::kDone) {
        *done = true;
        break;
      }
    }
    return true;
  }

  // A connection taken by Start() with the request (partly) written on it.
  struct Started {
    std::unique_ptr<Connection> connection;
    size_t written = 0;
  };

  // Takes an idle plain connection and writes the request on it now.
  Started StartNow(const PreparedRequest& req, RequestRecord* r) {
    Started started;
    while (!cancelled && !idle.empty() && !idle.back()->tls) {
      std::unique_ptr<Connection> c = std::move(idle.back());
      idle.pop_back();
      BuildHead(*c, req, *r);
      std::optional<size_t> written = WriteNow(*c, req);
      if (!written) {  // the server closed it while idle: try the next one
        c->Close();
        continue;
      }
      started.connection = std::move(c);
      started.written = *written;
      break;
    }
    return started;
  }

  asio::awaitable<void> Stream(const PreparedRequest& req, RequestRecord* r,
                               Started started) {
    if (cancelled) {
      if (started.connection) started.connection->Close();
      Fail(r, ErrorKind::kCancelled, "cancelled before sending");
      co_return;
    }
    int64_t deadline =
        r->send_ns + static_cast<int64_t>(options.request_timeout_s * 1e9);
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::unique_ptr<Connection> c = std::move(started.connection);
      size_t written = std::exchange(started.written, 0);
      if (!c && !idle.empty()) {
        c = std::move(idle.back());
        idle.pop_back();
      }
      bool reused = c != nullptr;
      if (!c) {
        c = co_await Connect(r, deadline);
        if (!c) co_return;
      }
      Activate(c.get(), deadline);
      Outcome outcome =
          c->tls ? co_await Exchange(*c->tls, *c, req, r, reused, written)
                 : co_await Exchange(*c->plain, *c, req, r, reused, written);
      Deactivate(c.get());
      if (outcome == Outcome::kRetry) {
        c->Close();
        ResetForRetry(r);
        continue;
      }
      if (outcome == Outcome::kKeep && !cancelled) {
        idle.push_back(std::move(c));
      } else {
        c->Close();
      }
      co_return;
    }
  }

  static void ResetForRetry(RequestRecord* r) {
    r->first_token_ns = 0;
    r->chunk_ns.clear();
    r->chunk_tokens.clear();
    r->max_read_lag_ns = 0;
    r->text.clear();
    r->http_status = 0;
  }

  void Cancel() {
    cancelled = true;
    for (Connection* c : active) c->Close();
    for (auto& c : idle) c->Close();
    idle.clear();
    sweep_timer.cancel();
  }
};

HttpClient::HttpClient(asio::io_context& io, ClientOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}
HttpClient::~HttpClient() = default;

asio::awaitable<void> HttpClient::Stream(const PreparedRequest& request,
                                         RequestRecord* record) {
  record->send_ns = NowNs();
  try {
    co_await impl_->Stream(request, record, {});
  } catch (const std::exception& e) {  // boundary: nothing escapes
    impl_->Fail(record, ErrorKind::kIo,
                std::string("client error: ") + e.what());
  }
}

void HttpClient::Start(const PreparedRequest& request, RequestRecord* record,
                       std::function<void()> done) {
  record->send_ns = NowNs();
  Impl::Started started = impl_->StartNow(request, record);
  asio::co_spawn(
      impl_->io,
      [this, &request, record,
       started = std::move(started)]() mutable -> asio::awaitable<void> {
        try {
          co_await impl_->Stream(request, record, std::move(started));
        } catch (const std::exception& e) {  // boundary: nothing escapes
          impl_->Fail(record, ErrorKind::kIo,
                      std::string("client error: ") + e.what());
        }
      },
      [done = std::move(done)](std::exception_ptr) { done(); });
}

void HttpClient::Cancel() { impl_->Cancel(); }
bool HttpClient::cancelled() const { return impl_->cancelled; }
int64_t HttpClient::connections_opened() const { return impl_->opened; }

}  // namespace infx::client
