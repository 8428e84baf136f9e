#include "living/history.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/summary.h"

namespace infx::living {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
// As CompareOptions::outlier_k.
constexpr double kOutlierK = 6.0;

// Robust run-to-run noise of the values: median absolute successive log
// difference / (0.6745 sqrt 2) (a step moves one difference only).
double RunNoiseOf(const std::vector<HistoryPoint>& points) {
  std::vector<double> diffs;
  for (size_t i = 1; i < points.size(); ++i) {
    if (points[i].value > 0 && points[i - 1].value > 0) {
      diffs.push_back(
          std::fabs(std::log(points[i].value / points[i - 1].value)));
    }
  }
  if (diffs.size() < 2) return kNan;
  return stats::Median(diffs) / (0.6745 * std::sqrt(2.0));
}

// Within-run noise pooled over the runs' repetitions, else run-to-run.
double NoiseOf(const std::vector<HistoryPoint>& points) {
  std::vector<std::vector<double>> groups;
  for (const auto& p : points) {
    std::vector<double> logs;
    for (double v : p.repetitions) {
      if (v > 0) logs.push_back(std::log(v));
    }
    groups.push_back(std::move(logs));
  }
  const stats::PooledNoise pooled =
      stats::PoolNoise(stats::DropOutliers(groups, kOutlierK));
  if (pooled.ok()) return pooled.std_dev;
  return RunNoiseOf(points);
}

std::vector<double> Values(const std::vector<HistoryPoint>& points,
                           size_t begin, size_t end) {
  std::vector<double> out;
  for (size_t i = begin; i < end; ++i) out.push_back(points[i].value);
  return out;
}

}  // namespace

History AnalyzeHistory(std::string series, std::string metric,
                       std::vector<HistoryPoint> points,
                       const HistoryOptions& options) {
  History h;
  h.series = std::move(series);
  h.metric = std::move(metric);
  for (auto& p : points) {
    std::vector<double> finite;
    for (double v : p.repetitions) {
      if (std::isfinite(v)) finite.push_back(v);
    }
    if (!p.repetitions.empty()) {
      p.value = finite.empty() ? kNan : stats::Median(finite);
    }
    p.repetitions = std::move(finite);
    if (std::isfinite(p.value)) h.points.push_back(std::move(p));
  }
  h.noise = NoiseOf(h.points);
  h.run_noise = RunNoiseOf(h.points);
  h.unstable = std::isfinite(h.noise) && h.noise > options.max_noise;
  const std::vector<double> z = Values(h.points, 0, h.points.size());
  for (const auto& cp : stats::DetectChangePoints(z, options.change_points)) {
    HistoryChangePoint c;
    c.index = cp.index;
    c.run = h.points[cp.index].run_id;
    c.last_run_before = h.points[cp.index - 1].run_id;
    c.before = stats::Median(Values(h.points, cp.before_begin, cp.index));
    c.after = stats::Median(Values(h.points, cp.index, cp.after_end));
    c.change = c.before != 0 ? c.after / c.before - 1 : kNan;
    c.p_value = cp.p_value;
    c.suspects = DiffAttributes(h.points[cp.index - 1].attributes,
                                h.points[cp.index].attributes);
    h.change_points.push_back(std::move(c));
  }
  return h;
}

}  // namespace infx::living
