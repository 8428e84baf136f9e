// A blocking, deadline-bounded HTTP/1.1 GET for control-plane checks of a
// serving target: is the launched engine healthy (/health, /v1/models),
// what version is it (/version, /props), which model does a URL target
// serve. A thin form of the client's control-plane GET (client/http_get.h);
// the load itself goes through client::HttpClient.
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

// GET http://host:port/target within `timeout_s` seconds (connect + reply),
// with `authorization` ("Bearer <key>") as the Authorization header when
// not empty. Unavailable when the connection is refused or reset, Timeout
// at the deadline. The reply may have any status.
Result<HttpReply> HttpGet(const std::string& host, uint16_t port,
                          const std::string& target, double timeout_s,
                          const std::string& authorization = "");

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
