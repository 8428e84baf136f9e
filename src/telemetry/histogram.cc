#include "telemetry/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace infx::telemetry {

std::optional<HistogramData> MergedHistogram(const MetricFamily& family) {
  const std::string bucket_name = family.name + "_bucket";
  const std::string sum_name = family.name + "_sum";
  const std::string count_name = family.name + "_count";
  std::map<double, double> by_bound;
  HistogramData h;
  bool any_bucket = false;
  for (const Sample& s : family.samples) {
    if (s.name == bucket_name) {
      const std::string* le = s.FindLabel("le");
      if (le == nullptr) continue;
      const std::optional<double> bound = ParsePromNumber(*le);
      if (!bound || std::isnan(*bound)) continue;
      by_bound[*bound] += s.value;
      any_bucket = true;
    } else if (s.name == sum_name) {
      h.sum += s.value;
    } else if (s.name == count_name) {
      h.count += s.value;
    }
  }
  if (!any_bucket) return std::nullopt;
  for (const auto& [bound, cumulative] : by_bound) {
    h.upper_bounds.push_back(bound);
    h.cumulative.push_back(cumulative);
  }
  if (!std::isinf(h.upper_bounds.back())) {  // +Inf missing: use the count
    h.upper_bounds.push_back(std::numeric_limits<double>::infinity());
    h.cumulative.push_back(std::max(h.count, h.cumulative.back()));
  }
  return h;
}

HistogramData HistogramIncrease(const HistogramData& start,
                                const HistogramData& end) {
  if (start.upper_bounds != end.upper_bounds || end.count < start.count) {
    return end;
  }
  HistogramData d = end;
  for (size_t i = 0; i < d.cumulative.size(); ++i) {
    if (end.cumulative[i] < start.cumulative[i]) return end;
    d.cumulative[i] = end.cumulative[i] - start.cumulative[i];
  }
  d.sum = end.sum - start.sum;
  d.count = end.count - start.count;
  return d;
}

double HistogramQuantile(const HistogramData& h, double q) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (h.cumulative.empty() || !(h.cumulative.back() > 0)) return nan;
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * h.cumulative.back();
  size_t b = 0;
  while (b < h.cumulative.size() && h.cumulative[b] < rank) ++b;
  if (b >= h.cumulative.size()) b = h.cumulative.size() - 1;
  if (std::isinf(h.upper_bounds[b])) {
    // In the +Inf bucket: the largest finite bound (as PromQL).
    return b > 0 ? h.upper_bounds[b - 1] : nan;
  }
  double lower = 0;
  double below = 0;
  if (b > 0) {
    lower = h.upper_bounds[b - 1];
    below = h.cumulative[b - 1];
  } else if (h.upper_bounds[0] <= 0) {
    return h.upper_bounds[0];
  }
  const double in_bucket = h.cumulative[b] - below;
  if (in_bucket <= 0) return h.upper_bounds[b];
  return lower + (h.upper_bounds[b] - lower) * (rank - below) / in_bucket;
}

std::optional<double> SumSamples(const MetricFamily& family,
                                 std::string_view sample_name) {
  std::optional<double> total;
  for (const Sample& s : family.samples) {
    if (s.name == sample_name) total = total.value_or(0) + s.value;
  }
  return total;
}

double CounterIncrease(double start, double end) {
  return end >= start ? end - start : end;
}

}  // namespace infx::telemetry

namespace infx::telemetry {
std::optional<double> FamilyValue(const MetricFamily& family) {
  std::optional<double> total = SumSamples(family, family.name);
  if (!total) total = SumSamples(family, family.name + "_total");
  return total;
}
}  // namespace infx::telemetry
