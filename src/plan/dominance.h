// Dominance over predicted curves: the predicted Pareto frontier
// (throughput per GPU against interactivity), the dominance cut with a
// margin, each survivor's contribution to the frontier, and the budgeted
// choice of benchmark points.
//
// A curve is read as the piecewise-linear path through its points; at
// interactivities below its slowest point it offers that point's
// throughput (serving users faster than needed is allowed), above its
// fastest point nothing.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

#include "plan/candidate.h"
#include "plan/plan.h"

namespace infx::plan {

// Throughput per GPU `c` reaches at interactivity `x`; nullopt past its
// fastest point.
std::optional<double> ThroughputAt(const Candidate& c, double x);

// Cuts kept candidates whose every point is below (1 - margin) x the best
// other kept candidate at that interactivity; the reason names the gap and,
// for PP inside a node or DP-attention that cannot help, the heuristic.
void CutDominated(const PlanRequest& request, std::vector<Candidate>& all,
                  double margin);

// Fills frontier_gain and frontier_closeness of the kept candidates.
void ScoreContributions(std::vector<Candidate>& all);

// Pareto-optimal points over every kept candidate, by rising interactivity.
std::vector<PlanPoint> PredictedFrontier(const std::vector<Candidate>& kept);

// Up to `budget` points: the frontier spread evenly over log interactivity,
// then the kept points closest to the frontier.
std::vector<PlanPoint> PickBudget(const std::vector<Candidate>& kept,
                                  const std::vector<PlanPoint>& frontier,
                                  int budget);

PlanPoint ToPlanPoint(const Candidate& c, const perf::ServingPoint& p);

}  // namespace infx::plan
