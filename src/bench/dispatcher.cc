#include "bench/dispatcher.h"

#include <algorithm>

#include "bench/driver.h"

namespace infx::bench {

Dispatcher::Dispatcher(const std::vector<Phase>& phases,
                       const client::Clock& clock)
    : phases_(phases), clock_(clock) {
  BeginPhase(0);
}

bool Dispatcher::open_loop() const {
  return !phases_[phase_index_].offsets_ns.empty();
}

void Dispatcher::BeginPhase(size_t index) {
  phase_index_ = index;
  if (phase_index_ >= phases_.size()) return;
  const Phase& phase = phases_[phase_index_];
  next_ = phase.begin;
  phase_start_ns_ = clock_.NowNs();
  stop_at_ns_ =
      phase.duration_s > 0
          ? phase_start_ns_ + static_cast<int64_t>(phase.duration_s * 1e9)
          : Step::kNever;
  cap_ = phase.concurrency > 0 ? phase.concurrency : Step::kNever;
  waited_for_slot_ = false;
  stopped_ = false;
}

Step Dispatcher::Wait(int64_t wake_at_ns) const {
  Step step;
  step.kind = Step::Kind::kWait;
  step.wake_at_ns = wake_at_ns;
  return step;
}

Step Dispatcher::Next(int64_t in_flight, bool cancelled) {
  while (phase_index_ < phases_.size()) {
    const Phase& phase = phases_[phase_index_];
    const int64_t now = clock_.NowNs();
    const bool all_sent = cancelled || next_ >= phase.end;
    const bool out_of_time = now >= stop_at_ns_;
    if (all_sent || out_of_time) {
      if (in_flight == 0) {
        BeginPhase(phase_index_ + 1);
        continue;
      }
      if (out_of_time && !cancelled && !stopped_) {
        stopped_ = true;
        Step step;
        step.kind = Step::Kind::kStop;
        return step;
      }
      // Wait for the requests in flight; --duration may still end them.
      return Wait(cancelled || stopped_ ? Step::kNever : stop_at_ns_);
    }
    const int64_t due =
        open_loop() ? phase_start_ns_ + phase.offsets_ns[next_ - phase.begin]
                    : now;
    if (due > now) return Wait(std::min(due, stop_at_ns_));
    if (in_flight >= cap_) {
      waited_for_slot_ = true;
      return Wait(stop_at_ns_);  // or a finishing request frees a slot
    }
    // Latency origin: the due time (open loop), or when a slot freed.
    const bool closed = !open_loop() || waited_for_slot_;
    waited_for_slot_ = false;
    Step step;
    step.kind = Step::Kind::kStart;
    step.index = next_++;
    step.scheduled_ns = closed ? now : due;
    return step;
  }
  return Step{};
}

}  // namespace infx::bench
