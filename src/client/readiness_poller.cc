#include "client/readiness_poller.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>

namespace infx::client {

namespace asio = boost::asio;

ReadinessPoller::ReadinessPoller(asio::io_context& io) : epoll_(io) {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd >= 0) {
    boost::system::error_code ec;
    epoll_.assign(fd, ec);
    if (ec) ::close(fd);
  }
}

ReadinessPoller::~ReadinessPoller() {
  boost::system::error_code ignored;
  epoll_.close(ignored);
}

bool ReadinessPoller::Add(int fd, Waiter* waiter) {
  if (!epoll_.is_open()) return false;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = waiter;
  return ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

void ReadinessPoller::Remove(int fd, Waiter* waiter) {
  if (epoll_.is_open()) {
    epoll_event ev{};
    ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ev);
  }
  for (int i = batch_next_; i < batch_size_; ++i) {
    if (batch_[i].data.ptr == waiter) batch_[i].data.ptr = nullptr;
  }
}

void ReadinessPoller::WaitStarted() {
  ++waiting_;
  if (!armed_) Arm();
}

void ReadinessPoller::WaitEnded() {
  if (--waiting_ > 0 || !armed_) return;
  // Nobody waits: let the io_context run out of work.
  boost::system::error_code ignored;
  epoll_.cancel(ignored);
  armed_ = false;
  ++generation_;
}

void ReadinessPoller::Arm() {
  armed_ = true;
  const int64_t generation = ++generation_;
  epoll_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this, generation](const boost::system::error_code& ec) {
                      if (generation != generation_) return;  // cancelled
                      armed_ = false;
                      if (!ec) Dispatch();
                    });
}

void ReadinessPoller::Dispatch() {
  ++wakeups_;
  int n;
  do {
    n = ::epoll_wait(epoll_.native_handle(), batch_.data(), kBatch, 0);
  } while (n < 0 && errno == EINTR);
  batch_size_ = n > 0 ? n : 0;
  for (batch_next_ = 0; batch_next_ < batch_size_;) {
    const epoll_event& ev = batch_[batch_next_++];
    auto* waiter = static_cast<Waiter*>(ev.data.ptr);
    if (waiter != nullptr) waiter->OnReadable(ev.events);
  }
  batch_size_ = batch_next_ = 0;
  if (waiting_ == 0 || armed_) return;
  if (n < kBatch) {
    Arm();
    return;
  }
  // A full batch: more may be ready. Hand the loop back, then go on.
  armed_ = true;
  const int64_t generation = ++generation_;
  asio::post(epoll_.get_executor(), [this, generation] {
    if (generation != generation_) return;
    armed_ = false;
    Dispatch();
  });
}

}  // namespace infx::client
