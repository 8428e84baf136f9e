// DeadlineSweep: the client's request, connect and idle deadlines, enforced
// without a timer per request: the connections in use are listed, and one
// periodic sweep closes those past their deadline (ClosedBy::kDeadline) or
// silent past the idle timeout (kIdle), which ends their pending operation.
// Reads only flag body activity; the sweep moves the idle deadline, once
// per period, instead of a clock read per token. The sweep runs while any
// connection is listed.
//
// Thread-safety: not thread-safe; the client's (io_context's) thread only.
#pragma once

// clang-format off
#include <chrono>
#include <cstdint>
#include <utility>  // before asio/awaitable.hpp, which needs std::exchange
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
// clang-format on

#include "client/clock.h"
#include "client/connection.h"

namespace infx::client {

class DeadlineSweep {
 public:
  // How often deadlines are checked: a twentieth of the shortest timeout
  // (seconds; idle 0 = none), between 20 ms and 250 ms (a timeout fires at
  // most that late). The sweep walks every listed connection, so at
  // thousands of streams it must not run every few milliseconds.
  static std::chrono::nanoseconds Period(double connect_timeout_s,
                                         double request_timeout_s,
                                         double idle_timeout_s);

  // `idle_ns`: the longest silence once a body has begun (0 = none).
  DeadlineSweep(boost::asio::io_context& io, const Clock& clock,
                std::chrono::nanoseconds period, int64_t idle_ns);

  // Lists `c` with a fresh state and `deadline_ns` (clock ns).
  void Activate(Connection* c, int64_t deadline_ns);
  // Unlists `c` (no-op when it is not listed).
  void Deactivate(Connection* c);
  const std::vector<Connection*>& active() const { return active_; }
  // Ends the sweep for good (the client was cancelled).
  void Stop();

 private:
  boost::asio::awaitable<void> Run();

  boost::asio::io_context& io_;
  const Clock& clock_;
  boost::asio::steady_timer timer_;
  const std::chrono::nanoseconds period_;
  const int64_t idle_ns_;
  std::vector<Connection*> active_;
  bool running_ = false;
  bool stopped_ = false;
};

}  // namespace infx::client
