#include "client/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace infx::client {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using metrics::ErrorKind;
using metrics::RequestRecord;

// A scripted blocking HTTP server on 127.0.0.1:0 for one test. For each
// request it calls `script(socket, request_text)`; the script writes the
// response and returns true to keep the connection open for another one.
class FakeServer {
 public:
  using Script = std::function<bool(tcp::socket&, const std::string&)>;
  explicit FakeServer(Script script)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        script_(std::move(script)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake accept() with a throwaway connection.
    tcp::socket s(io_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++connections_;
      asio::streambuf buf;
      while (true) {
        size_t n = asio::read_until(socket, buf, "\r\n\r\n", ec);
        if (ec) break;
        std::string head(asio::buffers_begin(buf.data()),
                         asio::buffers_begin(buf.data()) + n);
        buf.consume(n);
        size_t at = head.find("Content-Length: ");
        size_t length =
            at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
        if (buf.size() < length)
          asio::read(socket, buf, asio::transfer_exactly(length - buf.size()),
                     ec);
        std::string body(asio::buffers_begin(buf.data()),
                         asio::buffers_begin(buf.data()) + length);
        buf.consume(length);
        {
          std::lock_guard<std::mutex> lock(mu_);
          requests_.push_back(head + body);
        }
        if (!script_(socket, head + body)) break;
      }
      socket.close(ec);
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  Script script_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<std::string> requests_;
};

void Send(tcp::socket& s, const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
}

std::string Chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

const char* kStreamHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

std::string Event(const std::string& text) {
  return "data: {\"choices\":[{\"index\":0,\"text\":\"" + text +
         "\",\"finish_reason\":null}]}\n\n";
}

// A good three-token stream; events are split across chunks on purpose.
bool GoodStream(tcp::socket& s, const std::string&) {
  Send(s, kStreamHead);
  std::string all = Event("a") + Event("b") + Event("c") +
                    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,"
                    "\"completion_tokens\":3}}\n\ndata: [DONE]\n\n";
  for (size_t i = 0; i < all.size(); i += 37) Send(s, Chunk(all.substr(i, 37)));
  Send(s, "0\r\n\r\n");
  return true;
}

std::vector<RequestRecord> RunClient(uint16_t port, int n, double timeout_s = 5,
                                     int64_t* opened = nullptr) {
  asio::io_context io;
  ClientOptions options;
  options.base = *ParseUrl("http://127.0.0.1:" + std::to_string(port));
  options.request_timeout_s = timeout_s;
  options.capture_text = true;
  options.authorization = "Bearer secret";
  HttpClient client(io, options);
  std::vector<RequestRecord> records(n);
  PreparedRequest req{"/v1/completions", "{\"prompt\":\"hi\"}"};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < n; ++i) {
          records[i].x_request_id = "req-" + std::to_string(i);
          co_await client.Stream(req, &records[i]);
        }
      },
      asio::detached);
  io.run();
  if (opened) *opened = client.connections_opened();
  return records;
}

TEST(HttpClientTest, StreamsEventsAndReusesTheConnection) {
  FakeServer server(GoodStream);
  int64_t opened = 0;
  auto records = RunClient(server.port(), 3, 5, &opened);
  for (const RequestRecord& r : records) {
    EXPECT_EQ(r.error, ErrorKind::kNone) << r.error_message;
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.http_status, 200);
    EXPECT_EQ(r.chunk_ns.size(), 3u);
    EXPECT_EQ(r.text, "abc");
    EXPECT_EQ(r.OutputTokens(), 3);
    EXPECT_EQ(r.usage_prompt_tokens, 4);
    EXPECT_GE(r.first_token_ns, r.send_ns);
    EXPECT_EQ(r.end_ns, r.chunk_ns.back());
  }
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(server.connections(), 1);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_NE(reqs[1].find("X-Request-Id: req-1\r\n"), std::string::npos);
  EXPECT_NE(reqs[0].find("Authorization: Bearer secret\r\n"),
            std::string::npos);
  EXPECT_NE(reqs[0].find("POST /v1/completions HTTP/1.1"), std::string::npos);
  EXPECT_NE(reqs[0].find("{\"prompt\":\"hi\"}"), std::string::npos);
}

TEST(HttpClientTest, ReconnectsWhenTheServerClosedAKeptAliveConnection) {
  FakeServer server([](tcp::socket& s, const std::string& req) {
    GoodStream(s, req);
    return false;  // close after each response despite keep-alive
  });
  auto records = RunClient(server.port(), 2);
  for (const RequestRecord& r : records) EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientTest, RefusedConnection) {
  uint16_t port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  auto records = RunClient(port, 1);
  EXPECT_EQ(records[0].error, ErrorKind::kConnectRefused)
      << records[0].error_message;
  EXPECT_FALSE(records[0].ok());
}

TEST(HttpClientTest, HttpErrorStatusKeepsTheBody) {
  FakeServer server([](tcp::socket& s, const std::string&) {
    Send(s,
         "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 13\r\n\r\n"
         "engine\nfailed");
    return true;
  });
  auto records = RunClient(server.port(), 2);
  EXPECT_EQ(records[0].error, ErrorKind::kHttpStatus);
  EXPECT_EQ(records[0].http_status, 500);
  EXPECT_EQ(records[0].error_message, "HTTP 500: engine failed");
  EXPECT_EQ(records[1].error, ErrorKind::kHttpStatus);
  EXPECT_EQ(server.connections(), 1);  // 500 with keep-alive: reused
}

TEST(HttpClientTest, DroppedStream) {
  FakeServer server([](tcp::socket& s, const std::string&) {
    Send(s, kStreamHead);
    Send(s, Chunk(Event("a")));
    Send(s, "40\r\ndata: {\"cho");  // half a chunk, then close
    return false;
  });
  auto records = RunClient(server.port(), 1);
  EXPECT_EQ(records[0].error, ErrorKind::kStreamDropped)
      << records[0].error_message;
  EXPECT_EQ(records[0].chunk_ns.size(), 1u);
}

TEST(HttpClientTest, StalledStreamTimesOut) {
  std::atomic<bool> release{false};
  FakeServer server([&](tcp::socket& s, const std::string&) {
    Send(s, kStreamHead);
    Send(s, Chunk(Event("a")));
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return false;
  });
  auto start = std::chrono::steady_clock::now();
  auto records = RunClient(server.port(), 1, /*timeout_s=*/0.3);
  release = true;
  EXPECT_EQ(records[0].error, ErrorKind::kTimeout) << records[0].error_message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(HttpClientTest, MalformedEventFailsTheRequest) {
  FakeServer server([](tcp::socket& s, const std::string&) {
    Send(s, kStreamHead);
    Send(s, Chunk(Event("a") + "data: {\"choices\": [oops\n\n"));
    Send(s, Chunk(Event("b")));
    Send(s, "0\r\n\r\n");
    return true;
  });
  auto records = RunClient(server.port(), 1);
  EXPECT_EQ(records[0].error, ErrorKind::kMalformedEvent);
  EXPECT_NE(records[0].error_message.find("oops"), std::string::npos);
}

TEST(HttpClientTest, StartWritesOnAKeptAliveConnectionBeforeReturning) {
  FakeServer server(GoodStream);
  asio::io_context io;
  ClientOptions options;
  options.base = *ParseUrl("http://127.0.0.1:" + std::to_string(server.port()));
  HttpClient client(io, options);
  PreparedRequest req{"/v1/completions", "{\"prompt\":\"hi\"}"};
  std::vector<RequestRecord> records(2);
  int done = 0;
  client.Start(req, &records[0], [&] { ++done; });  // opens the connection
  io.run();
  ASSERT_EQ(done, 1);
  ASSERT_TRUE(records[0].ok()) << records[0].error_message;
  client.Start(req, &records[1], [&] { ++done; });
  // The event loop has not run since: the server can only have the request
  // if Start wrote it itself.
  for (int i = 0; i < 400 && server.requests().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_GT(records[1].send_ns, records[0].end_ns);
  io.restart();
  io.run();
  EXPECT_EQ(done, 2);
  EXPECT_TRUE(records[1].ok()) << records[1].error_message;
  EXPECT_EQ(records[1].chunk_ns.size(), 3u);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpClientTest, AuthorizationFromEnv) {
  ::setenv("INFX_TEST_KEY", "k123", 1);
  EXPECT_EQ(AuthorizationFromEnv("INFX_TEST_KEY"), "Bearer k123");
  ::unsetenv("INFX_TEST_KEY");
  EXPECT_EQ(AuthorizationFromEnv("INFX_TEST_KEY"), "");
}

// Each event in its own write, apart in time: one read per event.
bool PacedStream(tcp::socket& s, const std::string&) {
  Send(s, kStreamHead);
  for (const char* text : {"a", "b", "c"}) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Send(s, Chunk(Event(text)));
  }
  Send(s, Chunk("data: [DONE]\n\n") + "0\r\n\r\n");
  return true;
}

// The whole response in one write: its three events land in one read.
bool BurstStream(tcp::socket& s, const std::string&) {
  Send(s, kStreamHead + Chunk(Event("a") + Event("b") + Event("c")) +
              Chunk("data: [DONE]\n\n") + "0\r\n\r\n");
  return true;
}

// Runs `n` requests at once (one connection each) with the given wait mode.
std::vector<RequestRecord> RunConcurrent(uint16_t port, int n, bool poller) {
  asio::io_context io;
  ClientOptions options;
  options.base = *ParseUrl("http://127.0.0.1:" + std::to_string(port));
  options.request_timeout_s = 10;
  options.readiness_poller = poller;
  HttpClient client(io, options);
  std::vector<RequestRecord> records(n);
  PreparedRequest req{"/v1/completions", "{\"prompt\":\"hi\"}"};
  for (int i = 0; i < n; ++i) {
    records[i].x_request_id = "req-" + std::to_string(i);
    client.Start(req, &records[i], [] {});
  }
  io.run();
  return records;
}

// Events that share a timestamp with the one before (the same read).
int64_t SameStampAsPrevious(const RequestRecord& r) {
  int64_t n = 0;
  for (size_t i = 1; i < r.chunk_ns.size(); ++i) {
    n += r.chunk_ns[i] == r.chunk_ns[i - 1];
  }
  return n;
}

TEST(HttpClientTest, PacedEventsAreReadOneByOneInBothWaitModes) {
  for (bool poller : {true, false}) {
    FakeServer server(PacedStream);
    auto records = RunConcurrent(server.port(), 1, poller);
    for (const RequestRecord& r : records) {
      ASSERT_TRUE(r.ok()) << r.error_message << " poller=" << poller;
      ASSERT_EQ(r.chunk_ns.size(), 3u);
      EXPECT_EQ(r.shared_read_events, 0) << "poller=" << poller;
      EXPECT_LT(r.chunk_ns[0], r.chunk_ns[1]);
      EXPECT_LT(r.chunk_ns[1], r.chunk_ns[2]);
    }
  }
}

TEST(HttpClientTest, EventsLandingInOneReadShareItsTimestampAndAreCounted) {
  for (bool poller : {true, false}) {
    FakeServer server(BurstStream);
    auto records = RunConcurrent(server.port(), 1, poller);
    for (const RequestRecord& r : records) {
      ASSERT_TRUE(r.ok()) << r.error_message << " poller=" << poller;
      ASSERT_EQ(r.chunk_ns.size(), 3u);
      // Every event after the first of a read is counted, no more.
      EXPECT_EQ(r.shared_read_events, SameStampAsPrevious(r));
      EXPECT_GT(r.shared_read_events, 0) << "poller=" << poller;
    }
  }
}

}  // namespace
}  // namespace infx::client
