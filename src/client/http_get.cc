#include "client/http_get.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>

namespace infx::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Thrown inside this file only, for the deadline.
struct DeadlineExceeded : std::exception {};

template <typename Stream>
GetReply Exchange(Stream& stream, const Url& url, const std::string& target,
                  const GetOptions& o) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, url.HostHeader());
  req.set(http::field::user_agent, o.user_agent);
  req.set(http::field::connection, "close");
  if (!o.authorization.empty()) {
    req.set(http::field::authorization, o.authorization);
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.body_limit_bytes);
  http::read(stream, buffer, parser);
  GetReply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  reply.body = std::move(parser.get().body());
  return reply;
}

GetReply Get(const Url& url, const std::string& target, const GetOptions& o) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, std::to_string(url.port));
  const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(o.timeout_s));
  if (!url.tls()) {
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(endpoints);
    return Exchange(stream, url, target, o);
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(o.verify_tls ? asio::ssl::verify_peer
                                   : asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw std::runtime_error("cannot set TLS server name");
  }
  if (o.verify_tls) {
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  }
  beast::get_lowest_layer(stream).expires_after(timeout);
  beast::get_lowest_layer(stream).connect(endpoints);
  stream.handshake(asio::ssl::stream_base::client);
  return Exchange(stream, url, target, o);
}

}  // namespace

Result<GetReply> HttpGet(const Url& url, const std::string& target_suffix,
                         const GetOptions& options) {
  std::string target = url.Target(target_suffix);
  if (target.empty()) target = "/";
  const std::string where =
      fmt::format("GET {}://{}:{}{}", url.scheme, url.host, url.port, target);
  try {
    return Get(url, target, options);
  } catch (const boost::system::system_error& e) {
    if (e.code() == beast::error::timeout) {
      return Status::Timeout(
          fmt::format("{}: no reply within {:g} s", where, options.timeout_s));
    }
    return Status::Unavailable(fmt::format("{}: {}", where, e.what()));
  } catch (const std::exception& e) {
    return Status::Unavailable(fmt::format("{}: {}", where, e.what()));
  }
}

}  // namespace infx::client
