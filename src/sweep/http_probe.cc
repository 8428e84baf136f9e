#include "sweep/http_probe.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

namespace infx::sweep {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

asio::awaitable<void> DoGet(std::string host, uint16_t port, std::string target,
                            HttpReply* reply, std::optional<Status>* error) {
  try {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                     asio::use_awaitable);
    beast::tcp_stream stream(ex);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, fmt::format("{}:{}", host, port));
    req.set(http::field::connection, "close");
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    reply->status = static_cast<int>(res.result_int());
    reply->body = std::move(res.body());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    *error = Status::Ok();
  } catch (const boost::system::system_error& e) {
    *error = Status::Unavailable(
        fmt::format("GET http://{}:{}{}: {}", host, port, target, e.what()));
  }
}

}  // namespace

Result<HttpReply> HttpGet(const std::string& host, uint16_t port,
                          const std::string& target, double timeout_s) {
  asio::io_context io;
  HttpReply reply;
  std::optional<Status> error;
  asio::co_spawn(io, DoGet(host, port, target, &reply, &error), asio::detached);
  io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(timeout_s)));
  if (!error) {
    return Status::Timeout(
        fmt::format("GET http://{}:{}{}: no reply within "
                    "{:g} s",
                    host, port, target, timeout_s));
  }
  if (!error->ok()) return *error;
  return reply;
}

Result<HostPort> ParseHttpUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    return Status::InvalidArgument(fmt::format(
        "URL '{}': only http:// URLs are supported for targets", url));
  }
  std::string rest = url.substr(scheme.size());
  HostPort hp;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    hp.path = rest.substr(slash);
    rest = rest.substr(0, slash);
    while (!hp.path.empty() && hp.path.back() == '/') hp.path.pop_back();
  }
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    int value = 0;
    try {
      value = std::stoi(port);
    } catch (const std::exception&) {
      value = -1;
    }
    if (value <= 0 || value > 65535) {
      return Status::InvalidArgument(
          fmt::format("URL '{}': bad port '{}'", url, port));
    }
    hp.port = static_cast<uint16_t>(value);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    return Status::InvalidArgument(fmt::format("URL '{}': empty host", url));
  }
  hp.host = rest;
  return hp;
}

Result<uint16_t> PickFreePort() {
  try {
    asio::io_context io;
    tcp::acceptor acceptor(
        io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    return Status::IoError(
        fmt::format("cannot find a free port: {}", e.what()));
  }
}

}  // namespace infx::sweep
