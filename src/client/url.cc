#include "client/url.h"

#include <charconv>

namespace infx::client {

std::string Url::HostHeader() const {
  bool default_port = (tls() && port == 443) || (!tls() && port == 80);
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + std::to_string(port);
}

Result<Url> ParseUrl(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("bad URL '" + std::string(text) +
                                   "': " + why);
  };
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return bad("expected http:// or https://");
  url.scheme = std::string(text.substr(0, sep));
  for (char& c : url.scheme) c = static_cast<char>(std::tolower(c));
  if (url.scheme != "http" && url.scheme != "https") {
    return bad("unsupported scheme '" + url.scheme + "'");
  }
  std::string_view rest = text.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad("credentials in the URL are not supported; use --api-key-env");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return bad("unterminated IPv6 literal");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return bad("empty host");
  url.port = url.tls() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), value);
    if (ec != std::errc() || p != port_text.data() + port_text.size() ||
        value == 0 || value > 65535) {
      return bad("port '" + std::string(port_text) + "' is not in 1..65535");
    }
    url.port = static_cast<uint16_t>(value);
  }
  size_t query = path.find_first_of("?#");
  if (query != std::string_view::npos) path = path.substr(0, query);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path = std::string(path);
  return url;
}

}  // namespace infx::client
