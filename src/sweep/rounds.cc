#include "sweep/rounds.h"

#include "sweep/progress.h"
#include "sweep/sweep_evals.h"

namespace infx::sweep {

void AddRound(SweepSummary& total, const SweepSummary& round) {
  total.points_measured += round.points_measured;
  total.points_resumed += round.points_resumed;
  total.points_failed += round.points_failed;
  total.points_failed_stored += round.points_failed_stored;
  total.points_resumed_failed += round.points_resumed_failed;
  total.evals.insert(total.evals.end(), round.evals.begin(), round.evals.end());
  total.evals_failed += round.evals_failed;
  total.failures.insert(total.failures.end(), round.failures.begin(),
                        round.failures.end());
  total.interrupted = total.interrupted || round.interrupted;
  total.elapsed_s += round.elapsed_s;
}

Result<SweepSummary> CloseRoundedRun(const SweepOptions& options,
                                     ServingTarget& target,
                                     store::ResultsStore& store, int64_t run_id,
                                     int points_stored_before,
                                     SweepSummary total) {
  if (!total.interrupted) {
    Progress progress(options.progress, options.progress_is_tty, 0, 0);
    RunPendingEvals(options, target, store, run_id, progress, total);
    progress.Finish();
    total.interrupted = options.cancel && options.cancel->load();
  }
  // Exact counts from the store: what earlier invocations stored is
  // resumed, what is new was measured (or stored as failed) now.
  INFX_ASSIGN_OR_RETURN(auto stored_after, store.ListPoints(run_id));
  const int stored_now = static_cast<int>(stored_after.size());
  total.run_id = run_id;
  total.points_resumed = points_stored_before;
  total.points_measured =
      stored_now - points_stored_before - total.points_failed_stored;
  total.points_planned =
      stored_now + (total.points_failed - total.points_failed_stored);
  INFX_RETURN_IF_ERROR(store.FinishRun(run_id, total.interrupted
                                                   ? store::kRunInterrupted
                                                   : store::kRunCompleted));
  return total;
}

}  // namespace infx::sweep
