// Request schedules: when each request is due, precomputed as absolute
// offsets from the start of the run (no coordinated omission: latency is
// counted from the due time, not from when the client got round to it).
// Open loop follows vLLM's get_request(): inter-arrival gaps are
// gamma(shape = burstiness, scale = 1 / (rate x burstiness)); burstiness 1 is
// a Poisson process. An infinite rate sends everything at offset 0 (then
// max_concurrency alone shapes the load: closed loop). Gaps come from the
// portable gamma sampler of bench/portable_random.h (splitmix64 +
// Marsaglia-Tsang), so a seed gives the same schedule on every platform;
// the benchmark seeds it apart from the prompts (BenchConfig::ScheduleSeed),
// as MLPerf LoadGen keeps separate seeds for samples and schedule.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"

namespace infx::bench {

// Send offsets in nanoseconds, non-decreasing, the first one 0 (vLLM sends
// the first request at once and sleeps a gap after each); all 0 for an
// infinite rate.
// InvalidArgument for rate <= 0 or burstiness <= 0.
Result<std::vector<int64_t>> MakeSchedule(int64_t num_requests,
                                          double request_rate,
                                          double burstiness, uint64_t seed);

// Number of due times that fall before `duration_s` for a duration-bounded
// open-loop run (the schedule is made long enough, then cut).
int64_t CountBefore(const std::vector<int64_t>& offsets_ns, double duration_s);

}  // namespace infx::bench
