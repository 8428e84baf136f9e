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

std::vector<std::vector<double>> DropOutliers(
    const std::vector<std::vector<double>>& groups, double k,
    std::vector<size_t>* dropped) {
  std::vector<double> medians(groups.size(), kNan);
  std::vector<double> deviations;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].size() < 3) continue;
    medians[g] = Median(groups[g]);
    bool skipped_median = groups[g].size() % 2 == 0;
    for (double v : groups[g]) {
      const double d = std::fabs(v - medians[g]);
      if (!skipped_median && v == medians[g]) {
        skipped_median = true;
        continue;
      }
      deviations.push_back(d);
    }
  }
  if (dropped) dropped->assign(groups.size(), 0);
  if (deviations.size() < 6) return groups;
  const double robust_std = 1.4826 * Median(deviations);
  if (!(robust_std > 0)) return groups;
  std::vector<std::vector<double>> out(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    for (double v : groups[g]) {
      if (groups[g].size() >= 3 && std::fabs(v - medians[g]) > k * robust_std) {
        if (dropped) ++(*dropped)[g];
        continue;
      }
      out[g].push_back(v);
    }
  }
  return out;
}

}  // namespace infx::stats
