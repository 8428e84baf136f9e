// A sweep measured in rounds (`--plan grid-cull`, `--plan adaptive`,
// `--sla`): each round is one RunPoints call with finish_run = false, and
// the run is closed once at the end. What the round loops share: adding a
// round's summary to the total, and closing the run (pending evals, exact
// point counts from the store, FinishRun).
//
// Thread-safety: as RunPoints (the calling thread only).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "store/results_store.h"
#include "sweep/runner.h"
#include "sweep/target.h"

namespace infx::sweep {

// Adds one round's failures, evals, interruption and time to `total`.
// Point counts are added too, though CloseRoundedRun recounts them.
void AddRound(SweepSummary& total, const SweepSummary& round);

// Runs the matrix's pending evals on `target` (unless interrupted), sets
// total's point counts from what the run holds now against
// `points_stored_before` (what earlier invocations stored: resumed), and
// finishes the run as completed or interrupted. Returns the total.
Result<SweepSummary> CloseRoundedRun(const SweepOptions& options,
                                     ServingTarget& target,
                                     store::ResultsStore& store, int64_t run_id,
                                     int points_stored_before,
                                     SweepSummary total);

}  // namespace infx::sweep
