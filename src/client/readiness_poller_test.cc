#include "client/readiness_poller.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/timestamped_socket.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// `n` connected pairs: server sockets and timestamped client sockets that
// wait through one poller.
struct Pairs {
  asio::io_context io;
  ReadinessPoller poller{io};
  tcp::acceptor acceptor{io,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<std::unique_ptr<tcp::socket>> servers;
  std::vector<std::unique_ptr<TimestampedSocket>> clients;
  explicit Pairs(int n) {
    for (int i = 0; i < n; ++i) {
      clients.push_back(std::make_unique<TimestampedSocket>(io));
      clients.back()->socket().connect(acceptor.local_endpoint());
      clients.back()->socket().non_blocking(true);
      servers.push_back(std::make_unique<tcp::socket>(io));
      acceptor.accept(*servers.back());
      EXPECT_TRUE(clients.back()->UsePoller(&poller));
    }
  }
};

// Reads each client to the end of its stream, appending to texts[i].
void ReadAll(Pairs& p, std::vector<std::string>* texts,
             std::vector<boost::system::error_code>* ends) {
  texts->assign(p.clients.size(), "");
  ends->assign(p.clients.size(), {});
  for (size_t i = 0; i < p.clients.size(); ++i) {
    asio::co_spawn(
        p.io,
        [&p, texts, ends, i]() -> asio::awaitable<void> {
          char buf[64];
          while (true) {
            boost::system::error_code ec;
            size_t n = co_await p.clients[i]->async_read_some(
                asio::buffer(buf),
                asio::redirect_error(asio::use_awaitable, ec));
            (*texts)[i].append(buf, n);
            if (ec) {
              (*ends)[i] = ec;
              co_return;
            }
          }
        },
        asio::detached);
  }
}

TEST(ReadinessPollerTest, ReadsManySocketsThroughOneWait) {
  // More sockets than one batch, each written several times.
  const int n = ReadinessPoller::kBatch + 7;
  Pairs p(n);
  std::vector<std::string> texts;
  std::vector<boost::system::error_code> ends;
  ReadAll(p, &texts, &ends);
  p.io.poll();  // every reader now waits on the poller
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < n; ++i) {
      asio::write(*p.servers[i], asio::buffer(std::to_string(round)));
    }
    p.io.poll();
  }
  for (auto& s : p.servers) s->close();
  p.io.run();  // returns: no read waits once all streams ended
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(texts[i], "012") << i;
    EXPECT_EQ(ends[i], asio::error::eof) << i;
  }
  EXPECT_GT(p.poller.wakeups(), 0);
}

TEST(ReadinessPollerTest, ClosingEndsAPendingReadAndTheLoopRunsOut) {
  Pairs p(2);
  std::vector<std::string> texts;
  std::vector<boost::system::error_code> ends;
  ReadAll(p, &texts, &ends);
  asio::post(p.io, [&] {
    p.clients[0]->Close();
    p.clients[1]->Close();
  });
  p.io.run();  // would hang if a closed socket's read kept waiting
  EXPECT_EQ(ends[0], asio::error::operation_aborted);
  EXPECT_EQ(ends[1], asio::error::operation_aborted);
}

TEST(ReadinessPollerTest, BytesThatArriveBeforeTheReadAreNotLost) {
  Pairs p(1);
  asio::write(*p.servers[0], asio::buffer(std::string("early")));
  p.io.poll();  // nobody reads yet
  p.io.restart();
  std::vector<std::string> texts;
  std::vector<boost::system::error_code> ends;
  ReadAll(p, &texts, &ends);
  p.servers[0]->close();
  p.io.run();
  EXPECT_EQ(texts[0], "early");
  EXPECT_EQ(ends[0], asio::error::eof);
}

TEST(ReadinessPollerTest, ASocketClosedMidBatchIsNotCalled) {
  // Reader 0 closes and destroys every other socket when it reads: their
  // events in the same batch must not reach them (ASan would see it).
  const int n = 8;
  Pairs p(n);
  std::vector<int> reads(n, 0);
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(
        p.io,
        [&p, &reads, i]() -> asio::awaitable<void> {
          char buf[16];
          boost::system::error_code ec;
          co_await p.clients[i]->async_read_some(
              asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
          ++reads[i];
          if (i == 0) {
            for (int k = 1; k < n; ++k) {
              if (p.clients[k]) p.clients[k]->Close();
              p.clients[k].reset();
            }
          }
        },
        asio::detached);
  }
  p.io.poll();
  asio::write(*p.servers[0], asio::buffer(std::string("x")));
  for (int i = 1; i < n; ++i) asio::write(*p.servers[i], asio::buffer("y", 1));
  p.io.run();
  for (int i = 0; i < n; ++i) EXPECT_EQ(reads[i], 1) << i;
}

TEST(ReadinessPollerTest, AnEndThatCameWithTheLastBytesIsStillRead) {
  // Bytes and the peer's FIN arrive together while the read waits: one
  // edge for both. The read takes the bytes (a short read, "drained"), and
  // the next one must still see the end instead of waiting for an edge
  // that never comes.
  Pairs p(1);
  std::vector<std::string> texts;
  std::vector<boost::system::error_code> ends;
  ReadAll(p, &texts, &ends);
  p.io.poll();  // the reader now waits on the poller
  asio::write(*p.servers[0], asio::buffer(std::string("last")));
  p.servers[0]->close();
  p.io.restart();
  p.io.run_for(std::chrono::seconds(10));  // bounded: a miss would hang
  EXPECT_EQ(texts[0], "last");
  EXPECT_EQ(ends[0], asio::error::eof);
}

}  // namespace
}  // namespace infx::client
