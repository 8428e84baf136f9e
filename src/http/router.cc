#include "http/router.h"

#include <utility>

namespace infx::http {

std::string_view PathOf(std::string_view target) {
  const size_t q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

void Router::Add(beast::http::verb method, std::string path, Handler handler) {
  routes_.push_back({method, std::move(path), std::move(handler)});
}

asio::awaitable<void> Router::Handle(Exchange& exchange) const {
  const auto target = exchange.request().target();
  const std::string_view path = PathOf({target.data(), target.size()});
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.path != path) continue;
    path_known = true;
    if (route.method == exchange.request().method()) {
      co_await route.handler(exchange);
      co_return;
    }
  }
  // (no co_await inside ?: — GCC 12 miscompiles it)
  std::string body = path_known ? R"({"detail":"Method Not Allowed"})"
                                : R"({"detail":"Not Found"})";
  const unsigned status = path_known ? 405 : 404;
  Status s =
      co_await exchange.Respond(status, "application/json", std::move(body));
  (void)s;
}

Handler Router::AsHandler() const {
  return [this](Exchange& exchange) { return Handle(exchange); };
}

}  // namespace infx::http
