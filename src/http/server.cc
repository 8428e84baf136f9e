#include "http/server.h"

#include <sys/uio.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <optional>
#include <utility>

#include "http/rx_timestamp.h"

namespace infx::http {
namespace {

namespace bhttp = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

bool IsHttpParseError(const error_code& ec) {
  return ec.category() ==
             bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream &&
         ec != bhttp::error::partial_message;
}

// Waits up to `timeout` for a request's first bytes on `socket` and returns
// when the kernel received them (steady ns; 0 = unknown), or nullopt when
// the wait ended without bytes (timeout, close, cancellation). Peeking
// leaves the bytes for the parser.
asio::awaitable<std::optional<int64_t>> AwaitRequestBytes(
    tcp::socket& socket, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(timeout);
  timer.async_wait([&socket](error_code ec) {
    if (!ec) socket.cancel(ec);
  });
  error_code ec;
  co_await socket.async_wait(tcp::socket::wait_read,
                             asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (ec) co_return std::nullopt;
  char byte = 0;
  iovec iov{&byte, 1};
  const RxRead peeked =
      ReceiveTimestamped(socket.native_handle(), &iov, 1, /*peek=*/true);
  co_return peeked.bytes > 0 ? peeked.kernel_rx_ns : 0;
}

Clock::time_point FromSteadyNs(int64_t ns) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::nanoseconds(ns)));
}

}  // namespace

// ---------------------------------------------------------------- Exchange

Exchange::Exchange(beast::tcp_stream& stream, Request& request,
                   Clock::time_point arrival,
                   std::chrono::milliseconds write_timeout,
                   const std::atomic<bool>& stopping)
    : stream_(stream),
      request_(request),
      arrival_(arrival),
      write_timeout_(write_timeout),
      stopping_(stopping) {}

void Exchange::AddHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

asio::awaitable<Status> Exchange::Respond(unsigned status,
                                          std::string_view content_type,
                                          std::string body) {
  if (started_) co_return Status::Internal("response already started");
  started_ = true;
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status),
                                          request_.version()};
  res.set(bhttp::field::server, "infx-emulate");
  res.set(bhttp::field::content_type,
          beast::string_view(content_type.data(), content_type.size()));
  for (const auto& [name, value] : headers_) res.set(name, value);
  res.keep_alive(request_.keep_alive() && !close_);
  res.body() = std::move(body);
  res.prepare_payload();
  error_code ec;
  stream_.expires_after(write_timeout_);
  co_await bhttp::async_write(stream_, res,
                              asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    close_ = true;
    co_return Status::IoError("write response: " + ec.message());
  }
  complete_ = true;
  co_return Status::Ok();
}

asio::awaitable<Status> Exchange::BeginStream(unsigned status,
                                              std::string_view content_type) {
  if (started_) co_return Status::Internal("response already started");
  started_ = true;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status),
                                         request_.version()};
  res.set(bhttp::field::server, "infx-emulate");
  res.set(bhttp::field::content_type,
          beast::string_view(content_type.data(), content_type.size()));
  res.set(bhttp::field::cache_control, "no-cache");
  for (const auto& [name, value] : headers_) res.set(name, value);
  res.keep_alive(request_.keep_alive());
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr{res};
  error_code ec;
  stream_.expires_after(write_timeout_);
  co_await bhttp::async_write_header(
      stream_, sr, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    close_ = true;
    co_return Status::IoError("write stream header: " + ec.message());
  }
  co_return Status::Ok();
}

asio::awaitable<Status> Exchange::WriteChunk(std::string_view data) {
  if (!started_ || complete_) co_return Status::Internal("no open stream");
  error_code ec;
  stream_.expires_after(write_timeout_);
  co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data)),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    close_ = true;
    co_return Status::IoError("write chunk: " + ec.message());
  }
  co_return Status::Ok();
}

asio::awaitable<Status> Exchange::EndStream() {
  if (!started_ || complete_) co_return Status::Internal("no open stream");
  error_code ec;
  stream_.expires_after(write_timeout_);
  co_await asio::async_write(stream_, bhttp::make_chunk_last(),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    close_ = true;
    co_return Status::IoError("write last chunk: " + ec.message());
  }
  complete_ = true;
  co_return Status::Ok();
}

// -------------------------------------------------------------- HttpServer

struct HttpServer::Conn {
  explicit Conn(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a handler is running (touched on the strand only)
};

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options,
                                                      Handler handler) {
  std::unique_ptr<HttpServer> server(
      new HttpServer(options, std::move(handler)));
  const std::string where = options.host + ":" + std::to_string(options.port);
  error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec)
    return Status::InvalidArgument("bad listen address '" + options.host + "'");
  tcp::endpoint endpoint(address, options.port);
  auto acceptor =
      std::make_unique<tcp::acceptor>(asio::make_strand(server->ioc_));
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Unavailable("cannot listen on " + where + ": " +
                               ec.message());
  server->port_ = acceptor->local_endpoint().port();
  server->acceptor_ = std::move(acceptor);
  asio::co_spawn(server->acceptor_->get_executor(), server->AcceptLoop(),
                 asio::detached);
  const int threads = std::max(1, options.io_threads);
  for (int i = 0; i < threads; ++i) {
    server->threads_.emplace_back([s = server.get()] {
      for (;;) {
        try {
          s->ioc_.run();
          return;
        } catch (...) {
          // A handler escaped its coroutine root; keep serving.
        }
      }
    });
  }
  return server;
}

asio::awaitable<void> HttpServer::AcceptLoop() {
  for (;;) {
    error_code ec;
    tcp::socket socket(asio::make_strand(ioc_));
    co_await acceptor_->async_accept(
        socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_.load()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer timer(acceptor_->get_executor(),
                               std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    EnableRxTimestamps(socket.native_handle());
    auto conn = std::make_shared<Conn>(std::move(socket));
    {
      std::lock_guard lock(conns_mu_);
      if (conns_.size() > 1024) {
        std::erase_if(conns_, [](const auto& w) { return w.expired(); });
      }
      conns_.push_back(conn);
    }
    open_connections_.fetch_add(1);
    auto executor = conn->stream.get_executor();
    asio::co_spawn(
        executor, Session(std::move(conn)),
        [this](std::exception_ptr) { open_connections_.fetch_sub(1); });
  }
}

asio::awaitable<void> HttpServer::Session(std::shared_ptr<Conn> conn) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options_.max_body_bytes);
    // Arrival: when the kernel took in the request's first bytes (else when
    // it had been read), so a busy server still dates requests truly.
    int64_t first_byte_ns = 0;
    if (buffer.size() == 0) {
      auto rx = co_await AwaitRequestBytes(conn->stream.socket(),
                                           options_.idle_timeout);
      if (!rx) break;
      first_byte_ns = *rx;
    }
    conn->stream.expires_after(options_.idle_timeout);
    error_code ec;
    co_await bhttp::async_read(conn->stream, buffer, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (IsHttpParseError(ec) && !stopping_.load()) {
        bhttp::response<bhttp::string_body> res{bhttp::status::bad_request, 11};
        res.set(bhttp::field::content_type, "text/plain");
        res.keep_alive(false);
        res.body() = "Bad Request: " + ec.message() + "\n";
        res.prepare_payload();
        conn->stream.expires_after(options_.write_timeout);
        co_await bhttp::async_write(
            conn->stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    }
    const Clock::time_point arrival =
        first_byte_ns != 0 ? FromSteadyNs(first_byte_ns) : Clock::now();
    Request request = parser.release();
    Exchange exchange(conn->stream, request, arrival, options_.write_timeout,
                      stopping_);
    conn->busy = true;
    bool failed = false;
    try {
      co_await handler_(exchange);
    } catch (const std::exception&) {
      failed = true;
    }
    conn->busy = false;
    if (failed && !exchange.response_started()) {
      exchange.CloseConnection();
      Status s = co_await exchange.Respond(500, "text/plain",
                                           "Internal Server Error\n");
      (void)s;
    }
    if (!exchange.response_complete() || exchange.close_requested() ||
        !request.keep_alive() || stopping_.load()) {
      break;
    }
  }
  error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn->stream.socket().close(ignored);
}

void HttpServer::CloseIdleConnections() {
  std::vector<std::shared_ptr<Conn>> live;
  {
    std::lock_guard lock(conns_mu_);
    for (auto& weak : conns_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& conn : live) {
    asio::post(conn->stream.get_executor(), [conn] {
      if (!conn->busy) conn->stream.cancel();
    });
  }
}

void HttpServer::Stop() {
  if (stopped_.exchange(true)) return;
  stopping_.store(true);
  if (!acceptor_) return;  // Start failed before serving
  asio::post(acceptor_->get_executor(), [this] {
    error_code ignored;
    acceptor_->close(ignored);
  });
  CloseIdleConnections();
  const auto deadline = Clock::now() + options_.shutdown_grace;
  int rounds = 0;
  while (open_connections_.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (++rounds % 5 == 0) CloseIdleConnections();
  }
  ioc_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  // The posted close may not have run before stop(); no thread runs now.
  error_code ignored;
  acceptor_->close(ignored);
}

}  // namespace infx::http
