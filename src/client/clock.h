// The load generator's clock: steady_clock (CLOCK_MONOTONIC) nanoseconds,
// the clock of every RequestRecord and of the emulator's trace, so client
// records join server traces without conversion.
//
// Clock is the seam through which the client and the driver read time
// (deadlines, idle timeouts, due times, phase starts), so their scheduling
// logic is unit-tested with a FakeClock that only moves when told. Kernel
// receive timestamps of response bytes come from the socket, not from here.
//
// Thread-safety: NowNs() and SteadyClock are pure reads of the clock;
// FakeClock is atomic (set from a test thread, read by the event loop).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace infx::client {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowNs() const = 0;  // steady nanoseconds
};

class SteadyClock final : public Clock {
 public:
  int64_t NowNs() const override { return client::NowNs(); }
  // The process-wide instance (what a null Clock* means).
  static const Clock& Instance() {
    static const SteadyClock clock;
    return clock;
  }
};

// A clock for tests: it reads `now`, which only the test moves.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ns = 1'000'000'000) : now_(start_ns) {}
  int64_t NowNs() const override { return now_.load(); }
  void Set(int64_t ns) { now_.store(ns); }
  void Advance(int64_t ns) { now_.fetch_add(ns); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace infx::client
