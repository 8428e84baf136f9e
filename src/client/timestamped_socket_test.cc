#include "client/timestamped_socket.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "client/clock.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A connected pair: `server` (plain socket) and `client` (timestamped).
struct Pair {
  asio::io_context io;
  tcp::acceptor acceptor{io,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::socket server{io};
  TimestampedSocket client{io};
  Pair() {
    client.socket().connect(acceptor.local_endpoint());
    acceptor.accept(server);
    EXPECT_TRUE(client.EnableTimestamps());
    WaitUntilTheKernelDates();
  }
  // Timestamping starts in deferred kernel work when no other socket has
  // it on; until then received bytes come undated.
  void WaitUntilTheKernelDates() {
    for (int i = 0; i < 500; ++i) {
      asio::write(server, asio::buffer("w", 1));
      char byte;
      iovec iov{&byte, 1};
      http::RxRead read;
      do {
        read =
            http::ReceiveTimestamped(client.socket().native_handle(), &iov, 1);
      } while (read.bytes < 0 && read.error == EAGAIN);
      if (read.kernel_rx_ns != 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ADD_FAILURE() << "the kernel never dated received bytes";
  }
};

// Reads once through the Asio interface (as Beast does).
size_t ReadOnce(Pair& p, std::string* out, boost::system::error_code* ec) {
  char buf[256];
  size_t n = 0;
  asio::co_spawn(
      p.io,
      [&]() -> asio::awaitable<void> {
        n = co_await p.client.async_read_some(
            asio::buffer(buf), asio::redirect_error(asio::use_awaitable, *ec));
      },
      asio::detached);
  p.io.restart();
  p.io.run();
  out->assign(buf, n);
  return n;
}

TEST(TimestampedSocketTest, DatesBytesWhenTheKernelReceivedThemNotWhenRead) {
  Pair p;
  const int64_t before_write = NowNs();
  asio::write(p.server, asio::buffer(std::string("hello")));
  // The reader is late on purpose: the date must not move with it.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  std::string got;
  boost::system::error_code ec;
  ReadOnce(p, &got, &ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, "hello");
  EXPECT_GE(p.client.last_rx_ns(), before_write);
  EXPECT_GE(p.client.last_read_ns() - p.client.last_rx_ns(), 25'000'000)
      << "read lag must show the 30 ms the reader slept";
}

TEST(TimestampedSocketTest, WaitsWhenEmptyThenReadsWhatArrives) {
  Pair p;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    asio::write(p.server, asio::buffer(std::string("late")));
  });
  std::string got;
  boost::system::error_code ec;
  ReadOnce(p, &got, &ec);
  writer.join();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, "late");
  EXPECT_LE(p.client.last_rx_ns(), p.client.last_read_ns());
}

TEST(TimestampedSocketTest, EndOfStreamIsEof) {
  Pair p;
  p.server.close();
  std::string got;
  boost::system::error_code ec;
  ReadOnce(p, &got, &ec);
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_TRUE(got.empty());
}

TEST(TimestampedSocketTest, ClosingCancelsAPendingRead) {
  Pair p;
  asio::post(p.io, [&] {
    boost::system::error_code ignored;
    p.client.socket().close(ignored);
  });
  std::string got;
  boost::system::error_code ec;
  ReadOnce(p, &got, &ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace infx::client
