#include "bench/schedule.h"

#include <cmath>
#include <string>

#include "bench/portable_random.h"

namespace infx::bench {

Result<std::vector<int64_t>> MakeSchedule(int64_t num_requests,
                                          double request_rate,
                                          double burstiness, uint64_t seed) {
  if (num_requests < 0) {
    return Status::InvalidArgument("number of requests must be >= 0, got " +
                                   std::to_string(num_requests));
  }
  if (!(request_rate > 0)) {
    return Status::InvalidArgument("--request-rate must be > 0 (or inf), got " +
                                   std::to_string(request_rate));
  }
  if (!(burstiness > 0) || std::isinf(burstiness)) {
    return Status::InvalidArgument(
        "--burstiness must be a positive number, got " +
        std::to_string(burstiness));
  }
  std::vector<int64_t> offsets(static_cast<size_t>(num_requests), 0);
  if (std::isinf(request_rate)) return offsets;
  // vLLM get_request(): theta = 1 / (rate * burstiness), gaps ~ Gamma(k,
  // theta).
  // Portable sampler (bench/portable_random.h), not std::gamma_distribution:
  // a seed gives the same schedule with every standard library.
  SplitMix64 rng(seed);
  const double scale = 1.0 / (request_rate * burstiness);
  double t = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    offsets[i] = static_cast<int64_t>(std::llround(t * 1e9));
    t += SampleGamma(rng, burstiness, scale);
  }
  return offsets;
}

int64_t CountBefore(const std::vector<int64_t>& offsets_ns, double duration_s) {
  int64_t limit = static_cast<int64_t>(duration_s * 1e9);
  int64_t n = 0;
  for (int64_t t : offsets_ns) {
    if (t >= limit) break;
    ++n;
  }
  return n;
}

}  // namespace infx::bench
