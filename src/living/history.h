// History: one series' metric over the runs of a store, its change points
// (e-divisive means with Otava's t-test check, stats/change_points.h) and
// the suspects of each change (provenance attributes that differ between
// the last run before it and the first run after it, living/provenance.h).
//
// The value of a run is the median of its repetitions. The series' noise is
// the within-run standard deviation of the logs pooled over its runs
// (stats::PoolNoise, outliers dropped as in compare.h), or, for runs of one
// repetition, the run-to-run noise (median absolute successive difference of
// the logs / (0.6745 sqrt 2)). A series whose noise exceeds `max_noise` is
// "unstable": its change points are still computed for display but flagged, and
// never alarm.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "living/provenance.h"
#include "stats/change_points.h"

namespace infx::living {

struct HistoryPoint {
  int64_t run_id = 0;
  std::string started_at;
  double value = 0;                 // median of the repetitions
  std::vector<double> repetitions;  // finite values only
  Attributes attributes;
};

struct HistoryChangePoint {
  int64_t run = 0;              // first run after the change
  int64_t last_run_before = 0;  // last run before it
  size_t index = 0;             // into History::points
  double before = 0;            // median of the runs before (its segment)
  double after = 0;             // median of the runs after (its segment)
  double change = 0;            // after / before - 1
  double p_value = 1;
  std::vector<AttributeChange> suspects;
};

struct HistoryOptions {
  // Window 50 as Otava; p 0.0002 rather than Otava's 0.001: the t-test of
  // the best of many candidate splits is not adjusted for the search, and
  // at 0.001 bench/living_benchmark.cc measures 1.6-3.2% spurious change
  // points on step-free 30-run histories (0.2-0.6% at 0.0002, with the 5%
  // step still found in 99%). `infx history --p-value 0.001` gives Otava's.
  stats::ChangePointOptions change_points = {.window = 50,
                                             .max_p_value = 0.0002};
  double max_noise = 0.10;  // log std above: unstable
};

struct History {
  std::string series;
  std::string metric;
  std::vector<HistoryPoint> points;  // oldest first; runs with a value
  std::vector<HistoryChangePoint> change_points;
  double noise = 0;      // log std (NaN when it cannot be estimated)
  double run_noise = 0;  // run-to-run log std of the values (NaN: < 3 runs)
  bool unstable = false;
};

// A point's value is the median of its finite repetitions (the given
// `value` when it has no repetitions at all); runs without a finite value
// are dropped before detection.
History AnalyzeHistory(std::string series, std::string metric,
                       std::vector<HistoryPoint> points,
                       const HistoryOptions& options);

}  // namespace infx::living
