// Url: the parts of an http(s) base URL the client needs to connect and to
// build request targets ("http://host:8000/v1" -> host, 8000, "/v1").
//
// Thread-safety: plain values and a pure parse function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace infx::client {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // name or IPv4 literal; IPv6 literal without []
  uint16_t port = 0;   // explicit or the scheme's default (80 / 443)
  std::string path;    // "" or "/v1" (no trailing slash)
  bool tls() const { return scheme == "https"; }
  // Value of the Host header: "host" or "host:port" when not the default.
  std::string HostHeader() const;
  // path + suffix, e.g. Target("/v1/completions").
  std::string Target(std::string_view suffix) const {
    return path + std::string(suffix);
  }
};

// Parses "http[s]://host[:port][/path]". InvalidArgument names the URL and
// what is wrong (scheme, port, empty host).
Result<Url> ParseUrl(std::string_view text);

}  // namespace infx::client
