#include "http/rx_timestamp.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

namespace infx::http {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A loopback TCP connection: writer `w`, reader `r` with timestamps on.
class RxTimestampTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr),
              0);
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    listen(listener, 1);
    r_ = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(r_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    w_ = accept(listener, nullptr, nullptr);
    close(listener);
    ASSERT_TRUE(EnableRxTimestamps(r_));
    // The kernel turns timestamping on in deferred work when no other
    // socket has it: bytes sent in the first moments may carry no time.
    bool dated = false;
    for (int i = 0; i < 500 && !dated; ++i) {
      ASSERT_EQ(write(w_, "w", 1), 1);
      std::string got;
      RxRead read;
      do {
        read = Read(&got);
      } while (read.bytes < 0 && read.error == EAGAIN);
      dated = read.kernel_rx_ns != 0;
      if (!dated) usleep(1000);
    }
    ASSERT_TRUE(dated) << "the kernel never dated received bytes";
  }
  void TearDown() override {
    close(r_);
    if (w_ >= 0) close(w_);
  }
  RxRead Read(std::string* out, bool peek = false) {
    char buf[64];
    iovec iov{buf, sizeof buf};
    RxRead read = ReceiveTimestamped(r_, &iov, 1, peek);
    if (read.bytes > 0) out->assign(buf, read.bytes);
    return read;
  }
  int r_ = -1, w_ = -1;
};

TEST_F(RxTimestampTest, KernelTimeLiesBetweenTheWriteAndTheRead) {
  for (int i = 0; i < 200; ++i) {
    const int64_t before = SteadyNs();
    ASSERT_EQ(write(w_, "abc", 3), 3);
    std::string got;
    RxRead read;
    do {
      read = Read(&got);
    } while (read.bytes < 0 && read.error == EAGAIN);
    const int64_t after = SteadyNs();
    ASSERT_EQ(read.bytes, 3);
    EXPECT_EQ(got, "abc");
    ASSERT_NE(read.kernel_rx_ns, 0);
    EXPECT_GE(read.kernel_rx_ns, before) << i;
    EXPECT_LE(read.kernel_rx_ns, after) << i;
  }
}

TEST_F(RxTimestampTest, PeekDatesWithoutConsuming) {
  ASSERT_EQ(write(w_, "GET", 3), 3);
  std::string peeked, got;
  RxRead first;
  do {
    first = Read(&peeked, /*peek=*/true);
  } while (first.bytes < 0 && first.error == EAGAIN);
  RxRead second = Read(&got);
  EXPECT_EQ(peeked, "GET");
  EXPECT_EQ(got, "GET");
  EXPECT_NE(first.kernel_rx_ns, 0);
  EXPECT_EQ(first.kernel_rx_ns, second.kernel_rx_ns);
}

TEST_F(RxTimestampTest, EmptySocketSaysEagainAndClosedSaysEnd) {
  std::string got;
  RxRead empty = Read(&got);
  EXPECT_LT(empty.bytes, 0);
  EXPECT_EQ(empty.error, EAGAIN);
  close(w_);
  w_ = -1;
  RxRead end;
  do {
    end = Read(&got);
  } while (end.bytes < 0 && end.error == EAGAIN);
  EXPECT_EQ(end.bytes, 0);
}

TEST(RealtimeToSteadyTest, MapsTheWallClockNowOntoTheSteadyClockNow) {
  const int64_t before = SteadyNs();
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const int64_t real = int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  const int64_t after = SteadyNs();
  const int64_t steady = RealtimeToSteadyNs(real);
  // The offset is sampled with a bracket of a few microseconds at most.
  EXPECT_GE(steady, before - 1'000'000);
  EXPECT_LE(steady, after + 1'000'000);
}

}  // namespace
}  // namespace infx::http
