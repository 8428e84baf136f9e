#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/prometheus.h"
#include "http/router.h"
#include "http/sse.h"
#include "http/test_client.h"

namespace infx::http {
namespace {

namespace bhttp = beast::http;
using testing::Get;
using testing::Post;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(bhttp::verb::get, "/hello",
                [](Exchange& ex) -> asio::awaitable<void> {
                  Status s = co_await ex.Respond(200, "text/plain", "hi");
                  (void)s;
                });
    router_.Add(
        bhttp::verb::post, "/echo", [](Exchange& ex) -> asio::awaitable<void> {
          Status s =
              co_await ex.Respond(200, "text/plain", ex.request().body());
          (void)s;
        });
    router_.Add(
        bhttp::verb::get, "/stream", [](Exchange& ex) -> asio::awaitable<void> {
          Status s = co_await ex.BeginStream(200, kSseContentType);
          for (int i = 0; i < 3 && s.ok(); ++i) {
            asio::steady_timer t(ex.executor(), std::chrono::milliseconds(2));
            co_await t.async_wait(asio::use_awaitable);
            const std::string event = SseEvent(std::to_string(i));
            s = co_await ex.WriteChunk(event);
          }
          if (s.ok()) s = co_await ex.WriteChunk(kSseDone);
          if (s.ok()) s = co_await ex.EndStream();
          (void)s;
        });
    router_.Add(bhttp::verb::get, "/throw",
                [](Exchange&) -> asio::awaitable<void> {
                  throw std::runtime_error("boom");
                  co_return;
                });
    auto server = HttpServer::Start(ServerOptions{}, router_.AsHandler());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, RoutesAndStatusCodes) {
  auto r = Get(server_->port(), "/hello?x=1");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "hi");
  EXPECT_EQ(Get(server_->port(), "/nope").status, 404u);
  EXPECT_EQ(Post(server_->port(), "/hello", "{}").status, 405u);
  EXPECT_EQ(Post(server_->port(), "/echo", "abc").body, "abc");
}

TEST_F(ServerTest, StreamsServerSentEvents) {
  auto r = Get(server_->port(), "/stream");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(testing::SsePayloads(r.body),
            (std::vector<std::string>{"0", "1", "2", "[DONE]"}));
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  const std::string one = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string last =
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string out =
      testing::RawExchange(server_->port(), one + one + last);
  size_t count = 0;
  for (size_t p = out.find("HTTP/1.1 200"); p != std::string::npos;
       p = out.find("HTTP/1.1 200", p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u);
}

TEST_F(ServerTest, MalformedHttpGets400) {
  const std::string out =
      testing::RawExchange(server_->port(), "GARBAGE\x01\x02 / HTTP/9\r\n\r\n");
  EXPECT_NE(out.find("400 Bad Request"), std::string::npos) << out;
  // Still serving afterwards.
  EXPECT_EQ(Get(server_->port(), "/hello").status, 200u);
}

TEST_F(ServerTest, HandlerExceptionGives500AndServerSurvives) {
  EXPECT_EQ(Get(server_->port(), "/throw").status, 500u);
  EXPECT_EQ(Get(server_->port(), "/hello").status, 200u);
}

TEST_F(ServerTest, StopIsIdempotentAndRefusesNewConnections) {
  const uint16_t port = server_->port();
  server_->Stop();
  server_->Stop();
  EXPECT_EQ(Get(port, "/hello").status, 0u);
}

TEST(StartTest, BadAddressAndPortInUseAreErrors) {
  ServerOptions bad;
  bad.host = "not-an-ip";
  auto r = HttpServer::Start(
      bad, [](Exchange&) -> asio::awaitable<void> { co_return; });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not-an-ip"), std::string::npos);
  auto first = HttpServer::Start(
      ServerOptions{}, [](Exchange&) -> asio::awaitable<void> { co_return; });
  ASSERT_TRUE(first.ok());
  ServerOptions same;
  same.port = (*first)->port();
  auto second = HttpServer::Start(
      same, [](Exchange&) -> asio::awaitable<void> { co_return; });
  EXPECT_FALSE(second.ok());
}

TEST(SseTest, FramesEventsAndEscapesNewlines) {
  EXPECT_EQ(SseEvent("{\"a\":1}"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(SseEvent("a\nb"), "data: a\\nb\n\n");
}

TEST(PrometheusTest, RendersCountersGaugesAndHistograms) {
  Histogram h({0.1, 1.0});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5.0);
  PrometheusWriter w;
  w.AddCounter("vllm:prompt_tokens_total", "Prompt tokens.", "model_name=\"m\"",
               12);
  w.AddGauge("vllm:num_requests_running", "Running.", "model_name=\"m\"", 3);
  w.AddHistogram("vllm:ttft", "TTFT.", "model_name=\"m\"", h.Read());
  const std::string& t = w.text();
  EXPECT_NE(t.find("# TYPE vllm:prompt_tokens counter\n"), std::string::npos);
  EXPECT_NE(t.find("vllm:prompt_tokens_total{model_name=\"m\"} 12.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:num_requests_running{model_name=\"m\"} 3.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:ttft_bucket{model_name=\"m\",le=\"0.1\"} 1.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:ttft_bucket{model_name=\"m\",le=\"1.0\"} 2.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:ttft_bucket{model_name=\"m\",le=\"+Inf\"} 3.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:ttft_count{model_name=\"m\"} 3.0\n"),
            std::string::npos);
  EXPECT_NE(t.find("vllm:ttft_sum{model_name=\"m\"} 5.55\n"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::http
