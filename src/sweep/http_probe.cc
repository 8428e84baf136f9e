#include "sweep/http_probe.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "client/http_get.h"

namespace infx::sweep {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

}  // namespace

Result<HttpReply> HttpGet(const std::string& host, uint16_t port,
                          const std::string& target, double timeout_s,
                          const std::string& authorization) {
  client::Url url;
  url.scheme = "http";
  url.host = host;
  url.port = port;
  client::GetOptions options;
  options.timeout_s = timeout_s;
  options.authorization = authorization;
  INFX_ASSIGN_OR_RETURN(client::GetReply reply,
                        client::HttpGet(url, target, options));
  return HttpReply{reply.status, std::move(reply.body)};
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
