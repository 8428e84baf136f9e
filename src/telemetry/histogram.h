// Reading Prometheus histograms and counters out of parsed expositions:
// one histogram merged over its label sets (e.g. per model or finish
// reason), the increase of a histogram or counter between two scrapes
// (counter resets handled as Prometheus' increase()), and quantiles by
// linear interpolation within the bucket (PromQL's histogram_quantile).
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "telemetry/exposition.h"

namespace infx::telemetry {

struct HistogramData {
  std::vector<double> upper_bounds;  // ascending, the last is +Inf
  std::vector<double> cumulative;    // observations <= each bound
  double sum = 0;
  double count = 0;
};

// The histogram family summed over all its label sets (buckets matched by
// their "le"); nullopt when the family has no bucket samples.
std::optional<HistogramData> MergedHistogram(const MetricFamily& family);

// end - start per bucket; when any bucket went down (the server restarted)
// the whole of `end` is the increase. Bounds must match, else `end`.
HistogramData HistogramIncrease(const HistogramData& start,
                                const HistogramData& end);

// The q-quantile (0..1) of the observations, linearly interpolated within
// the bucket it falls in (the lower edge of the first bucket is 0 when its
// bound is positive); a quantile in the +Inf bucket is the largest finite
// bound. NaN when there are no observations.
double HistogramQuantile(const HistogramData& h, double q);

// Sum of the values of the family's samples named `sample_name` (all label
// sets); nullopt when there is none.
std::optional<double> SumSamples(const MetricFamily& family,
                                 std::string_view sample_name);

// Increase of a counter from `start` to `end`: end - start, or end after a
// reset (end < start).
double CounterIncrease(double start, double end);

}  // namespace infx::telemetry

namespace infx::telemetry {
// A counter or gauge family's value summed over its label sets: samples
// named as the family, or (OpenMetrics counters) family + "_total".
// nullopt when there is none.
std::optional<double> FamilyValue(const MetricFamily& family);
}  // namespace infx::telemetry
