// The kernel's floor under `infx bench`'s client CPU per streamed token: the
// least CPU any reader spends per token event when each event is read by
// its own recvmsg (as exact per-token timing needs: kernel receive
// timestamps are per read). N loopback TCP streams; a writer thread (on
// another CPU when there is one) sends one 250-byte event to every stream
// per step, like a batched decode step, every `period_us`; the reader (this
// thread) waits with one edge-triggered epoll set (up to 512 ready sockets
// per wake-up) and reads each ready socket once with recvmsg and
// SO_TIMESTAMPNS: no parsing, no bookkeeping. Reports the reader thread's
// CPU (user and system, getrusage RUSAGE_THREAD) per event, reads per event
// and events per wake-up. Compare with cpu_us_per_token of
// client_benchmark's BM_Paced: the difference is what infx adds.
//
// On loopback the reader's CPU includes the ACKs its reads send: each is
// delivered to the writer's socket in the reader's context, work a remote
// server's machine would do on a real network.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "http/rx_timestamp.h"

namespace {

constexpr size_t kEventBytes = 250;

void PinTo(int cpu) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

double ThreadCpuUs(bool system) {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  const timeval& t = system ? u.ru_stime : u.ru_utime;
  return t.tv_sec * 1e6 + t.tv_usec;
}

// `n` connected loopback pairs: client[i] (non-blocking, timestamped) and
// server[i]. False when the system refuses (e.g. too few descriptors).
bool Connect(int n, std::vector<int>* clients, std::vector<int>* servers) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(listener);
    return false;
  }
  const int one = 1;
  for (int i = 0; i < n; ++i) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      close(listener);
      return false;
    }
    int s = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (s < 0) {
      close(listener);
      return false;
    }
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    infx::http::EnableRxTimestamps(c);
    clients->push_back(c);
    servers->push_back(s);
  }
  close(listener);
  return true;
}

// Args: streams, steps (events per stream), period_us between steps.
void BM_RecvFloor(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int steps = static_cast<int>(state.range(1));
  const int period_us = static_cast<int>(state.range(2));
  PinTo(0);
  for (auto _ : state) {
    std::vector<int> clients, servers;
    if (!Connect(n, &clients, &servers)) {
      state.SkipWithError("could not open the loopback streams");
      return;
    }
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < n; ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
      ev.data.u32 = static_cast<uint32_t>(i);
      epoll_ctl(ep, EPOLL_CTL_ADD, clients[i], &ev);
    }
    const double user0 = ThreadCpuUs(false), sys0 = ThreadCpuUs(true);
    std::thread writer([&] {
      PinTo(1);
      std::array<char, kEventBytes> event;
      event.fill('x');
      for (int step = 0; step < steps; ++step) {
        for (int s : servers) {
          if (write(s, event.data(), event.size()) < 0) return;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(period_us));
      }
      for (int s : servers) shutdown(s, SHUT_WR);
    });
    int64_t bytes = 0, reads = 0, wakeups = 0, open = n;
    std::array<epoll_event, 512> ready;
    std::array<char, 4096> buf;
    while (open > 0) {
      const int k = epoll_wait(ep, ready.data(), ready.size(), -1);
      if (k < 0 && errno == EINTR) continue;
      ++wakeups;
      for (int j = 0; j < k; ++j) {
        const int fd = clients[ready[j].data.u32];
        iovec iov{buf.data(), buf.size()};
        const infx::http::RxRead r =
            infx::http::ReceiveTimestamped(fd, &iov, 1);
        ++reads;
        if (r.bytes > 0) bytes += r.bytes;
        if (r.bytes == 0 || (r.bytes < 0 && r.error != EAGAIN)) {
          epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
          --open;
        }
      }
    }
    const double user = ThreadCpuUs(false) - user0;
    const double sys = ThreadCpuUs(true) - sys0;
    writer.join();
    close(ep);
    for (int fd : clients) close(fd);
    for (int fd : servers) close(fd);
    const double events = static_cast<double>(bytes) / kEventBytes;
    state.counters["events"] = events;
    state.counters["cpu_us_per_event"] = (user + sys) / events;
    state.counters["user_us_per_event"] = user / events;
    state.counters["sys_us_per_event"] = sys / events;
    state.counters["reads_per_event"] = reads / events;
    state.counters["events_per_wakeup"] = events / wakeups;
  }
}
BENCHMARK(BM_RecvFloor)
    ->ArgNames({"streams", "steps", "period_us"})
    ->Args({512, 256, 20000})
    ->Args({4096, 64, 50000})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
