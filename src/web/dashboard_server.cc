#include "web/dashboard_server.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <map>
#include <mutex>

#include "common/files.h"
#include "http/router.h"
#include "store/change_watcher.h"
#include "store/results_store.h"
#include "web/api.h"
#include "web/snapshot.h"
#include "web/static_files.h"

namespace infx::web {

struct DashboardServer::State {
  DashboardOptions options;
  SnapshotCache snapshots;
  std::mutex cache_mu;
  std::string cache_token;
  std::map<std::string, ApiResponse> cache;  // target -> response

  State(DashboardOptions o, std::unique_ptr<store::ResultsStore> store,
        std::unique_ptr<store::ChangeWatcher> watcher)
      : options(std::move(o)),
        snapshots(std::move(store), std::move(watcher)) {}
};

namespace {

namespace bhttp = boost::beast::http;
using State = DashboardServer::State;

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><meta charset=utf-8><title>infx serve</title>"
    "<h1>infx serve</h1><p>The dashboard's front end was not found beside "
    "the infx binary (its <code>web-app/</code> folder). Build it with "
    "<code>scripts/setup.sh</code> (npm ci) and <code>scripts/build.sh"
    "</code>, or pass <code>--web-dir</code>. The JSON API is served: try "
    "<a href=\"/api/runs\">/api/runs</a> (docs/api.md).</p>";

template <typename S>
std::string_view SV(const S& s) {
  return std::string_view(s.data(), s.size());
}

bool TokenMatches(const std::string& expected, std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.substr(0, kBearer.size()) != kBearer) return false;
  header.remove_prefix(kBearer.size());
  if (header.size() != expected.size()) return false;
  unsigned char diff = 0;  // constant time in the token's length
  for (size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(expected[i] ^ header[i]);
  }
  return diff == 0;
}

void SecurityHeaders(http::Exchange& ex) {
  ex.AddHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
  ex.AddHeader("X-Content-Type-Options", "nosniff");
  ex.AddHeader("X-Frame-Options", "DENY");
  ex.AddHeader("Referrer-Policy", "no-referrer");
  ex.AddHeader("Cache-Control", "no-cache");
}

std::string ErrorJson(std::string_view message) {
  return nlohmann::json{{"error", message}}.dump();
}

// The cached (or freshly computed) API response; its ETag in *etag.
ApiResponse ApiFor(State& st, const std::string& target, std::string* etag) {
  auto snap = st.snapshots.Get();
  if (!snap.ok()) {
    return {503, "application/json", ErrorJson(snap.status().message())};
  }
  *etag =
      fmt::format("\"{}\"", std::hash<std::string>{}((*snap)->change_token));
  {
    std::lock_guard lock(st.cache_mu);
    if (st.cache_token != (*snap)->change_token) {
      st.cache.clear();
      st.cache_token = (*snap)->change_token;
    }
    auto it = st.cache.find(target);
    if (it != st.cache.end()) return it->second;
  }
  ApiResponse r = HandleApi(**snap, target);
  if (r.status == 200) {
    std::lock_guard lock(st.cache_mu);
    if (st.cache.size() > 256) st.cache.clear();  // bound memory
    if (st.cache_token == (*snap)->change_token) st.cache[target] = r;
  }
  return r;
}

http::asio::awaitable<void> ServeApi(State& st, http::Exchange& ex,
                                     const std::string& target) {
  if (!st.options.auth_token.empty() &&
      !TokenMatches(st.options.auth_token,
                    SV(ex.request()[bhttp::field::authorization]))) {
    ex.AddHeader("WWW-Authenticate", "Bearer");
    co_await ex.Respond(401, "application/json",
                        ErrorJson("missing or wrong bearer token"));
    co_return;
  }
  std::string etag;
  ApiResponse r = ApiFor(st, target, &etag);
  if (r.status == 200 && !etag.empty()) {
    ex.AddHeader("ETag", etag);
    if (SV(ex.request()[bhttp::field::if_none_match]) == etag) {
      co_await ex.Respond(304, r.content_type, "");
      co_return;
    }
  }
  co_await ex.Respond(r.status, r.content_type, std::move(r.body));
}

http::asio::awaitable<void> ServeStatic(State& st, http::Exchange& ex,
                                        std::string_view path) {
  if (st.options.web_root.empty()) {
    if (path == "/" || path == "/index.html") {
      co_await ex.Respond(200, "text/html; charset=utf-8",
                          std::string(kNotBuiltPage));
    } else {
      co_await ex.Respond(404, "application/json", ErrorJson("not found"));
    }
    co_return;
  }
  auto file = ResolveStatic(st.options.web_root, path);
  if (!file.ok()) {
    const unsigned code =
        file.status().code() == ErrorCode::kInvalidArgument ? 400 : 404;
    co_await ex.Respond(code, "application/json",
                        ErrorJson(file.status().message()));
    co_return;
  }
  auto body = ReadFile(file->path);
  if (!body.ok()) {
    co_await ex.Respond(404, "application/json",
                        ErrorJson(body.status().message()));
    co_return;
  }
  co_await ex.Respond(200, file->content_type, std::move(*body));
}

http::asio::awaitable<void> Handle(std::shared_ptr<State> st,
                                   http::Exchange& ex) {
  SecurityHeaders(ex);
  if (ex.request().method() != bhttp::verb::get) {
    ex.AddHeader("Allow", "GET");
    co_await ex.Respond(405, "application/json",
                        ErrorJson("infx serve is read-only: GET only"));
    co_return;
  }
  const std::string target(SV(ex.request().target()));
  const std::string_view path = http::PathOf(target);
  if (path.substr(0, 5) == "/api/") {
    co_await ServeApi(*st, ex, target);
  } else {
    co_await ServeStatic(*st, ex, path);
  }
}

}  // namespace

Result<std::unique_ptr<DashboardServer>> DashboardServer::Start(
    DashboardOptions options, const std::string& store_location) {
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenResultsStoreReadOnly(store_location));
  INFX_ASSIGN_OR_RETURN(auto watcher,
                        store::ChangeWatcher::Open(store_location));
  std::unique_ptr<DashboardServer> d(new DashboardServer());
  d->description_ = store->Describe();
  d->state_ =
      std::make_shared<State>(options, std::move(store), std::move(watcher));
  // Read the store once before listening: a broken store fails here.
  INFX_RETURN_IF_ERROR(d->state_->snapshots.Get().status());
  http::ServerOptions so;
  so.host = options.host;
  so.port = options.port;
  so.io_threads = options.io_threads;
  auto state = d->state_;
  INFX_ASSIGN_OR_RETURN(
      d->server_, http::HttpServer::Start(so, [state](http::Exchange& ex) {
        return Handle(state, ex);
      }));
  return d;
}

DashboardServer::~DashboardServer() { Stop(); }

uint16_t DashboardServer::port() const { return server_->port(); }

void DashboardServer::Stop() {
  if (server_) server_->Stop();
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(host, ec);
  return !ec && addr.is_loopback();
}

}  // namespace infx::web
