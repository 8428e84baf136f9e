#include "client/deadline_sweep.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace infx::client {

namespace asio = boost::asio;

std::chrono::nanoseconds DeadlineSweep::Period(double connect_timeout_s,
                                               double request_timeout_s,
                                               double idle_timeout_s) {
  double shortest = std::min(connect_timeout_s, request_timeout_s);
  if (idle_timeout_s > 0) shortest = std::min(shortest, idle_timeout_s);
  const int64_t ns = std::clamp<int64_t>(
      static_cast<int64_t>(shortest / 20 * 1e9), 20'000'000, 250'000'000);
  return std::chrono::nanoseconds(ns);
}

DeadlineSweep::DeadlineSweep(asio::io_context& io, const Clock& clock,
                             std::chrono::nanoseconds period, int64_t idle_ns)
    : io_(io), clock_(clock), timer_(io), period_(period), idle_ns_(idle_ns) {}

void DeadlineSweep::Activate(Connection* c, int64_t deadline_ns) {
  c->deadline_ns = deadline_ns;
  c->idle_deadline_ns = kNeverNs;
  c->body_activity = false;
  c->closed_by = Connection::ClosedBy::kNone;
  c->active_index = active_.size();
  active_.push_back(c);
  if (!running_) {
    running_ = true;
    asio::co_spawn(io_, Run(), asio::detached);
  }
}

void DeadlineSweep::Deactivate(Connection* c) {
  if (c->active_index == SIZE_MAX) return;
  Connection* last = active_.back();
  active_[c->active_index] = last;
  last->active_index = c->active_index;
  active_.pop_back();
  c->active_index = SIZE_MAX;
}

void DeadlineSweep::Stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> DeadlineSweep::Run() {
  while (!active_.empty() && !stopped_) {
    timer_.expires_after(period_);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const int64_t now = clock_.NowNs();
    for (Connection* c : active_) {
      if (c->closed_by != Connection::ClosedBy::kNone) continue;
      if (c->body_activity) {
        c->body_activity = false;
        c->idle_deadline_ns = idle_ns_ > 0 ? now + idle_ns_ : kNeverNs;
      }
      if (now >= c->deadline_ns) {
        c->closed_by = Connection::ClosedBy::kDeadline;
      } else if (now >= c->idle_deadline_ns) {
        c->closed_by = Connection::ClosedBy::kIdle;
      } else {
        continue;
      }
      c->Close();
    }
  }
  running_ = false;
}

}  // namespace infx::client
