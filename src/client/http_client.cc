#include "client/http_client.h"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "client/connection.h"
#include "client/deadline_sweep.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using metrics::ErrorKind;
using metrics::RequestRecord;

int64_t SecondsToNs(double s) { return static_cast<int64_t>(s * 1e9); }

// The peer closed the connection (as opposed to a local or protocol error).
bool ClosedByPeer(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe ||
         ec == beast::http::error::end_of_stream ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

std::string AuthorizationFromEnv(const std::string& env_var) {
  if (env_var.empty()) return "";
  const char* value = std::getenv(env_var.c_str());
  if (value == nullptr || *value == '\0') return "";
  return std::string("Bearer ") + value;
}

struct HttpClient::Impl {
  // How an exchange on a connection ended.
  enum class Outcome { kKeep, kClose, kRetry };

  Impl(asio::io_context& io_in, ClientOptions options_in)
      : io(io_in),
        options(std::move(options_in)),
        clock(options.clock ? *options.clock : SteadyClock::Instance()),
        ssl_ctx(asio::ssl::context::tls_client),
        poller(io_in),
        sweep(io_in, clock,
              DeadlineSweep::Period(options.connect_timeout_s,
                                    options.request_timeout_s,
                                    options.idle_timeout_s),
              SecondsToNs(options.idle_timeout_s)) {
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
    reader_options.capture_text = options.capture_text;
    reader_options.max_event_bytes = options.max_event_bytes;
    reader_options.body_buffer_bytes = options.read_buffer_bytes;
    scratch.resize(std::max<size_t>(options.read_buffer_bytes, 1));
  }

  asio::io_context& io;
  ClientOptions options;
  const Clock& clock;
  asio::ssl::context ssl_ctx;
  ReadinessPoller poller;  // before the connections, which use it
  ReaderOptions reader_options;
  std::string header_prefix;  // constant header lines
  std::optional<std::vector<tcp::endpoint>> endpoints;
  std::vector<std::unique_ptr<Connection>> idle;
  std::vector<char> scratch;  // what a read-each read reads into
  DeadlineSweep sweep;        // the deadlines of the connections in use
  bool cancelled = false;
  int64_t opened = 0;
  int64_t stop_epoch = 0;   // bumped by StopInFlight
  std::string stop_reason;  // why StopInFlight ended requests

  int64_t Now() const { return clock.NowNs(); }

  void Activate(Connection* c, int64_t deadline_ns) {
    sweep.Activate(c, deadline_ns);
  }
  void Deactivate(Connection* c) { sweep.Deactivate(c); }

  void Fail(RequestRecord* r, ErrorKind kind, std::string message) {
    FailRequest(r, kind, std::move(message), Now());
  }
  // Maps a transport error to a record error, considering timeouts,
  // --duration stops and cancellation that closed the socket under it.
  void FailTransport(RequestRecord* r, const Connection& c,
                     const beast::error_code& ec, ErrorKind kind,
                     const std::string& during) {
    using ClosedBy = Connection::ClosedBy;
    if (cancelled) {
      Fail(r, ErrorKind::kCancelled, "cancelled");
    } else if (c.closed_by == ClosedBy::kStop) {
      Fail(r, ErrorKind::kCancelled, stop_reason + " (" + during + ")");
    } else if (c.closed_by == ClosedBy::kDeadline) {
      Fail(r, ErrorKind::kTimeout,
           "no complete response within " +
               std::to_string(options.request_timeout_s) + " s (" + during +
               ")");
    } else if (c.closed_by == ClosedBy::kIdle) {
      Fail(r, ErrorKind::kTimeout,
           "stream stalled: no bytes for " +
               std::to_string(options.idle_timeout_s) +
               " s (--idle-timeout) (" + during + ")");
    } else {
      Fail(r, kind, during + ": " + ec.message());
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

  // Opens a connection for `r` (TCP_NODELAY, TLS handshake for https) and
  // records that it did and how long it took; nullptr and an error in *r
  // on failure.
  asio::awaitable<std::unique_ptr<Connection>> Connect(RequestRecord* r,
                                                       int64_t deadline_ns) {
    const int64_t start = Now();
    r->new_connection = true;
    if (!co_await Resolve(r)) co_return nullptr;
    auto c = std::make_unique<Connection>(
        io, options.base.tls() ? &ssl_ctx : nullptr, reader_options,
        options.read_buffer_bytes);
    Activate(c.get(), std::min(deadline_ns,
                               start + SecondsToNs(options.connect_timeout_s)));
    beast::error_code ec;
    std::string during = "connect";
    co_await asio::async_connect(c->socket(), *endpoints,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      c->socket().set_option(tcp::no_delay(true), ec);
      c->transport().EnableTimestamps();
      c->socket().non_blocking(true, ec);  // Start() writes without blocking
      if (options.readiness_poller) c->transport().UsePoller(&poller);
      c->transport().set_user_space_dating(options.user_space_dating);
      ec = {};
      during = "TLS handshake";
      if (c->tls) co_await Handshake(*c, ec);
    }
    Deactivate(c.get());
    r->connect_ns = Now() - start;
    if (ec) {
      bool refused = ec == asio::error::connection_refused ||
                     ec == asio::error::host_unreachable ||
                     ec == asio::error::network_unreachable;
      FailTransport(
          r, *c, ec,
          refused ? ErrorKind::kConnectRefused : ErrorKind::kConnectFailed,
          during);
      c->Close();
      co_return nullptr;
    }
    ++opened;
    co_return c;
  }

  asio::awaitable<void> Handshake(Connection& c, beast::error_code& ec) {
    SSL_set_tlsext_host_name(c.tls->native_handle(), options.base.host.c_str());
    if (options.verify_tls) {
      c.tls->set_verify_callback(
          asio::ssl::host_name_verification(options.base.host));
    }
    co_await c.tls->async_handshake(
        asio::ssl::stream_base::client,
        asio::redirect_error(asio::use_awaitable, ec));
  }

  // Sends the request (the first `written` bytes went out in Start()) and
  // reads its response.
  template <typename Stream>
  asio::awaitable<Outcome> Exchange(Stream& stream, Connection& c,
                                    const PreparedRequest& req,
                                    RequestRecord* r, bool reused,
                                    size_t written) {
    if (written == 0) {
      c.BuildHead(req.target, header_prefix, r->x_request_id, req.body.size());
    }
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(c.head),
                                                 asio::buffer(req.body)};
    beast::buffers_suffix<std::array<asio::const_buffer, 2>> rest(buffers);
    rest.consume(written);
    beast::error_code ec;
    co_await asio::async_write(stream, rest,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (reused && Retriable(c)) co_return Outcome::kRetry;
      FailTransport(r, c, ec, ErrorKind::kIo, "sending request");
      co_return Outcome::kClose;
    }
    co_return co_await ReadResponse(stream, c, r, reused);
  }

  // The socket was not closed by us (deadline, stop, cancel).
  bool Retriable(const Connection& c) const {
    return c.closed_by == Connection::ClosedBy::kNone && !cancelled;
  }

  // What one read (`bytes`, then `ec`) did to the response; nullopt while
  // it goes on. Each read is dated by the kernel.
  std::optional<Outcome> OnRead(Connection& c, RequestRecord* r, bool reused,
                                std::string_view bytes,
                                const beast::error_code& ec) {
    if (!bytes.empty()) {
      const int64_t rx = c.transport().last_rx_ns();
      r->max_read_lag_ns =
          std::max(r->max_read_lag_ns, c.transport().last_read_ns() - rx);
      auto state = c.reader.Feed(bytes, rx, Now(), r);
      if (state == ResponseReader::State::kDone) {
        return c.reader.keep_alive() ? Outcome::kKeep : Outcome::kClose;
      }
      if (state == ResponseReader::State::kFailed) return Outcome::kClose;
      c.body_activity = c.reader.body_started();
    }
    if (!ec) return std::nullopt;
    const bool peer = ClosedByPeer(ec) && Retriable(c);
    // A kept-alive connection the server had closed: resend elsewhere.
    if (peer && reused && !c.reader.received_any()) return Outcome::kRetry;
    if (peer) {
      c.reader.FeedEof(Now(), r);
    } else {
      FailTransport(r, c, ec, ErrorKind::kIo,
                    c.reader.header_done() ? "reading stream"
                                           : "reading response header");
    }
    return Outcome::kClose;
  }

  // Reads raw bytes into the connection's ResponseReader until the
  // response is done or failed.
  template <typename Stream>
  asio::awaitable<Outcome> ReadResponse(Stream& stream, Connection& c,
                                        RequestRecord* r, bool reused) {
    c.reader.Reset();
    if constexpr (std::is_same_v<Stream, TimestampedSocket>) {
      if (stream.polled()) co_return co_await ReadEach(stream, c, r, reused);
    }
    while (true) {
      beast::error_code ec;
      size_t n = co_await stream.async_read_some(
          asio::buffer(c.raw), asio::redirect_error(asio::use_awaitable, ec));
      if (auto outcome = OnRead(c, r, reused, {c.raw.data(), n}, ec)) {
        co_return *outcome;
      }
    }
  }

  // Hands each read of the response to OnRead() from the poller's wake-up.
  struct ResponseSink final : TimestampedSocket::ReadSink {
    ResponseSink(Impl* i, Connection* conn, RequestRecord* rec, bool reuse)
        : impl(i), c(conn), r(rec), reused(reuse) {}
    bool OnRead(size_t n, const beast::error_code& ec) override {
      outcome = impl->OnRead(*c, r, reused, {impl->scratch.data(), n}, ec);
      return outcome.has_value();
    }
    Impl* impl;
    Connection* c;
    RequestRecord* r;
    bool reused;
    std::optional<Outcome> outcome;
  };

  // The whole response in one asynchronous operation (plain TCP through
  // the poller): no coroutine resumption per read. Its reads go to the
  // client's one scratch buffer, consumed before the next read of any
  // connection, so 512 streams touch 4 KiB of read buffer, not 2 MiB.
  asio::awaitable<Outcome> ReadEach(TimestampedSocket& socket, Connection& c,
                                    RequestRecord* r, bool reused) {
    ResponseSink sink(this, &c, r, reused);
    beast::error_code ec;
    co_await socket.async_read_each(
        asio::buffer(scratch), &sink,
        asio::redirect_error(asio::use_awaitable, ec));
    if (sink.outcome) co_return *sink.outcome;
    // Closed under the read (deadline, stop, cancel) before the sink ended.
    if (!ec) ec = asio::error::operation_aborted;
    co_return OnRead(c, r, reused, {}, ec).value_or(Outcome::kClose);
  }

  // A connection taken by Start() with the request (partly) written on it.
  struct Started {
    std::unique_ptr<Connection> connection;
    size_t written = 0;
  };

  // An idle kept-alive connection that passes the reuse check; dead ones
  // are closed on the way. nullptr when none.
  std::unique_ptr<Connection> TakeIdle(bool plain_only) {
    while (!cancelled && !idle.empty()) {
      if (plain_only && idle.back()->tls) return nullptr;
      std::unique_ptr<Connection> c = std::move(idle.back());
      idle.pop_back();
      if (c->Reusable()) return c;
      c->Close();
    }
    return nullptr;
  }

  // Takes an idle plain connection and writes the request on it now.
  Started StartNow(const PreparedRequest& req, RequestRecord* r) {
    Started started;
    while (auto c = TakeIdle(/*plain_only=*/true)) {
      c->BuildHead(req.target, header_prefix, r->x_request_id, req.body.size());
      std::optional<size_t> written = c->WriteNow(req.body);
      if (!written) {  // the server closed it after all: try the next one
        c->Close();
        continue;
      }
      started.connection = std::move(c);
      started.written = *written;
      break;
    }
    return started;
  }

  // Runs one request to its end: completed, or failed with a reason.
  asio::awaitable<void> Stream(const PreparedRequest& req, RequestRecord* r,
                               Started started, int64_t epoch) {
    const int64_t deadline =
        r->send_ns + SecondsToNs(options.request_timeout_s);
    std::unique_ptr<Connection> c = std::move(started.connection);
    size_t written = started.written;
    if (!c) c = TakeIdle(/*plain_only=*/false);
    bool reused = c != nullptr;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (cancelled || epoch != stop_epoch) {
        if (c) c->Close();
        Fail(r, ErrorKind::kCancelled,
             cancelled ? "cancelled before sending" : stop_reason);
        co_return;
      }
      if (!c) {
        c = co_await Connect(r, deadline);
        if (!c) co_return;
        reused = false;
      }
      Activate(c.get(), deadline);
      Outcome outcome =
          c->tls ? co_await Exchange(*c->tls, *c, req, r, reused, written)
                 : co_await Exchange(*c->plain, *c, req, r, reused, written);
      Deactivate(c.get());
      if (outcome == Outcome::kKeep && !cancelled) {
        idle.push_back(std::move(c));
      } else {
        c->Close();
        c.reset();
      }
      if (outcome != Outcome::kRetry) break;
      // The kept-alive connection was dead: resend on a NEW connection.
      ResetForRetry(r);
      written = 0;
    }
    if (r->error == ErrorKind::kNone && r->end_ns == 0) {
      Fail(r, ErrorKind::kIo, "the request ended without a response");
    }
  }

  static void ResetForRetry(RequestRecord* r) {
    r->first_token_ns = 0;
    r->chunk_ns.clear();
    r->chunk_tokens.clear();
    r->max_read_lag_ns = 0;
    r->shared_read_events = 0;
    r->text.clear();
    r->http_status = 0;
    r->retried = true;
  }

  void StopInFlight(const std::string& reason) {
    ++stop_epoch;
    stop_reason = reason;
    for (Connection* c : sweep.active()) {
      if (c->closed_by != Connection::ClosedBy::kNone) continue;
      c->closed_by = Connection::ClosedBy::kStop;
      c->Close();
    }
  }

  void Cancel() {
    cancelled = true;
    for (Connection* c : sweep.active()) c->Close();
    for (auto& c : idle) c->Close();
    idle.clear();
    sweep.Stop();
  }
};

HttpClient::HttpClient(asio::io_context& io, ClientOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}
HttpClient::~HttpClient() = default;

asio::awaitable<void> HttpClient::Stream(const PreparedRequest& request,
                                         RequestRecord* record) {
  record->send_ns = impl_->Now();
  try {
    co_await impl_->Stream(request, record, {}, impl_->stop_epoch);
  } catch (const std::exception& e) {  // boundary: nothing escapes
    impl_->Fail(record, ErrorKind::kIo,
                std::string("client error: ") + e.what());
  }
}

void HttpClient::Start(const PreparedRequest& request, RequestRecord* record,
                       std::function<void()> done) {
  record->send_ns = impl_->Now();
  Impl::Started started = impl_->StartNow(request, record);
  asio::co_spawn(
      impl_->io,
      [this, &request, record, started = std::move(started),
       epoch = impl_->stop_epoch]() mutable -> asio::awaitable<void> {
        try {
          co_await impl_->Stream(request, record, std::move(started), epoch);
        } catch (const std::exception& e) {  // boundary: nothing escapes
          impl_->Fail(record, ErrorKind::kIo,
                      std::string("client error: ") + e.what());
        }
      },
      [done = std::move(done)](std::exception_ptr) { done(); });
}

void HttpClient::StopInFlight(const std::string& reason) {
  impl_->StopInFlight(reason);
}
void HttpClient::Cancel() { impl_->Cancel(); }
bool HttpClient::cancelled() const { return impl_->cancelled; }
int64_t HttpClient::connections_opened() const { return impl_->opened; }

}  // namespace infx::client
