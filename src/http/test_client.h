// Test-only minimal HTTP/1.1 client (header-only, not part of the library):
// blocking round trips and a coroutine request for load tests. Production
// code uses src/client/.
//
// Thread-safety: free functions; each call uses its own socket.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange
// clang-format on
#include <string>
#include <vector>

namespace infx::http::testing {

namespace tasio = boost::asio;
namespace tbeast = boost::beast;

struct TestResponse {
  unsigned status = 0;  // 0 = transport failure
  std::string body;     // de-chunked
  std::string content_type;
  std::string error;  // transport error text
};

inline tbeast::http::request<tbeast::http::string_body> MakeTestRequest(
    tbeast::http::verb method, const std::string& target,
    const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  tbeast::http::request<tbeast::http::string_body> req{method, target, 11};
  req.set(tbeast::http::field::host, "127.0.0.1");
  if (!body.empty())
    req.set(tbeast::http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  return req;
}

// One request on a fresh connection, blocking.
inline TestResponse Fetch(
    uint16_t port, tbeast::http::verb method, const std::string& target,
    const std::string& body = "",
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  TestResponse out;
  tasio::io_context ioc;
  tbeast::tcp_stream stream(ioc);
  tbeast::error_code ec;
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(
      tasio::ip::tcp::endpoint(tasio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return {0, "", "", ec.message()};
  auto req = MakeTestRequest(method, target, body, headers);
  tbeast::http::write(stream, req, ec);
  if (ec) return {0, "", "", ec.message()};
  tbeast::flat_buffer buffer;
  tbeast::http::response<tbeast::http::string_body> res;
  tbeast::http::read(stream, buffer, res, ec);
  if (ec) return {0, "", "", ec.message()};
  out.status = res.result_int();
  out.body = res.body();
  out.content_type = std::string(res[tbeast::http::field::content_type]);
  return out;
}

inline TestResponse Post(
    uint16_t port, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return Fetch(port, tbeast::http::verb::post, target, body, headers);
}

inline TestResponse Get(uint16_t port, const std::string& target) {
  return Fetch(port, tbeast::http::verb::get, target);
}

// Sends raw bytes and returns whatever comes back until the peer closes.
inline std::string RawExchange(uint16_t port, const std::string& bytes) {
  tasio::io_context ioc;
  tbeast::tcp_stream stream(ioc);
  tbeast::error_code ec;
  stream.expires_after(std::chrono::seconds(20));
  stream.connect(
      tasio::ip::tcp::endpoint(tasio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "";
  tasio::write(stream, tasio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    size_t n = stream.read_some(tasio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

// Coroutine POST on a fresh connection (for many concurrent streams).
inline tasio::awaitable<TestResponse> CoPost(uint16_t port, std::string target,
                                             std::string body) {
  TestResponse out;
  auto executor = co_await tasio::this_coro::executor;
  tbeast::tcp_stream stream(executor);
  tbeast::error_code ec;
  stream.expires_after(std::chrono::seconds(120));
  co_await stream.async_connect(
      tasio::ip::tcp::endpoint(tasio::ip::make_address("127.0.0.1"), port),
      tasio::redirect_error(tasio::use_awaitable, ec));
  if (ec) {
    out.error = "connect: " + ec.message();
    co_return out;
  }
  stream.socket().set_option(tasio::ip::tcp::no_delay(true), ec);
  auto req = MakeTestRequest(tbeast::http::verb::post, target, body, {});
  co_await tbeast::http::async_write(
      stream, req, tasio::redirect_error(tasio::use_awaitable, ec));
  if (ec) {
    out.error = "write: " + ec.message();
    co_return out;
  }
  tbeast::flat_buffer buffer;
  tbeast::http::response<tbeast::http::string_body> res;
  co_await tbeast::http::async_read(
      stream, buffer, res, tasio::redirect_error(tasio::use_awaitable, ec));
  if (ec) {
    out.error = "read: " + ec.message();
    co_return out;
  }
  out.status = res.result_int();
  out.body = std::move(res.body());
  co_return out;
}

// Splits an SSE body into the payloads of its "data: " events.
inline std::vector<std::string> SsePayloads(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) end = body.size();
    std::string event = body.substr(pos, end - pos);
    if (event.rfind("data: ", 0) == 0) out.push_back(event.substr(6));
    pos = end + 2;
  }
  return out;
}

}  // namespace infx::http::testing
