// Fault injection (pipeline validation): per-request faults at given rates,
// seeded, so a load generator's error handling can be tested.
//   http500  answer 500 with an OpenAI-style error object
//   http429  answer 429 (rate limited)
//   drop     close the connection mid-stream (after a random token)
//   stall    stop sending mid-stream and hold the connection open
//   malformed  send one event whose payload is not valid JSON
// Spec: "http500:0.01,http429:0.01,drop:0.01,stall:0.01,malformed:0.01";
// the rates add up to at most 1 and at most one fault hits a request.
//
// Thread-safety: immutable after parsing; Draw is const and safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace infx::emulator {

enum class FaultKind { kNone, kHttp500, kHttp429, kDrop, kStall, kMalformed };
std::string_view FaultName(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::kNone;
  int64_t at_token = 0;  // for mid-stream faults: before this output token
};

class FaultPlan {
 public:
  static Result<FaultPlan> Parse(std::string_view spec);
  bool enabled() const { return total_ > 0; }
  // Deterministic in (seed, request_index); at_token in [0, output_tokens).
  Fault Draw(uint64_t seed, uint64_t request_index,
             int64_t output_tokens) const;

 private:
  double rates_[6] = {0, 0, 0, 0, 0, 0};  // indexed by FaultKind
  double total_ = 0;
};

}  // namespace infx::emulator
