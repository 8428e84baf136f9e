// Output formats of a run analysis: aligned text tables for people, CSV and
// JSON for machines (schema in docs/frontier.md), and an SVG chart with one
// curve per config and the frontier drawn over them.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frontier/analysis.h"
#include "frontier/frontier.h"

namespace infx::frontier {

// Per scenario: the frontier points (x, y, config, concurrency, $/Mtok,
// tok/s/MW; when the run has evals also strict-match, flexible-extract,
// questions and PASS / FAIL / "FAIL (config)") and the iso-level table;
// then the planner's predictions vs measured (FormatPredictionErrors),
// FormatInvalidPoints and FormatAccuracyTable. Ends with a newline.
std::string FormatFrontierTable(const RunAnalysis& analysis);
// The run's INVALID points, one line each with the reasons, and whether
// they are on the frontier (--include-invalid). "" when there are none.
std::string FormatInvalidPoints(const RunAnalysis& analysis);
// [{"config_key", "isl", "osl", "concurrency", "request_rate",
//   "repetition", "reasons"}, ...] of RunAnalysis::invalid_points.
nlohmann::json InvalidPointsJson(const RunAnalysis& analysis);
// Every eval of the run (config, concurrency, task, both filters with
// their standard errors, questions, min score, PASS / FAIL) and a line
// counting the configs that FAIL. "" when the run has no evals.
std::string FormatAccuracyTable(const RunAnalysis& analysis);
// One row per frontier point, plus one row per iso level (kind column
// "frontier" | "iso"); header line first. The accuracy columns are those
// of the point's own eval (empty when none).
std::string FrontierCsv(const RunAnalysis& analysis);
nlohmann::json FrontierJson(const RunAnalysis& analysis);
// {"points": [PredictionErrorJson...], "median_abs_tput_error_pct"} of
// RunAnalysis::predictions (null median when none); FrontierJson's
// "predictions".
nlohmann::json PredictionsJson(const RunAnalysis& analysis);

// A vs B at matched x: ratios at each level, overlap and area between.
std::string FormatComparisonTable(const FrontierComparison& comparison,
                                  const std::string& label_a,
                                  const std::string& label_b);
nlohmann::json ComparisonJson(const FrontierComparison& comparison,
                              const std::string& label_a,
                              const std::string& label_b);

struct ChartOptions {
  int width_px = 820;
  int height_px = 520;
  std::string title;           // "" = scenario label
  bool show_predicted = true;  // draw planner predictions as hollow markers
  // Configs whose evals FAIL their min score (RunAccuracy::FailedConfigs):
  // their legend rows and tooltips say "accuracy FAIL".
  std::vector<std::string> failed_accuracy_configs;
};
// A standalone <svg> document (no external resources): axes with ticks,
// each config's measured points joined by a line, the frontier as a thick
// monotone curve, iso levels as dashed verticals.
std::string RenderSvgChart(const ScenarioFrontier& scenario,
                           const AnalysisOptions& options,
                           const ChartOptions& chart);

}  // namespace infx::frontier
