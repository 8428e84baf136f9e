#include "emulator/faults.h"

#include <charconv>
#include <sstream>

#include "emulator/text_gen.h"

namespace infx::emulator {

std::string_view FaultName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kHttp500:
      return "http500";
    case FaultKind::kHttp429:
      return "http429";
    case FaultKind::kDrop:
      return "drop";
    case FaultKind::kStall:
      return "stall";
    case FaultKind::kMalformed:
      return "malformed";
  }
  return "none";
}

Result<FaultPlan> FaultPlan::Parse(std::string_view spec) {
  FaultPlan plan;
  std::stringstream ss{std::string(spec)};
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    const std::string where = "--faults: '" + item + "'";
    if (colon == std::string::npos) {
      return Status::InvalidArgument(where + ": expected name:rate");
    }
    double rate = 0;
    const std::string r = item.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), rate);
    // !(in range) also refuses NaN, which compares false with everything.
    if (ec != std::errc() || ptr != r.data() + r.size() ||
        !(rate >= 0 && rate <= 1)) {
      return Status::InvalidArgument(where +
                                     ": rate must be a number in [0, 1]");
    }
    int index = -1;
    for (int k = 1; k <= 5; ++k) {
      if (FaultName(static_cast<FaultKind>(k)) == name) index = k;
    }
    if (index < 0) {
      return Status::InvalidArgument(
          where + ": unknown fault '" + name +
          "' (http500, http429, drop, stall, malformed)");
    }
    plan.rates_[index] += rate;
    plan.total_ += rate;
  }
  if (plan.total_ > 1.0 + 1e-9) {
    return Status::InvalidArgument("--faults: rates add up to more than 1");
  }
  return plan;
}

Fault FaultPlan::Draw(uint64_t seed, uint64_t request_index,
                      int64_t output_tokens) const {
  Fault f;
  if (total_ <= 0) return f;
  const uint64_t h = MixSeed(MixSeed(seed, 0xfa17), request_index);
  const double u = (h >> 11) * (1.0 / 9007199254740992.0);
  double acc = 0;
  for (int k = 1; k <= 5; ++k) {
    acc += rates_[k];
    if (u < acc) {
      f.kind = static_cast<FaultKind>(k);
      break;
    }
  }
  const uint64_t h2 = MixSeed(h, 7);
  f.at_token =
      output_tokens > 0
          ? static_cast<int64_t>(h2 % static_cast<uint64_t>(output_tokens))
          : 0;
  return f;
}

}  // namespace infx::emulator
