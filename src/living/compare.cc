#include "living/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "stats/bootstrap.h"
#include "stats/distributions.h"
#include "stats/hypothesis_tests.h"
#include "stats/multiple_testing.h"
#include "stats/summary.h"

namespace infx::living {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> FiniteValues(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values) {
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

std::vector<double> Logs(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values) {
    if (std::isfinite(v) && v > 0) out.push_back(std::log(v));
  }
  return out;
}

// Between-run variance of the run means of the logs (one-way random
// effects): the sample variance of the means of the baseline and history
// runs minus the within-run part, floored at 0; df = runs - 1. Back-to-back
// repetitions share a host state that later runs do not, so runs drift
// more than repetitions scatter; without this term identical re-runs on a
// drifting host would be called worse.
struct BetweenRun {
  double variance = 0;
  double df = 0;
};
BetweenRun BetweenRunNoise(const std::vector<std::vector<double>>& groups,
                           double within_variance) {
  std::vector<double> means;
  double inverse_n = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g == 1 || groups[g].empty()) continue;  // 1 = the current run
    means.push_back(stats::Mean(groups[g]));
    inverse_n += 1.0 / static_cast<double>(groups[g].size());
  }
  if (means.size() < 3) return {};
  inverse_n /= static_cast<double>(means.size());
  const double v = stats::SampleVariance(means) - within_variance * inverse_n;
  return {std::max(0.0, v), static_cast<double>(means.size() - 1)};
}

// Widens `t` by the between-run variance of the current run's mean and of
// the mean of `baseline_runs` baseline runs (Welch-Satterthwaite degrees of
// freedom).
stats::TTestResult AddBetweenRun(const stats::TTestResult& t,
                                 const BetweenRun& between,
                                 size_t baseline_runs) {
  if (!t.valid || between.variance <= 0) return t;
  const double within = t.standard_error * t.standard_error;
  const double extra =
      between.variance *
      (1 + 1.0 / static_cast<double>(std::max<size_t>(1, baseline_runs)));
  const double se = std::sqrt(within + extra);
  const double df = (within + extra) * (within + extra) /
                    (within * within / t.df + extra * extra / between.df);
  return stats::TTestFromDifference(t.mean_difference, se, df);
}

// The baseline run's logs joined by the earlier runs of the window (see
// CompareOptions::baseline_window); `groups` = {baseline, current,
// history newest first...}. Returns the joined logs and the run count.
std::pair<std::vector<double>, size_t> BaselineWindow(
    const std::vector<std::vector<double>>& groups,
    const stats::PooledNoise& pooled, const CompareOptions& o) {
  std::vector<double> joined = groups[0];
  size_t runs = 1;
  if (!pooled.ok() || groups[0].empty()) return {joined, runs};
  for (size_t g = 2; g < groups.size() && runs < o.baseline_window; ++g) {
    if (groups[g].empty()) continue;
    const auto t =
        stats::TTestWithNoise(groups[0], groups[g], pooled.std_dev, pooled.df);
    if (!t.valid || t.p_value < o.window_break_p) break;
    joined.insert(joined.end(), groups[g].begin(), groups[g].end());
    ++runs;
  }
  return {joined, runs};
}

// Verdict from the q-value, effect floor and direction.
Verdict Decide(const CompareRow& row, bool higher_is_better,
               const CompareOptions& o) {
  if (row.test.empty() || std::isnan(row.q_value)) return Verdict::kUnknown;
  const double log_ratio = std::log(row.ratio);
  const bool significant = row.q_value <= o.alpha;
  const bool large = std::fabs(log_ratio) >= o.effect_floor * row.noise &&
                     std::fabs(row.ratio - 1) >= o.min_change;
  if (!significant || !large || log_ratio == 0) return Verdict::kSame;
  return (log_ratio > 0) == higher_is_better ? Verdict::kBetter
                                             : Verdict::kWorse;
}

// BH over the rows' p-values, then verdicts.
void Finish(std::vector<CompareRow>* rows, const CompareOptions& o) {
  std::vector<double> p;
  for (const auto& r : *rows) p.push_back(r.test.empty() ? kNan : r.p_value);
  const auto q = stats::BenjaminiHochberg(p);
  for (size_t i = 0; i < rows->size(); ++i) {
    CompareRow& r = (*rows)[i];
    r.q_value = q[i];
    bool higher = true;
    if (auto m = FindMetric(r.metric); m.ok()) higher = m->higher_is_better;
    if (r.test.empty()) {
      r.verdict = Verdict::kUnknown;
    } else {
      r.verdict = Decide(r, higher, o);
    }
  }
}

}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kSame:
      return "same";
    case Verdict::kBetter:
      return "better";
    case Verdict::kWorse:
      return "worse";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "unknown";
}

bool Comparison::AnyWorse() const {
  for (const auto& r : rows) {
    if (r.verdict == Verdict::kWorse) return true;
  }
  for (const auto& a : accuracy) {
    if (a.verdict == Verdict::kWorse) return true;
  }
  return false;
}

CompareRow CompareSeries(const std::vector<double>& baseline,
                         const std::vector<double>& current,
                         const std::vector<std::vector<double>>& history,
                         const CompareOptions& o) {
  CompareRow row;
  const auto a_values = FiniteValues(baseline);
  const auto b_values = FiniteValues(current);
  row.baseline = stats::Median(a_values);
  row.current = stats::Median(b_values);
  // Logs of both runs and the history, outliers (host hiccups) dropped.
  std::vector<std::vector<double>> groups = {Logs(a_values), Logs(b_values)};
  for (const auto& h : history) groups.push_back(Logs(h));
  std::vector<size_t> dropped;
  groups = stats::DropOutliers(groups, o.outlier_k, &dropped);
  const std::vector<double>& lb = groups[1];
  row.outliers = dropped[0] + dropped[1];
  row.ratio = row.ci_low = row.ci_high = kNan;
  row.p_value = row.q_value = row.mw_p_value = row.noise = kNan;
  if (groups[0].empty() || lb.empty()) {
    row.note = groups[0].empty() ? "no baseline value" : "no current value";
    return row;
  }
  // Noise: within-run log std pooled over both runs and the history.
  const stats::PooledNoise pooled = stats::PoolNoise(groups);
  const auto [la, window_runs] = BaselineWindow(groups, pooled, o);
  row.baseline_runs = window_runs;
  row.n_baseline = la.size();
  row.n_current = lb.size();
  if (window_runs > 1) {
    std::vector<double> levels;
    for (double v : la) levels.push_back(std::exp(v));
    row.baseline = stats::Median(levels);
  }
  row.ratio = std::exp(stats::Mean(lb) - stats::Mean(la));
  row.mw_p_value = stats::MannWhitneyU(la, lb).p_value;
  const bool few =
      la.size() < o.min_repetitions || lb.size() < o.min_repetitions;
  // The two runs' own within-run degrees of freedom: pooling helps when
  // the history adds to them.
  const double own_df = static_cast<double>(groups[0].size() + lb.size()) - 2;
  stats::TTestResult t;
  if (few && pooled.ok() && pooled.df > own_df) {
    t = stats::TTestWithNoise(la, lb, pooled.std_dev, pooled.df);
    row.test = "pooled";
    row.noise = pooled.std_dev;
  } else {
    t = stats::WelchTTest(la, lb);
    row.test = t.valid ? "welch" : "";
    row.noise = pooled.ok() ? pooled.std_dev : kNan;
  }
  if (!t.valid) {
    row.test.clear();
    row.note = "too few repetitions and no history";
    return row;
  }
  if (pooled.ok()) {
    t = AddBetweenRun(t,
                      BetweenRunNoise(groups, pooled.std_dev * pooled.std_dev),
                      window_runs);
  }
  row.p_value = t.p_value;
  if (row.noise > o.max_noise) {
    row.note = fmt::format("unstable (noise {:.1f}%)", 100 * row.noise);
    row.test.clear();
    row.p_value = kNan;
  }
  const double tq = stats::StudentTQuantile(0.5 + o.confidence / 2, t.df);
  row.ci_low = std::exp(t.mean_difference - tq * t.standard_error);
  row.ci_high = std::exp(t.mean_difference + tq * t.standard_error);
  if (la.size() >= o.bootstrap_min_repetitions &&
      lb.size() >= o.bootstrap_min_repetitions) {
    std::vector<double> kept_a, kept_b;
    for (double v : la) kept_a.push_back(std::exp(v));
    for (double v : lb) kept_b.push_back(std::exp(v));
    const auto ci = stats::BootstrapGeometricMeanRatio(
        kept_a, kept_b, o.bootstrap_resamples, o.confidence, o.seed);
    if (ci.valid) {
      row.ci_low = ci.low;
      row.ci_high = ci.high;
    }
  }
  return row;
}

void AddToHistory(const RunSamples& samples, NoiseHistory* history) {
  for (const auto& [key, s] : samples.series) {
    auto& by_metric = (*history)[key];
    for (const auto& [metric, values] : s.metrics) {
      by_metric[metric].push_back(values);
    }
  }
}

Result<Comparison> CompareRuns(const RunSamples& baseline,
                               const RunSamples& current,
                               const NoiseHistory& history,
                               const CompareOptions& o) {
  Comparison c;
  c.baseline_run = baseline.run.run_id;
  c.current_run = current.run.run_id;
  static const std::vector<std::vector<double>> kNoHistory;
  for (const auto& [key, b] : current.series) {
    auto a = baseline.series.find(key);
    if (a == baseline.series.end()) {
      ++c.only_in_current;
      continue;
    }
    ++c.shared_series;
    const auto h = history.find(key);
    for (const auto& info : ComparedMetrics()) {
      const std::string metric(info.name);
      auto b_values_it = b.metrics.find(metric);
      auto a_values = a->second.metrics.find(metric);
      if (b_values_it == b.metrics.end() ||
          a_values == a->second.metrics.end()) {
        continue;
      }
      const std::vector<double>& b_values = b_values_it->second;
      const std::vector<std::vector<double>>* past = &kNoHistory;
      if (h != history.end()) {
        auto hm = h->second.find(metric);
        if (hm != h->second.end()) past = &hm->second;
      }
      CompareRow row = CompareSeries(a_values->second, b_values, *past, o);
      row.series = key;
      row.metric = metric;
      row.canary = b.canary || a->second.canary;
      (row.canary ? c.canary : c.rows).push_back(std::move(row));
    }
  }
  for (const auto& [key, a] : baseline.series) {
    if (!current.series.contains(key)) ++c.only_in_baseline;
  }
  if (c.shared_series == 0) {
    return Status::FailedPrecondition(fmt::format(
        "runs {} and {} share no series: nothing to compare (run {} has {}, "
        "run {} has {})",
        c.baseline_run, c.current_run, c.baseline_run, baseline.series.size(),
        c.current_run, current.series.size()));
  }
  Finish(&c.rows, o);
  Finish(&c.canary, o);
  return c;
}

}  // namespace infx::living
