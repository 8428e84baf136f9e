// Run analysis: turns the stored configs and points of one run into
// per-scenario frontiers (a scenario is one model at one ISL/OSL), with one
// curve per config, the Pareto frontier across configs, throughput at
// iso-interactivity levels, and cost / power figures from a price book.
// Repetitions of a point are summarized by their median before anything else.
// The run's eval results ride along (frontier/accuracy.h): configs that FAIL
// their min score are flagged, and left off the frontier only when asked
// (AnalysisOptions::exclude_failed_accuracy). This is what `infx frontier`,
// `infx report` and `infx sweep` print.
//
// Thread-safety: pure functions over values (AnalyzeRun reads the store it
// is given; the store's own rule applies).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "frontier/accuracy.h"
#include "frontier/frontier.h"
#include "frontier/prediction_error.h"
#include "store/results_store.h"

namespace infx::frontier {

// Price and power of one GPU type, from hardware::HardwareCatalog
// (usd_per_gpu_hour, all_in_power_watts). 0 = unknown.
struct GpuEconomics {
  double usd_per_gpu_hour = 0;
  double all_in_power_watts = 0;
};
// Keyed by lower-case hardware name as stored in ConfigRecord::hardware.
using PriceBook = std::map<std::string, GpuEconomics>;

struct AnalysisOptions {
  XMetric x = XMetric::kInteractivity;
  YMetric y = YMetric::kTotal;
  std::vector<double> iso_levels = {20, 50, 100};
  // True when iso_levels are the defaults above, not the user's (--iso):
  // a scenario whose frontier lies outside all of them then gets levels
  // chosen from its data instead (ScenarioFrontier::iso_from_data).
  bool iso_levels_are_defaults = true;
  // Leave configs with a failing eval (RunAccuracy::FailedConfigs) out of
  // every curve and frontier. Default: keep and flag them.
  bool exclude_failed_accuracy = false;
  // Keep points judged INVALID (store::PointMetrics::valid, run validity in
  // metrics/validity.h) on the curves and frontiers. Default: leave them
  // off; they are listed in RunAnalysis::invalid_points either way.
  bool include_invalid = false;
};

// A stored point judged INVALID, and why.
struct InvalidPoint {
  store::PointKey key;
  std::string reasons;  // store::PointMetrics::invalid_reasons
};

// One config's points (median of repetitions), sorted by concurrency.
struct ConfigCurve {
  std::string config_key;
  std::string hardware;
  int num_gpus = 1;
  std::vector<CurvePoint> measured;
  // From details["predicted_points"] (see store::ConfigRecord); may be empty.
  std::vector<CurvePoint> predicted;
};

// Cost and power of one frontier point, from its config's hardware.
struct PointEconomics {
  std::optional<double> usd_per_million_tokens;  // of the y-metric tokens
  std::optional<double> tok_s_per_mw;
};

struct IsoRow {
  double x = 0;
  std::optional<double> y;
  std::string config_key;  // frontier point nearest in x (who wins there)
  PointEconomics economics;
};

struct ScenarioFrontier {
  std::string model;  // details["model"], or "" when configs do not say
  int isl = 0;
  int osl = 0;
  std::vector<ConfigCurve> curves;
  std::vector<CurvePoint> frontier;       // Pareto points, x ascending
  std::vector<PointEconomics> economics;  // aligned with `frontier`
  MonotoneCurve curve;                    // fitted through `frontier`
  std::vector<IsoRow> iso;                // one per iso level
  // The default levels all missed this frontier's x range, so `iso` holds
  // levels chosen from the data (quarter points of the range, rounded).
  bool iso_from_data = false;
  // "llama-3.1-8b isl=1024 osl=1024" (model omitted when empty).
  std::string Label() const;
};

struct RunAnalysis {
  int64_t run_id = 0;
  AnalysisOptions options;
  std::vector<ScenarioFrontier> scenarios;  // sorted by model, isl, osl
  RunAccuracy accuracy;                     // the run's evals, judged
  // Configs left out by exclude_failed_accuracy, sorted.
  std::vector<std::string> excluded_configs;
  // Every INVALID point of the run (on the curves only with
  // AnalysisOptions::include_invalid), in store order.
  std::vector<InvalidPoint> invalid_points;
  // The planner's predictions beside the measured points the curves use
  // (frontier/prediction_error.h), every scenario; empty when the configs
  // carry none. MedianAbsTputErrorPct(predictions) is the run's figure.
  std::vector<PredictionError> predictions;
};

// Iso levels inside [x_min, x_max]: the quarter points of the range rounded
// to two significant digits (one level for a single point).
std::vector<double> IsoLevelsFromData(double x_min, double x_max);

// Pure core: configs, points and evals of one run (points of unknown
// configs are kept with num_gpus 1 and no hardware). Points with failed
// requests only (completed == 0) are ignored.
RunAnalysis AnalyzePoints(int64_t run_id,
                          const std::vector<store::ConfigRecord>& configs,
                          const std::vector<store::PointRecord>& points,
                          const AnalysisOptions& options,
                          const PriceBook& prices,
                          const std::vector<store::EvalRecord>& evals = {});

// Reads the run (configs, points, evals) from the store and calls
// AnalyzePoints. NotFound for an unknown run id.
Result<RunAnalysis> AnalyzeRun(store::ResultsStore& store, int64_t run_id,
                               const AnalysisOptions& options,
                               const PriceBook& prices);

// The frontier of a single config within a scenario (its own Pareto set),
// for comparing two configs. NotFound when the scenario has no such config.
Result<ScenarioFrontier> ConfigOnlyScenario(const ScenarioFrontier& scenario,
                                            const std::string& config_key,
                                            const AnalysisOptions& options,
                                            const PriceBook& prices);

}  // namespace infx::frontier
