// HttpServer: a Boost.Beast HTTP/1.1 server, one C++20 coroutine per
// connection, keep-alive, a timeout on every socket operation, and graceful
// shutdown. Handlers are coroutines that get an Exchange through which they
// send one full response or a chunked stream (Server-Sent Events).
//
// Malformed HTTP gets "400 Bad Request" and the connection closes; exceptions
// thrown by a handler are caught at the coroutine root (500 if nothing was
// sent yet) and never take the server down.
//
// Thread-safety: Start/Stop/port are safe from any thread. Each connection
// runs on its own strand, so a handler and everything it posts to
// Exchange::executor() run serialized.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange
// clang-format on
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"

namespace infx::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Request = beast::http::request<beast::http::string_body>;
using Status = ::infx::Status;
using Clock = std::chrono::steady_clock;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port
  int io_threads = 1;
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive idle / read
  std::chrono::milliseconds write_timeout{30'000};  // each write
  uint64_t max_body_bytes = 16ull << 20;
  // How long Stop waits for in-flight handlers before forcing.
  std::chrono::milliseconds shutdown_grace{5'000};
};

// One request/response exchange on a connection. Owned by the connection
// coroutine; valid for the duration of the handler call.
class Exchange {
 public:
  Exchange(beast::tcp_stream& stream, Request& request,
           Clock::time_point arrival, std::chrono::milliseconds write_timeout,
           const std::atomic<bool>& stopping);

  const Request& request() const { return request_; }
  // When the request's first bytes reached the host (kernel receive time),
  // or when it had been read where the kernel gives no timestamp.
  Clock::time_point arrival() const { return arrival_; }
  asio::any_io_executor executor() { return stream_.get_executor(); }
  bool server_stopping() const { return stopping_.load(); }

  // Sends a complete response. Fails (IoError) when the peer went away.
  asio::awaitable<Status> Respond(unsigned status,
                                  std::string_view content_type,
                                  std::string body);
  // Starts a chunked response (e.g. text/event-stream) ...
  asio::awaitable<Status> BeginStream(unsigned status,
                                      std::string_view content_type);
  // ... sends one chunk (one write on the socket) ...
  asio::awaitable<Status> WriteChunk(std::string_view data);
  // ... and ends it with the last chunk.
  asio::awaitable<Status> EndStream();

  // Close the connection once the handler returns, sending nothing more (a
  // stream left unfinished is seen by the client as a dropped connection).
  void CloseConnection() { close_ = true; }
  // Adds a header to the next Respond/BeginStream.
  void AddHeader(std::string name, std::string value);

  bool response_complete() const { return complete_; }
  bool response_started() const { return started_; }
  bool close_requested() const { return close_; }

 private:
  beast::tcp_stream& stream_;
  Request& request_;
  Clock::time_point arrival_;
  std::chrono::milliseconds write_timeout_;
  const std::atomic<bool>& stopping_;
  std::vector<std::pair<std::string, std::string>> headers_;
  bool started_ = false;
  bool complete_ = false;
  bool close_ = false;
};

using Handler = std::function<asio::awaitable<void>(Exchange&)>;

class HttpServer {
 public:
  // Binds and listens; serving starts on io_threads threads. Fails with
  // Unavailable naming host:port when the bind fails.
  static Result<std::unique_ptr<HttpServer>> Start(ServerOptions options,
                                                   Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  // Stops accepting and closes idle connections; in-flight handlers may
  // finish (they see Exchange::server_stopping()) for up to shutdown_grace,
  // then everything is cancelled. Joins the threads. Idempotent.
  void Stop();
  int64_t open_connections() const { return open_connections_.load(); }

 private:
  struct Conn;
  HttpServer(ServerOptions options, Handler handler);
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Session(std::shared_ptr<Conn> conn);
  void CloseIdleConnections();

  ServerOptions options_;
  Handler handler_;
  asio::io_context ioc_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<int64_t> open_connections_{0};
  std::mutex conns_mu_;
  std::vector<std::weak_ptr<Conn>> conns_;
};

}  // namespace infx::http
