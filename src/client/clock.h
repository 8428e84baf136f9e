// The load generator's clock: steady_clock (CLOCK_MONOTONIC) nanoseconds,
// the clock of every RequestRecord and of the emulator's trace, so client
// records join server traces without conversion.
//
// Thread-safety: a pure read of the clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace infx::client {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace infx::client
