#include "client/http_get.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <vector>

namespace infx::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

template <typename Stream>
asio::awaitable<GetReply> Exchange(Stream& stream, const Url& url,
                                   const std::string& target,
                                   const GetOptions& o, http::verb verb) {
  http::request<http::empty_body> req{verb, target, 11};
  if (verb == http::verb::post) req.content_length(0);
  req.set(http::field::host, url.HostHeader());
  req.set(http::field::user_agent, o.user_agent);
  req.set(http::field::connection, "close");
  if (!o.authorization.empty()) {
    req.set(http::field::authorization, o.authorization);
  }
  co_await http::async_write(stream, req, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.body_limit_bytes);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  GetReply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  reply.body = std::move(parser.get().body());
  co_return reply;
}

// The endpoints of url.host: a numeric address as it is, without the
// resolver (whose asynchronous form starts a thread per io_context, the
// largest CPU cost of a scrape every 100 ms), a name through it.
asio::awaitable<std::vector<asio::ip::tcp::endpoint>> Resolve(const Url& url) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(url.host, ec);
  if (!ec) co_return std::vector{asio::ip::tcp::endpoint(address, url.port)};
  asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
  const auto results = co_await resolver.async_resolve(
      url.host, std::to_string(url.port), use_awaitable);
  std::vector<asio::ip::tcp::endpoint> out;
  for (const auto& r : results) out.push_back(r.endpoint());
  co_return out;
}

// Asynchronous so that one deadline (io_context::run_for) bounds every
// step, name resolution included; Beast's synchronous calls have none.
asio::awaitable<void> Get(const Url& url, std::string target,
                          const GetOptions& o, http::verb verb,
                          asio::ssl::context* tls, GetReply* reply,
                          std::optional<Status>* outcome, std::string where) {
  try {
    auto ex = co_await asio::this_coro::executor;
    const std::vector<asio::ip::tcp::endpoint> endpoints =
        co_await Resolve(url);
    if (!url.tls()) {
      beast::tcp_stream stream(ex);
      co_await stream.async_connect(endpoints, use_awaitable);
      *reply = co_await Exchange(stream, url, target, o, verb);
    } else {
      beast::ssl_stream<beast::tcp_stream> stream(ex, *tls);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
        throw std::runtime_error("cannot set TLS server name");
      }
      if (o.verify_tls) {
        stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
      }
      co_await beast::get_lowest_layer(stream).async_connect(endpoints,
                                                             use_awaitable);
      co_await stream.async_handshake(asio::ssl::stream_base::client,
                                      use_awaitable);
      *reply = co_await Exchange(stream, url, target, o, verb);
    }
    *outcome = Status::Ok();
  } catch (const std::exception& e) {
    *outcome = Status::Unavailable(fmt::format("{}: {}", where, e.what()));
  }
}

Result<GetReply> Request(http::verb verb, const Url& url,
                         const std::string& target_suffix,
                         const GetOptions& options) {
  std::string target = url.Target(target_suffix);
  if (target.empty()) target = "/";
  const std::string where =
      fmt::format("{} {}://{}:{}{}", std::string(http::to_string(verb)),
                  url.scheme, url.host, url.port, target);
  GetReply reply;
  std::optional<Status> outcome;
  // Only https needs a TLS context, and loading the system CA store costs
  // tens of ms (hundreds under ASan): a scrape every 100 ms must stay cheap.
  std::optional<asio::ssl::context> tls;
  if (url.tls()) {
    tls.emplace(asio::ssl::context::tls_client);
    tls->set_default_verify_paths();
    tls->set_verify_mode(options.verify_tls ? asio::ssl::verify_peer
                                            : asio::ssl::verify_none);
  }
  {
    asio::io_context io(1);
    asio::co_spawn(io,
                   Get(url, target, options, verb, tls ? &*tls : nullptr,
                       &reply, &outcome, where),
                   asio::detached);
    io.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(options.timeout_s)));
  }  // an unfinished exchange is abandoned with its io_context
  if (!outcome) {
    return Status::Timeout(
        fmt::format("{}: no reply within {:g} s", where, options.timeout_s));
  }
  if (!outcome->ok()) return *outcome;
  return reply;
}

}  // namespace

Result<GetReply> HttpGet(const Url& url, const std::string& target,
                         const GetOptions& options) {
  return Request(http::verb::get, url, target, options);
}

Result<GetReply> HttpPost(const Url& url, const std::string& target,
                          const GetOptions& options) {
  return Request(http::verb::post, url, target, options);
}

}  // namespace infx::client
