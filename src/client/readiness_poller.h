// ReadinessPoller: the read side of many sockets in ONE edge-triggered epoll
// set, which the io_context waits on as a single descriptor. Asio's own wait
// for a socket re-registers it with the kernel (an epoll_ctl) for every
// read that finds the socket empty, i.e. once per streamed token at real
// pacing; here a socket is added once, and each wake-up drains up to
// kBatch ready sockets with one epoll_wait, calling each one's waiter.
// Sockets stay in non-blocking mode; a waiter that finds nothing to read
// (a spurious edge) simply waits again.
//
// The descriptor wait is armed only while some waiter waits, so an
// io_context with no pending read still runs out of work.
//
// Thread-safety: not thread-safe; one poller per io_context thread (the
// client's). Waiters are called on that thread, from the poller's handler.
#pragma once

// clang-format off
#include <sys/epoll.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
// clang-format on

namespace infx::client {

class ReadinessPoller {
 public:
  // Ready sockets handled per wake-up; more wait for the next handler, so
  // the driver gets the loop back between batches.
  static constexpr int kBatch = 64;

  class Waiter {
   public:
    // The socket may have bytes (or an end or error) to read; `events` is
    // the epoll mask (EPOLLRDHUP / EPOLLHUP / EPOLLERR: the peer closed or
    // the connection failed, which no later edge will report again).
    virtual void OnReadable(uint32_t events) = 0;

   protected:
    ~Waiter() = default;
  };

  explicit ReadinessPoller(boost::asio::io_context& io);
  ~ReadinessPoller();
  ReadinessPoller(const ReadinessPoller&) = delete;
  ReadinessPoller& operator=(const ReadinessPoller&) = delete;

  // Watches `fd` for input (edge-triggered) on behalf of `waiter`; false
  // when the kernel refuses (the caller then waits the usual way).
  bool Add(int fd, Waiter* waiter);
  // Stops watching `fd` (call before closing it); `waiter` is not called
  // again, not even from the batch being handled now.
  void Remove(int fd, Waiter* waiter);
  // A waiter began / stopped waiting for its OnReadable().
  void WaitStarted();
  void WaitEnded();

  int64_t wakeups() const { return wakeups_; }  // batches handled

 private:
  void Arm();
  void Dispatch();

  boost::asio::posix::stream_descriptor epoll_;
  std::array<epoll_event, kBatch> batch_{};
  int batch_size_ = 0, batch_next_ = 0;
  int64_t waiting_ = 0;
  int64_t generation_ = 0;  // of the armed wait; stale handlers ignore
  bool armed_ = false;
  int64_t wakeups_ = 0;
};

}  // namespace infx::client
