// DashboardServer: `infx serve` — the dashboard's single-page app (static
// files from a web root) and its read-only JSON API (web/api.h) over a
// results store, on the http module's Beast server.
//
// Security: only GET is answered (anything else is 405: the server never
// writes); every response carries a Content-Security-Policy that allows
// scripts from the server itself only (no inline script, no eval, nothing
// from elsewhere), nosniff and no framing. With an auth token set, /api/
// requests need "Authorization: Bearer <token>" (401 otherwise); the token
// is never logged or echoed.
//
// Caching: API bodies are cached per request target and dropped when the
// store's change token moves; each carries ETag = that token, and a
// matching If-None-Match gets 304.
//
// Thread-safety: Start/Stop/port from any thread; requests are served on
// the server's I/O threads (the cache and store are locked).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/server.h"

namespace infx::web {

// The Content-Security-Policy every response carries.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct DashboardOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  // Directory of index.html, app.js, app.css; "" = none (the server then
  // answers "/" with a page saying how to build the front end).
  std::string web_root;
  std::string auth_token;  // "" = API open (on loopback)
  int io_threads = 4;
};

class DashboardServer {
 public:
  // Opens the store at `store_location` (an SQLite path or a PostgreSQL
  // URL, which must exist) for reading, reads it once, then listens.
  static Result<std::unique_ptr<DashboardServer>> Start(
      DashboardOptions options, const std::string& store_location);
  // "sqlite:out/quickstart.db" (password elided).
  const std::string& store_description() const { return description_; }
  ~DashboardServer();
  uint16_t port() const;
  void Stop();

  struct State;  // shared with the request handler

 private:
  DashboardServer() = default;
  std::shared_ptr<State> state_;
  std::string description_;
  std::unique_ptr<http::HttpServer> server_;
};

// Whether `host` is a loopback address or "localhost" (serve warns
// otherwise).
bool IsLoopbackHost(const std::string& host);

}  // namespace infx::web
