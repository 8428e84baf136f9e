#include "stats/summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace infx::stats {
namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

double Mean(const std::vector<double>& values) {
  if (values.empty()) return kNan;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double Median(std::vector<double> values) {
  if (values.empty()) return kNan;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return 0.5 * (lower + upper);
}

double SampleVariance(const std::vector<double>& values) {
  if (values.size() < 2) return kNan;
  const double mean = Mean(values);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return squares / static_cast<double>(values.size() - 1);
}

double SampleStd(const std::vector<double>& values) {
  return std::sqrt(SampleVariance(values));
}

double CoefficientOfVariation(const std::vector<double>& values) {
  const double mean = Mean(values);
  if (values.size() < 2 || mean == 0) return kNan;
  return SampleStd(values) / std::fabs(mean);
}

PooledNoise PoolNoise(const std::vector<std::vector<double>>& groups) {
  double squares = 0, df = 0;
  std::vector<double> finite;
  for (const auto& group : groups) {
    finite.clear();
    for (double v : group) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    if (finite.size() < 2) continue;
    const double n1 = static_cast<double>(finite.size() - 1);
    squares += n1 * SampleVariance(finite);
    df += n1;
  }
  if (df == 0) return {};
  return {std::sqrt(squares / df), df};
}

}  // namespace infx::stats
