#include "client/readiness_poller.h"

#include <gtest/gtest.h>

#include <array>
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

// Collects what async_read_each() hands over; done once it has seen `end`
// (or an error).
struct Sink final : TimestampedSocket::ReadSink {
  explicit Sink(char* buffer, std::string end_marker = "")
      : buf(buffer), end(std::move(end_marker)) {}
  bool OnRead(size_t n, const boost::system::error_code& ec) override {
    ++reads;
    text.append(buf, n);
    if (ec) last_error = ec;
    return ec || (!end.empty() && text.find(end) != std::string::npos);
  }
  char* buf;
  std::string end;
  std::string text;
  int reads = 0;
  boost::system::error_code last_error;
};

// Starts async_read_each on client i; *completions counts its completions
// and *ends keeps the error it completed with.
void ReadEach(Pairs& p, size_t i, char* buf, size_t size, Sink* sink,
              int* completions, boost::system::error_code* end) {
  asio::co_spawn(
      p.io,
      [&p, i, buf, size, sink, completions, end]() -> asio::awaitable<void> {
        boost::system::error_code ec;
        co_await p.clients[i]->async_read_each(
            asio::buffer(buf, size), sink,
            asio::redirect_error(asio::use_awaitable, ec));
        ++*completions;
        *end = ec;
      },
      asio::detached);
}

TEST(ReadEachTest, EveryReadReachesTheSinkAndTheOperationCompletesOnce) {
  const int n = ReadinessPoller::kBatch + 7;
  Pairs p(n);
  std::vector<std::array<char, 64>> bufs(n);
  std::vector<std::unique_ptr<Sink>> sinks;
  std::vector<int> completions(n, 0);
  std::vector<boost::system::error_code> ends(n);
  for (int i = 0; i < n; ++i) {
    sinks.push_back(std::make_unique<Sink>(bufs[i].data(), "END"));
    ReadEach(p, i, bufs[i].data(), bufs[i].size(), sinks[i].get(),
             &completions[i], &ends[i]);
  }
  p.io.poll();  // every operation now waits on the poller
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < n; ++i) {
      asio::write(*p.servers[i], asio::buffer(std::to_string(round)));
    }
    p.io.poll();
  }
  for (int i = 0; i < n; ++i)
    asio::write(*p.servers[i], asio::buffer("END", 3));
  p.io.restart();
  p.io.run();  // returns: the operations completed, nothing waits
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(sinks[i]->text, "012END") << i;
    EXPECT_GE(sinks[i]->reads, 4) << i;  // one read per write, or more
    EXPECT_EQ(completions[i], 1) << i;
    EXPECT_FALSE(ends[i]) << i;
  }
}

TEST(ReadEachTest, BytesAlreadyThereAreReadButNeverCompleteInsideTheCall) {
  Pairs p(1);
  asio::write(*p.servers[0], asio::buffer(std::string("whole END")));
  p.io.poll();  // the edge is consumed by nobody
  p.io.restart();
  std::array<char, 64> buf{};
  Sink sink(buf.data(), "END");
  int completions = 0;
  boost::system::error_code end;
  bool initiating = true, completed_inside = false;
  p.clients[0]->async_read_each(asio::buffer(buf), &sink,
                                [&](boost::system::error_code ec) {
                                  completed_inside = initiating;
                                  ++completions;
                                  end = ec;
                                });
  initiating = false;
  EXPECT_EQ(sink.text, "whole END");       // read at once, completed later
  p.io.run_for(std::chrono::seconds(10));  // bounded: a miss would hang
  EXPECT_EQ(sink.text, "whole END");
  EXPECT_EQ(completions, 1);
  EXPECT_FALSE(end);
  EXPECT_FALSE(completed_inside);
}

TEST(ReadEachTest, TheNextOperationGetsWhatFollowsOnTheSameSocket) {
  // A kept-alive connection: one response after another.
  Pairs p(1);
  std::array<char, 64> buf{};
  std::string texts;
  for (const char* reply : {"one.", "two."}) {
    Sink sink(buf.data(), ".");
    int completions = 0;
    boost::system::error_code end;
    ReadEach(p, 0, buf.data(), buf.size(), &sink, &completions, &end);
    p.io.poll();
    asio::write(*p.servers[0], asio::buffer(std::string(reply)));
    p.io.restart();
    p.io.run_for(std::chrono::seconds(10));
    EXPECT_EQ(completions, 1);
    texts += sink.text;
  }
  EXPECT_EQ(texts, "one.two.");
}

TEST(ReadEachTest, TheEndIsHandedToTheSinkEvenWhenItCameWithTheLastBytes) {
  Pairs p(1);
  std::array<char, 64> buf{};
  Sink sink(buf.data());  // reads until the end
  int completions = 0;
  boost::system::error_code end;
  ReadEach(p, 0, buf.data(), buf.size(), &sink, &completions, &end);
  p.io.poll();
  asio::write(*p.servers[0], asio::buffer(std::string("last")));
  p.servers[0]->close();
  p.io.restart();
  p.io.run_for(std::chrono::seconds(10));  // bounded: a miss would hang
  EXPECT_EQ(sink.text, "last");
  EXPECT_EQ(sink.last_error, asio::error::eof);
  EXPECT_EQ(end, asio::error::eof);
  EXPECT_EQ(completions, 1);
}

TEST(ReadEachTest, ClosingEndsItWithAbortedAndTheLoopRunsOut) {
  Pairs p(2);
  std::array<char, 64> buf0{}, buf1{};
  Sink sink0(buf0.data()), sink1(buf1.data());
  int completions[2] = {0, 0};
  boost::system::error_code ends[2];
  ReadEach(p, 0, buf0.data(), buf0.size(), &sink0, &completions[0], &ends[0]);
  ReadEach(p, 1, buf1.data(), buf1.size(), &sink1, &completions[1], &ends[1]);
  asio::post(p.io, [&] {
    p.clients[0]->Close();
    p.clients[1]->Close();
  });
  p.io.run();  // would hang if a closed socket's operation kept waiting
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(ends[i], asio::error::operation_aborted) << i;
    EXPECT_EQ(completions[i], 1) << i;
  }
  EXPECT_EQ(sink0.reads, 0);  // the sink heard nothing of the close
}

}  // namespace
}  // namespace infx::client
