// Router: dispatches requests to handlers by method and exact path (query
// string ignored). Unknown paths get 404 and known paths with the wrong
// method 405, both with a JSON body {"detail": "..."} as FastAPI (vLLM's
// server framework) sends.
//
// Thread-safety: build with Add before serving; Handle is then const and
// safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/server.h"

namespace infx::http {

class Router {
 public:
  void Add(beast::http::verb method, std::string path, Handler handler);
  asio::awaitable<void> Handle(Exchange& exchange) const;
  // A Handler that calls Handle on this router (which must outlive it).
  Handler AsHandler() const;

 private:
  struct Route {
    beast::http::verb method;
    std::string path;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// "/v1/completions?x=1" -> "/v1/completions".
std::string_view PathOf(std::string_view target);

}  // namespace infx::http
