// A scripted SSE server for the bench unit tests (infx_http's HttpServer):
// streams max_tokens tokens 1 ms apart and reports usage with the prompt
// length it received; ServerState switches on failures, an echoed
// Authorization header and prompt truncation. (Text that is not UTF-8 and
// other misbehaviour: client/misbehaving_server.h.)
//
// Thread-safety: ServerState fields are atomics or guarded by `mu`.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/server.h"
#include "http/sse.h"

namespace infx::bench {

namespace asio = boost::asio;

struct ServerState {
  std::atomic<int> in_flight{0}, max_in_flight{0}, requests{0};
  std::atomic<bool> fail_all{false};
  std::mutex mu;
  std::vector<std::string> request_ids;
  // The request with this X-Request-Id misbehaves as `odd` says:
  // "echo_auth" (401 echoing the Authorization header).
  std::string odd_request_id;
  std::string odd;
  // > 0: usage reports at most this many prompt tokens (truncation).
  std::atomic<int> truncate_prompt_to{0};
};

// Prompt tokens of a completions body (token ids), else 3.
inline int PromptTokensOf(const nlohmann::json& body) {
  const auto& p = body.contains("prompt") ? body["prompt"] : nlohmann::json();
  return p.is_array() ? static_cast<int>(p.size()) : 3;
}

inline std::unique_ptr<http::HttpServer> StartServer(
    std::shared_ptr<ServerState> st) {
  http::Handler handler = [st](http::Exchange& ex) -> asio::awaitable<void> {
    ++st->requests;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      st->request_ids.emplace_back(ex.request()["X-Request-Id"]);
    }
    const bool odd =
        std::string(ex.request()["X-Request-Id"]) == st->odd_request_id;
    if (odd && st->odd == "echo_auth") {
      co_await ex.Respond(
          401, "text/plain",
          "invalid key: " + std::string(ex.request()["Authorization"]));
      co_return;
    }
    if (st->fail_all) {
      co_await ex.Respond(500, "application/json", "{\"error\":\"injected\"}");
      co_return;
    }
    auto body = nlohmann::json::parse(ex.request().body());
    int n = body.value("max_tokens", 1);
    int now = ++st->in_flight;
    int prev = st->max_in_flight.load();
    while (now > prev && !st->max_in_flight.compare_exchange_weak(prev, now)) {
    }
    (void)co_await ex.BeginStream(200, http::kSseContentType);
    asio::steady_timer timer(ex.executor());
    for (int i = 0; i < n; ++i) {
      timer.expires_after(std::chrono::milliseconds(1));
      co_await timer.async_wait(asio::use_awaitable);
      nlohmann::json chunk = {{"choices",
                               {{{"index", 0},
                                 {"text", "t" + std::to_string(i)},
                                 {"finish_reason", nullptr}}}}};
      std::string event = chunk.dump();
      if (!(co_await ex.WriteChunk(http::SseEvent(event))).ok()) {
        --st->in_flight;  // client went away
        co_return;
      }
    }
    nlohmann::json usage = {
        {"choices", nlohmann::json::array()},
        {"usage",
         {{"prompt_tokens",
           st->truncate_prompt_to > 0
               ? std::min(st->truncate_prompt_to.load(), PromptTokensOf(body))
               : PromptTokensOf(body)},
          {"completion_tokens", n}}}};
    (void)co_await ex.WriteChunk(http::SseEvent(usage.dump()));
    (void)co_await ex.WriteChunk(http::kSseDone);
    --st->in_flight;
    (void)co_await ex.EndStream();
  };
  auto server = http::HttpServer::Start(http::ServerOptions{}, handler);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

}  // namespace infx::bench
