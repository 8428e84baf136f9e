// Adaptive frontier search: which (config, concurrency) to measure next so
// that the measured Pareto frontier (tok/s/user x tok/s/GPU) of each
// scenario (model x workload) reaches the full grid's with few points.
//
// Each curve (one config on one workload) has the planner's prediction at
// any concurrency and a CurveSurrogate of the residuals measured so far.
// A candidate is a grid concurrency of a live curve, or, near the knee (next
// to a grid level whose measured point is on the frontier), the geometric
// mean of two adjacent grid levels. Its expected hypervolume improvement
// (EHVI) over the scenario's measured frontier is integrated over the
// surrogate's log-normal error with Gauss-Hermite quadrature (one shared
// factor on both axes); its optimistic improvement is the improvement at
// mean + `optimism_sigmas` sigma. Next() returns the candidates of largest
// EHVI, in batches: after each pick the picked point's mean is assumed
// measured ("kriging believer") so the batch spreads.
//
// Rules: a curve whose optimistic improvement is 0 at every candidate
// (after its scenario has a measured frontier) is dropped with the reason;
// a curve found saturated (search/saturation.h) gets no candidate above its
// saturation point; the search stops when the budget is spent or the best
// EHVI is below `gain_threshold` of the scenario's predicted full-grid
// hypervolume.
//
// Thread-safety: not synchronized; one caller.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "search/hypervolume.h"
#include "search/saturation.h"
#include "search/surrogate.h"

namespace infx::search {

// A predicted or measured serving point with any named metrics
// ("median_ttft_ms", "p99_tpot_ms", ...).
struct Observation {
  double x = 0;  // interactivity, tok/s/user
  double y = 0;  // throughput, tok/s/GPU
  std::map<std::string, double> metrics;
};

using Predictor = std::function<std::optional<Observation>(int concurrency)>;

struct CurveInput {
  std::string scenario;     // frontiers are per scenario (model x workload)
  std::string label;        // config key + workload, for notes
  std::vector<int> levels;  // grid concurrencies, ascending
  Predictor predict;        // nullopt (or empty) where it cannot predict
};

struct SearchOptions {
  int budget_points = 0;  // measurements allowed (> 0)
  // When > 0, a scenario gets at most this share of its grid points (so
  // every model x workload stays within the share, not only the total).
  double scenario_share = 0;
  double gain_threshold = 0.002;  // of the predicted full-grid hypervolume
  double optimism_sigmas = 2.0;
  bool between_levels = true;  // geometric means near the knee
  SurrogateOptions surrogate;
  SaturationOptions saturation;
};

struct Candidate {
  int curve = 0;
  int concurrency = 0;
  double expected_gain = 0;    // EHVI, area units
  double optimistic_gain = 0;  // HVI at mean + optimism_sigmas sigma
};

struct ScenarioReport {
  std::string scenario;
  double measured_hv = 0;        // of the measured frontier
  double predicted_grid_hv = 0;  // surrogate means at every grid level
  int points = 0;                // measured in this scenario
  int grid_points = 0;           // of the full grid
};

class FrontierSearch {
 public:
  FrontierSearch(std::vector<CurveInput> curves, SearchOptions options);

  // Up to `max_points` candidates to measure next; empty when the search
  // is over (stop_reason() says why).
  std::vector<Candidate> Next(int max_points);
  // A measured point (nullopt: the point failed; it counts, adds nothing).
  void Observe(int curve, int concurrency, std::optional<Observation> obs);

  const std::string& stop_reason() const { return stop_reason_; }
  int points_used() const { return points_used_; }
  // Curve -> why it was dropped.
  const std::map<int, std::string>& dropped() const { return dropped_; }
  // Curve -> saturation point (concurrency).
  const std::map<int, double>& saturated() const { return saturated_; }
  std::vector<ScenarioReport> Report() const;
  // Human lines: drops, saturation, stop reason, hypervolume per scenario.
  std::vector<std::string> Notes() const;
  // Candidates of one curve with their gains (for tests and diagnostics).
  std::vector<Candidate> Candidates(int curve) const;

 private:
  struct Curve {
    CurveInput in;
    CurveSurrogate surrogate;
    std::map<int, std::optional<Observation>> measured;
    std::map<int, std::optional<Observation>> prediction_cache;
  };
  std::optional<Observation> Predict(int curve, int conc) const;
  // Surrogate mean (and sigma) at conc; nullopt when not predictable.
  std::optional<std::pair<HvPoint, double>> Estimate(int curve, int conc) const;
  Residual Prior(const std::string& scenario) const;
  std::vector<HvPoint> Front(const std::string& scenario) const;
  std::vector<int> Levels(int curve) const;
  Candidate Score(int curve, int conc, const std::vector<HvPoint>& front) const;
  double PredictedGridHv(const std::string& scenario) const;
  void UpdateDrops();

  mutable std::vector<Curve> curves_;
  SearchOptions o_;
  int points_used_ = 0;
  std::string stop_reason_;
  std::map<int, std::string> dropped_;
  std::map<int, double> saturated_;
};

}  // namespace infx::search
