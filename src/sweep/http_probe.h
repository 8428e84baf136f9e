// A blocking, deadline-bounded HTTP/1.1 GET for control-plane checks of a
// serving target: is the launched engine healthy (/health, /v1/models),
// what version is it (/version), which model does a URL target serve. Not
// for load: the load generator has its own client.
//
// Thread-safety: each call is independent (own io_context).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace infx::sweep {

struct HttpReply {
  int status = 0;
  std::string body;
};

// GET http://host:port/target within `timeout_s` seconds (connect + reply).
// Unavailable when the connection is refused or reset, Timeout at the
// deadline. The reply may have any status.
Result<HttpReply> HttpGet(const std::string& host, uint16_t port,
                          const std::string& target, double timeout_s);

// Splits "http://host:port/path" into host, port and path (no TLS).
struct HostPort {
  std::string host;
  uint16_t port = 80;
  std::string path;  // "" or "/v1"
};
Result<HostPort> ParseHttpUrl(const std::string& url);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0).
Result<uint16_t> PickFreePort();

}  // namespace infx::sweep
