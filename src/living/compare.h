// Compare: the verdict of one run against a baseline run, series by series
// and metric by metric (docs/living.md, "infx compare").
//
// For every (series, metric) both runs measured, on the logs of the
// per-repetition values (outliers, a repetition hit by a host hiccup,
// dropped first: stats::DropOutliers with `outlier_k`):
// - baseline window: the baseline run's repetitions are joined by those of
//   up to `baseline_window - 1` earlier runs of the series' history
//   (newest first), stopping at the first run whose mean differs from the
//   baseline run's (pooled-noise t-test, p < `window_break_p`): a stable
//   history makes the baseline mean precise (more power at few
//   repetitions), a step in it (an earlier regression) keeps the window to
//   the runs after the step, so a regression is not reported twice;
// - ratio = GM(current) / GM(baseline window), the ratio of geometric
//   means;
// - noise = within-run standard deviation of the logs, pooled over the
//   baseline's and current's repetitions and the series' history
//   (stats::PoolNoise); with fewer than `min_repetitions` on a side and a
//   history to pool, the test is a t-test against that pooled noise
//   ("pooled"), else Welch's t-test ("welch"); either is widened by the
//   between-run variance of run means estimated from the baseline and the
//   history (runs drift more than back-to-back repetitions scatter);
//   Mann-Whitney U is reported
//   beside it (with n = 3 per side its smallest two-sided p is 0.1, so it
//   informs but does not decide);
// - 95% CI of the ratio: percentile bootstrap (seeded) when both sides have
//   >= `bootstrap_min_repetitions`, else the t interval of the test;
// - q-value: Benjamini-Hochberg over every test of the comparison;
// - verdict: "unknown" when the test cannot be run (too few repetitions and
//   no history, a side without values) or the series is unstable (noise >
//   `max_noise`); "better"/"worse" when q <= alpha AND |log ratio| >=
//   effect_floor * noise AND |ratio - 1| >= min_change; else "same".
// Canary series are compared the same way but reported apart (with their
// own BH family) so environment drift is told apart from engine changes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "living/samples.h"

namespace infx::living {

enum class Verdict { kSame, kBetter, kWorse, kUnknown };
std::string_view VerdictName(Verdict v);  // "same", "better", ...

struct CompareOptions {
  double alpha = 0.05;        // q-value threshold (FDR level)
  double effect_floor = 1.0;  // minimum |log ratio| in noise units
  // Minimum relative change called better/worse, whatever the noise: a
  // 0.5% shift between two runs on a very quiet host is significant but
  // is host drift, not a regression worth an alarm.
  double min_change = 0.01;
  double max_noise = 0.10;      // noise (log std) above this: unstable
  size_t min_repetitions = 10;  // below this per side, pool with history
  size_t bootstrap_min_repetitions = 8;
  int bootstrap_resamples = 2000;
  double confidence = 0.95;
  uint64_t seed = 1;  // bootstrap seed
  // Repetitions farther than this many robust standard deviations from
  // their run's median are dropped as outliers (stats::DropOutliers).
  double outlier_k = 6.0;
  // Runs in the baseline window (1 = the baseline run alone).
  size_t baseline_window = 10;
  double window_break_p = 0.01;
};

struct CompareRow {
  std::string series;
  std::string metric;
  bool canary = false;
  double baseline = 0;  // median of the baseline window's repetitions
  double current = 0;   // median of the current run's repetitions
  size_t n_baseline = 0, n_current = 0;  // repetitions used
  size_t baseline_runs = 0;              // runs in the baseline window
  size_t outliers = 0;  // repetitions dropped as outliers (both runs)
  double ratio = 0;     // GM(current) / GM(baseline); NaN when unknown
  double ci_low = 0, ci_high = 0;
  double p_value = 1, q_value = 1;  // NaN when no test
  double mw_p_value = 1;            // Mann-Whitney U, two-sided
  std::string test;                 // "welch" | "pooled" | ""
  double noise = 0;                 // log std used (NaN when none)
  Verdict verdict = Verdict::kUnknown;
  std::string note;  // why unknown ("unstable", "too few repetitions")
};

// Per-question paired accuracy change (eval::ComparePaired, McNemar).
struct AccuracyRow {
  std::string config_key;
  std::string task;
  size_t paired = 0;
  double baseline = 0, current = 0;  // accuracy fractions
  double p_value = 1;
  Verdict verdict = Verdict::kUnknown;
};

struct Comparison {
  int64_t baseline_run = 0;
  int64_t current_run = 0;
  std::vector<CompareRow> rows;    // non-canary series
  std::vector<CompareRow> canary;  // canary series
  std::vector<AccuracyRow> accuracy;
  size_t shared_series = 0;
  size_t only_in_baseline = 0;  // series left out
  size_t only_in_current = 0;
  bool AnyWorse() const;
};

// History for the noise estimate: series -> metric -> repetition values of
// each earlier run.
using NoiseHistory =
    std::map<std::string,
             std::map<std::string, std::vector<std::vector<double>>>,
             std::less<>>;

// FailedPrecondition when the runs share no series (naming both runs).
Result<Comparison> CompareRuns(const RunSamples& baseline,
                               const RunSamples& current,
                               const NoiseHistory& history,
                               const CompareOptions& options);

// One (series, metric) row without the q-value (pure core, for tests).
CompareRow CompareSeries(const std::vector<double>& baseline,
                         const std::vector<double>& current,
                         const std::vector<std::vector<double>>& history,
                         const CompareOptions& options);

// Adds the history of `samples` (one earlier run) to `history`.
void AddToHistory(const RunSamples& samples, NoiseHistory* history);

}  // namespace infx::living
