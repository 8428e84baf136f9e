#include "http/rx_timestamp.h"

#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace infx::http {
namespace {

int64_t ClockNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

bool EnableRxTimestamps(int fd) {
  int on = 1;
  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
}

// CLOCK_REALTIME - CLOCK_MONOTONIC, from the tightest of a few bracketed
// samples (a preemption between two clock reads would otherwise skew it).
int64_t SampleRealtimeOffsetNs() {
  int64_t best_window = INT64_MAX, offset = 0;
  for (int i = 0; i < 3; ++i) {
    const int64_t before = ClockNs(CLOCK_MONOTONIC);
    const int64_t real = ClockNs(CLOCK_REALTIME);
    const int64_t after = ClockNs(CLOCK_MONOTONIC);
    if (after - before < best_window) {
      best_window = after - before;
      offset = real - (before + (after - before) / 2);
    }
  }
  return offset;
}

int64_t RealtimeToSteadyNs(int64_t realtime_ns, int64_t steady_now_ns) {
  // The offset changes only when the wall clock is stepped; re-sampled
  // every 50 ms per thread.
  constexpr int64_t kRefreshNs = 50'000'000;
  thread_local int64_t offset_ns = 0, sampled_at_ns = INT64_MIN / 2;
  if (steady_now_ns - sampled_at_ns > kRefreshNs) {
    offset_ns = SampleRealtimeOffsetNs();
    sampled_at_ns = steady_now_ns;
  }
  return realtime_ns - offset_ns;
}

int64_t RealtimeToSteadyNs(int64_t realtime_ns) {
  return RealtimeToSteadyNs(realtime_ns, ClockNs(CLOCK_MONOTONIC));
}

RxRead ReceiveTimestamped(int fd, const iovec* iov, size_t iov_count,
                          bool peek) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = iov_count;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  RxRead out;
  int flags = MSG_DONTWAIT | (peek ? MSG_PEEK : 0);
  do {
    out.bytes = recvmsg(fd, &msg, flags);
  } while (out.bytes < 0 && errno == EINTR);
  if (out.bytes < 0) {
    out.error = errno;
    return out;
  }
  out.read_ns = ClockNs(CLOCK_MONOTONIC);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      const int64_t real_ns =
          static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      if (real_ns != 0) {
        out.kernel_rx_ns = RealtimeToSteadyNs(real_ns, out.read_ns);
      }
    }
  }
  return out;
}

}  // namespace infx::http
