// The HTML report of one run: a single self-contained file (inline CSS and
// SVG, no scripts or external resources) with the run's metadata, per
// scenario a frontier chart, the frontier and iso-interactivity tables, the
// planner's predicted points beside the measured ones, every measured point,
// config details and eval results (strict-match and flexible-extract with
// standard errors beside the points and configs that have one, FAIL where
// a config's min score is not reached; frontier/accuracy.h). Opens in a
// browser without a server.
//
// Thread-safety: pure rendering; WriteHtmlReport reads the given store (the
// store's own rule applies).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "frontier/analysis.h"
#include "store/results_store.h"

namespace infx::report {

struct ReportOptions {
  // Axes and iso levels of the charts; exclude_failed_accuracy leaves
  // configs that FAIL their min score off the charts and frontier tables
  // (they stay in the accuracy, points and configs sections).
  frontier::AnalysisOptions analysis;
  // For the $/Mtok and tok/s/MW columns; when empty, the built-in hardware
  // catalog's figures for the run's configs are used.
  frontier::PriceBook prices;
  // What `infx sweep --plan` / `--sla` searched (points against the grid,
  // hypervolume reached, dropped configs and why, the stop reason), one
  // line each (sweep::SweepSummary::search_notes); empty: no section. The
  // search is not stored, so only the sweep's own report has it.
  std::vector<std::string> search_notes;
};

// Everything the report shows, as read from the store.
struct ReportData {
  store::RunRecord run;
  std::vector<store::ConfigRecord> configs;
  std::vector<store::PointRecord> points;
  std::vector<store::EvalRecord> evals;
};

Result<ReportData> LoadReportData(store::ResultsStore& store, int64_t run_id);
// The HTML document.
std::string RenderHtmlReport(const ReportData& data,
                             const ReportOptions& options);
// Loads, renders and writes `path` atomically. NotFound for an unknown run;
// IoError naming the path when it cannot be written.
Status WriteHtmlReport(store::ResultsStore& store, int64_t run_id,
                       const std::string& path, const ReportOptions& options);

}  // namespace infx::report
