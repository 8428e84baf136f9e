// HttpGet: the client's one-shot, blocking GET for control-plane requests
// (is a server up, what version is it, which models does it serve, download
// a data file), and HttpPost, the same exchange as a POST with an empty
// body for control endpoints (vLLM's /reset_prefix_cache): http or https
// (certificate and host name verified unless told otherwise), an optional
// Authorization header, one deadline for connect + request + whole reply, the
// whole body returned. The load path (streams timed into records) is
// HttpClient; this is everything else, so the sweep's probes and eval's
// downloads share the client's URL parsing, TLS setup and error mapping instead
// of carrying their own clients.
//
// Thread-safety: each call is independent (own io_context); call from any
// thread.
#pragma once

#include <cstddef>
#include <string>

#include "client/url.h"
#include "common/result.h"

namespace infx::client {

struct GetOptions {
  double timeout_s = 10;      // connect + request + reply
  std::string authorization;  // full header value ("Bearer ..."), or ""
  bool verify_tls = true;     // https: check certificate and host name
  size_t body_limit_bytes = 256u << 20;
  std::string user_agent = "infx";
};

struct GetReply {
  int status = 0;  // HTTP status; any status is a reply
  std::string body;
};

// GET url.Target(target) (target "" = "/"). Unavailable when the server
// cannot be reached or the exchange breaks (the message names the URL and
// the cause, never the authorization), Timeout at the deadline.
Result<GetReply> HttpGet(const Url& url, const std::string& target,
                         const GetOptions& options = {});

// POST url.Target(target) with an empty body (Content-Length: 0); replies
// and errors as HttpGet.
Result<GetReply> HttpPost(const Url& url, const std::string& target,
                          const GetOptions& options = {});

}  // namespace infx::client
