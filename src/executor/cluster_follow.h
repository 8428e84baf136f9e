// Submitting a cluster sweep's jobs and following them to their end (the
// second half of executor/cluster_sweep.h): sbatch or kubectl apply, then
// a polling loop over squeue / scontrol (or kubectl get job) that ingests
// the result files as they grow, prints progress and records each job's
// end. Internal to the executor module.
//
// Thread-safety: runs on the calling thread.
#pragma once

#include <string>
#include <vector>

#include "executor/cluster_sweep.h"
#include "executor/slurm_client.h"

namespace infx::executor {

// One submission: a script (array or single job) or a Job manifest.
struct SubmitUnit {
  std::string path;
  std::vector<int> configs;
  bool array = false;
  std::string k8s_job_name;  // kubernetes: metadata.name
};

struct FollowContext {
  const ClusterSweepOptions& options;
  const sweep::Matrix& matrix;
  store::ResultsStore& store;
  int64_t run_id;
  std::string run_dir;
  const SlurmClient& slurm;
};

// Submits `units`, follows them, fills out.summary / out.overhead_s and
// finishes the run. Errors only for what stops the controller (a submit
// failure after cancelling what was submitted, a store error).
Status SubmitAndFollow(const FollowContext& fc,
                       const std::vector<SubmitUnit>& units, int stored_before,
                       ClusterSweepResult& out);

}  // namespace infx::executor
