// Dispatcher: the load generator's scheduling decisions, apart from any
// I/O. Given the phases (closed or open loop, concurrency cap, --duration)
// and a Clock, each Next() says what the driver does now: start request i
// (with its latency origin), stop the requests in flight (--duration ran
// out), wait (until a time, or until a request ends), or finish. The driver
// (bench/driver.h) carries the decisions out on the event loop; tests run
// the same decisions against a FakeClock, without real time.
//
// Thread-safety: not thread-safe; used on the driver's thread only.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "client/clock.h"

namespace infx::bench {

struct Phase;

struct Step {
  enum class Kind {
    kStart,  // start request `index`, latency origin `scheduled_ns`
    kStop,   // --duration ran out: end the requests in flight
    kWait,   // nothing to do before `wake_at_ns` or a request ending
    kDone,   // every phase is over
  };
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  Kind kind = Kind::kDone;
  size_t index = 0;
  int64_t scheduled_ns = 0;
  int64_t wake_at_ns = kNever;  // kWait: call Next() again by then
};

class Dispatcher {
 public:
  // `phases` and `clock` must outlive the dispatcher.
  Dispatcher(const std::vector<Phase>& phases, const client::Clock& clock);

  // The next step, given how many requests are in flight and whether the
  // user cancelled (then nothing more is started).
  Step Next(int64_t in_flight, bool cancelled);

  size_t phase_index() const { return phase_index_; }

 private:
  void BeginPhase(size_t index);
  bool open_loop() const;
  Step Wait(int64_t wake_at_ns) const;

  const std::vector<Phase>& phases_;
  const client::Clock& clock_;
  size_t phase_index_ = 0, next_ = 0;
  int64_t phase_start_ns_ = 0, stop_at_ns_ = Step::kNever;
  int64_t cap_ = Step::kNever;
  bool waited_for_slot_ = false;  // the next request waited for a slot
  bool stopped_ = false;          // kStop was given in this phase
};

}  // namespace infx::bench
