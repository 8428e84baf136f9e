// MisbehavingServer: a TEST FIXTURE (header only, not part of any library)
// that serves OpenAI-style streamed completions on 127.0.0.1:<ephemeral>
// and misbehaves on request, so client, driver and bench tests can drive
// both load shapes against the failures seen from real servers: closing
// after every response (llama.cpp), 204 / empty / HTML 200, a stream that is
// only [DONE], a non-streamed JSON reply, non-UTF-8 error bodies and events,
// a line that never ends, a stalled stream, 1xx interim responses.
//
// One thread per connection (blocking Asio sockets); for each request the
// `choose` function picks the Behavior from the request's 0-based arrival
// index and its text. The destructor stops every connection (stalls and
// endless lines included) and joins.
//
// Thread-safety: construct and destroy on one thread; the accessors may be
// called from any thread while it serves.
#pragma once

// clang-format off
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
// clang-format on

namespace infx::client::testing {

enum class Reply {
  kGoodStream,    // `tokens` token events, a usage event, [DONE] (chunked)
  kNoContent204,  // HTTP 204, no body
  kEmpty200,      // HTTP 200, Content-Length: 0
  kHtml200,       // HTTP 200 text/html page
  kDoneOnly,      // an event stream that is only "data: [DONE]"
  kJson200,       // a non-streamed JSON completion (application/json)
  kEndlessLine,   // an event stream whose line never ends (until closed)
  kStall,         // header and one token event, then silence (until closed)
  kInterim,       // "HTTP/1.1 100 Continue" and a 103, then kGoodStream
  kLatin1Error,   // HTTP 500 whose body is Latin-1 (invalid UTF-8)
  kCutUtf8Error,  // HTTP 500, 600-byte body with "é" straddling byte 512
  kNonUtf8Event,  // a good stream whose first token text has a 0xFF byte
};

struct Behavior {
  Reply reply = Reply::kGoodStream;
  int tokens = 3;
  // Close the connection after the response, without announcing it (no
  // "Connection: close"): what llama.cpp's server does.
  bool close_after = false;
  bool announce_close = false;  // send "Connection: close" (and close)
};

class MisbehavingServer {
 public:
  using Choose = std::function<Behavior(int index, const std::string& request)>;

  explicit MisbehavingServer(Behavior all)
      : MisbehavingServer([all](int, const std::string&) { return all; }) {}
  explicit MisbehavingServer(Choose choose)
      : acceptor_(io_, boost::asio::ip::tcp::endpoint(
                           boost::asio::ip::make_address("127.0.0.1"), 0)),
        choose_(std::move(choose)) {
    acceptor_.listen(1024);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~MisbehavingServer() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket wake(io_);  // unblocks accept()
    wake.connect(acceptor_.local_endpoint(), ec);
    accept_thread_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& s : sockets_) s.shutdown(s.shutdown_both, ec);
    }
    for (std::thread& t : threads_) t.join();
  }
  MisbehavingServer(const MisbehavingServer&) = delete;
  MisbehavingServer& operator=(const MisbehavingServer&) = delete;

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port());
  }
  int connections() const { return connections_; }
  int requests_served() const { return requests_; }
  // Connections this server has shut down (after close_after, a stall...).
  int connections_closed() const { return closed_; }

  // The pieces of a good stream, for tests that assemble their own.
  static std::string Chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  }
  static std::string TokenEvent(const std::string& text) {
    return "data: {\"choices\":[{\"index\":0,\"text\":\"" + text +
           "\",\"finish_reason\":null}]}\n\n";
  }

 private:
  using tcp = boost::asio::ip::tcp;

  void AcceptLoop() {
    while (!stop_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++connections_;
      std::lock_guard<std::mutex> lock(mu_);
      sockets_.push_back(std::move(socket));
      tcp::socket* s = &sockets_.back();
      threads_.emplace_back([this, s] { Serve(*s); });
    }
  }

  // Reads one request (head + Content-Length body); false at EOF.
  static bool ReadRequest(tcp::socket& s, boost::asio::streambuf& buf,
                          std::string* out) {
    boost::system::error_code ec;
    size_t n = boost::asio::read_until(s, buf, "\r\n\r\n", ec);
    if (ec) return false;
    auto begin = boost::asio::buffers_begin(buf.data());
    std::string head(begin, begin + n);
    buf.consume(n);
    size_t at = head.find("Content-Length: ");
    size_t length =
        at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    if (buf.size() < length) {
      boost::asio::read(s, buf,
                        boost::asio::transfer_exactly(length - buf.size()), ec);
      if (ec) return false;
    }
    begin = boost::asio::buffers_begin(buf.data());
    *out = head + std::string(begin, begin + length);
    buf.consume(length);
    return true;
  }

  void Serve(tcp::socket& s) {
    boost::asio::streambuf buf;
    std::string request;
    while (!stop_ && ReadRequest(s, buf, &request)) {
      Behavior b = choose_(requests_++, request);
      if (!Respond(s, b) || b.close_after || b.announce_close) break;
    }
    boost::system::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    ++closed_;
  }

  bool Send(tcp::socket& s, const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(s, boost::asio::buffer(bytes), ec);
    return !ec;
  }

  // Waits until the peer closes or the server stops.
  void WaitForClose(tcp::socket& s) {
    while (!stop_) {
      pollfd p{s.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char c;
        if (::recv(s.native_handle(), &c, 1, MSG_DONTWAIT) <= 0) return;
      }
    }
  }

  static std::string Head(const std::string& status, const std::string& type,
                          const Behavior& b, const std::string& length) {
    std::string h = "HTTP/1.1 " + status + "\r\n";
    if (!type.empty()) h += "Content-Type: " + type + "\r\n";
    h += length.empty() ? "Transfer-Encoding: chunked\r\n"
                        : "Content-Length: " + length + "\r\n";
    if (b.announce_close) h += "Connection: close\r\n";
    return h + "\r\n";
  }
  static std::string Fixed(const std::string& status, const std::string& type,
                           const Behavior& b, const std::string& body) {
    return Head(status, type, b, std::to_string(body.size())) + body;
  }

  static std::string GoodEvents(const Behavior& b, const std::string& first) {
    std::string all;
    for (int i = 0; i < b.tokens; ++i) all += TokenEvent(i == 0 ? first : "t");
    all +=
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,"
        "\"completion_tokens\":" +
        std::to_string(b.tokens) + "}}\n\n";
    return all + "data: [DONE]\n\n";
  }

  bool Respond(tcp::socket& s, const Behavior& b) {
    const std::string sse = "text/event-stream";
    switch (b.reply) {
      case Reply::kGoodStream:
      case Reply::kNonUtf8Event:
        return Send(s, Head("200 OK", sse, b, "") +
                           Chunk(GoodEvents(b, b.reply == Reply::kGoodStream
                                                   ? "t"
                                                   : "caf\xE9\xFF")) +
                           "0\r\n\r\n");
      case Reply::kInterim:
        return Send(s,
                    "HTTP/1.1 100 Continue\r\n\r\n"
                    "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n") &&
               Respond(s, Behavior{Reply::kGoodStream, b.tokens, b.close_after,
                                   b.announce_close});
      case Reply::kNoContent204:
        return Send(
            s,
            "HTTP/1.1 204 No Content\r\n" +
                std::string(b.announce_close ? "Connection: close\r\n" : "") +
                "\r\n");
      case Reply::kEmpty200:
        return Send(s, Fixed("200 OK", sse, b, ""));
      case Reply::kHtml200:
        return Send(s, Fixed("200 OK", "text/html", b,
                             "<html><body>It works!</body></html>\n"));
      case Reply::kDoneOnly:
        return Send(s, Fixed("200 OK", sse, b, "data: [DONE]\n\n"));
      case Reply::kJson200:
        return Send(s, Fixed("200 OK", "application/json", b,
                             "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":"
                             "\"hello\",\"finish_reason\":\"length\"}]}"));
      case Reply::kLatin1Error:
        return Send(s, Fixed("500 Internal Server Error", "text/plain", b,
                             "mod\xE8le introuvable: caf\xE9"));
      case Reply::kCutUtf8Error:
        return Send(s, Fixed("500 Internal Server Error", "text/plain", b,
                             std::string(511, 'x') + "\xC3\xA9" +
                                 std::string(87, 'y')));
      case Reply::kEndlessLine: {
        if (!Send(s, Head("200 OK", sse, b, "") + Chunk("data: {\"choices\"")))
          return false;
        const std::string filler = Chunk(std::string(16384, ' '));
        while (!stop_ && Send(s, filler)) {
        }
        return false;
      }
      case Reply::kStall:
        if (!Send(s, Head("200 OK", sse, b, "") + Chunk(TokenEvent("a"))))
          return false;
        WaitForClose(s);
        return false;
    }
    return false;
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  Choose choose_;
  std::thread accept_thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, requests_{0}, closed_{0};
  std::mutex mu_;
  std::list<tcp::socket> sockets_;  // stable addresses for the threads
  std::vector<std::thread> threads_;
};

}  // namespace infx::client::testing
