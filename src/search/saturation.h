// Saturation detection (as guidellm's over-saturation check): a config is
// saturated when, over its last `window` load levels (ascending), the
// throughput per GPU has flattened within noise while latency keeps
// growing. Both are judged by least-squares slopes in log-log space with a
// one-sided Student-t margin: throughput is flat when the upper confidence
// bound of its slope is below `max_throughput_slope`, latency grows when the
// lower bound of its slope is above `min_latency_slope`. Raising the load
// further only adds latency; the first level of the window is recorded as
// the config's saturation point.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

namespace infx::search {

struct LoadPoint {
  double load = 0;        // concurrency (or request rate)
  double throughput = 0;  // tok/s/GPU
  double latency_ms = 0;  // e.g. median E2E latency or TPOT
};

struct SaturationOptions {
  int window = 3;                     // trailing levels judged (>= 3)
  double max_throughput_slope = 0.1;  // d log tput / d log load: "flat"
  double min_latency_slope = 0.3;     // d log latency / d log load
  double confidence = 0.95;           // one-sided
};

struct Slope {
  double slope = 0;
  double stderr_ = 0;  // standard error of the slope (0 for exact fits)
  int n = 0;
};

// Least-squares slope of log(y) against log(x); points with non-positive
// values are skipped. n < 2 => slope 0, n 0/1.
Slope LogLogSlope(const std::vector<double>& x, const std::vector<double>& y);

// One-sided Student-t quantile for `confidence` (0.9, 0.95, 0.975 or 0.99;
// others round to the nearest) with `df` degrees of freedom (>= 1).
double StudentT(double confidence, int df);

struct Saturation {
  double load = 0;  // first load level of the saturated window
  Slope throughput;
  Slope latency;
};

// Saturation of `ascending` (sorted by load), judged on its last
// options.window points; nullopt when there are fewer or when it is not
// saturated.
std::optional<Saturation> DetectSaturation(
    const std::vector<LoadPoint>& ascending,
    const SaturationOptions& options = {});

}  // namespace infx::search
