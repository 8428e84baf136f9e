// The controller side of a cluster sweep (`infx sweep --executor slurm`
// or `kubernetes`): validates the matrix against the site, opens (or
// resumes) the run, writes the matrix copy and the job scripts or
// manifests into the shared run directory, submits them, follows the jobs
// (squeue / scontrol show job, never sacct), ingests their result files
// idempotently as they grow, shows progress (configs pending, running,
// done, failed; points stored; ETA) and records every job's end: a job
// that failed, was cancelled, timed out or lost its node leaves its
// config's missing points failed with the reason and its log tail. Ctrl-C
// (the cancel flag) scancels what was submitted. --resume submits only
// configs with missing points. --dry-run writes the scripts only.
//
// Thread-safety: runs on the calling thread; `cancel` may be set from a
// signal handler.
#pragma once

#include <string>

#include "common/result.h"
#include "executor/executor_settings.h"
#include "store/results_store.h"
#include "sweep/runner.h"

namespace infx::executor {

struct ClusterSweepOptions {
  // matrix, matrix_text, resume, resume_run_id, versions, progress, cancel.
  sweep::SweepOptions sweep;
  ExecutorSettings settings;
  // Store location as given (a PostgreSQL URL is handed to the jobs, which
  // then write it directly; an SQLite path stays on the controller).
  std::string store_location;
  std::string url;  // --url override of the target, or ""
  bool dry_run = false;
  bool apply = false;         // kubernetes: kubectl apply and follow
  std::string slurm_bin_dir;  // "" = PATH
};

struct ClusterSweepResult {
  sweep::SweepSummary summary;
  std::string run_dir;               // where scripts, logs and result files are
  std::vector<std::string> scripts;  // written scripts / manifests
  std::vector<double> overhead_s;    // per config: submit to first request
};

// `store` may be null only for a dry run.
Result<ClusterSweepResult> RunClusterSweep(const ClusterSweepOptions& options,
                                           store::ResultsStore* store);

}  // namespace infx::executor
