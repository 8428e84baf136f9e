// What runs inside a cluster job (`infx sweep-job`, started by the job
// scripts of executor/job_scripts.h): the points of ONE config of a matrix.
// It brings the config's target up on the compute node, runs the config's
// missing points and evals (sweep::RunPoints), tears the target down, and
// appends every record to the config's result file in the shared run
// directory (executor/result_file.h); with a PostgreSQL store it also
// writes the controller's run directly. The points a previous attempt
// already wrote (result file, or PostgreSQL) are not measured again.
//
// Thread-safety: RunClusterJob runs on the calling thread; `cancel` may be
// set from a signal handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>

#include "common/result.h"
#include "sweep/runner.h"

namespace infx::executor {

struct ClusterJobOptions {
  std::string matrix_path;    // the run's matrix copy
  std::string run_dir;        // shared run directory (results/ below it)
  int64_t run_id = 0;         // the controller's run
  int config_index = 0;       // index into the matrix's configs
  std::string store_url;      // PostgreSQL URL to write directly, or ""
  std::string url;            // --url override of the target, or ""
  std::string hardware_file;  // the run's --hardware-file copy, or ""
  std::ostream* progress = nullptr;
  bool progress_is_tty = false;
  std::atomic<bool>* cancel = nullptr;
};

// Runs the config; the summary counts only this config. A config that
// fails (target does not start, points fail) is recorded in the result
// file as failure records and an end record with ok = false.
Result<sweep::SweepSummary> RunClusterJob(const ClusterJobOptions& options);

// The matrix reduced to config `index` (its concurrencies and explicit
// points kept, renumbered to index 0). InvalidArgument if out of range.
Result<sweep::Matrix> SingleConfigMatrix(const sweep::Matrix& matrix,
                                         int index);

}  // namespace infx::executor
