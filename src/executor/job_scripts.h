// The batch scripts of a cluster sweep, as pure functions over the matrix
// and the site settings (golden-file tested): configs that fit one shape
// (nodes, gres) share a Slurm job array, one task per config, throttled
// with %K; a multi-node disaggregated config gets a heterogeneous job
// (prefill nodes in het group 0, decode nodes in het group 1). Each job
// runs `infx sweep-job` for its config (executor/cluster_job.h), directly,
// under pyxis (srun --container-image) or behind a command prefix
// (docker run ..., apptainer exec ...). docs/cluster.md shows examples.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "executor/executor_settings.h"
#include "sweep/matrix.h"

namespace infx::executor {

// What every job of a run shares.
struct JobContext {
  ExecutorSettings settings;
  std::string run_dir;  // absolute; scripts/, logs/, results/ below it
  int64_t run_id = 0;
  std::string infx;       // infx command on the compute nodes
  std::string store_url;  // PostgreSQL URL the jobs also write, or ""
  std::string url;        // --url override of the target, or ""
  // Contents of `infx sweep --hardware-file`, or "" for the built-in
  // catalog only. Slurm jobs read the copy at RunHardwarePath(run_dir);
  // Kubernetes jobs read it from the run's ConfigMap.
  std::string hardware_yaml;
};

struct JobScript {
  std::string file_name;  // "array-0.sbatch", "het-config-3.sbatch"
  std::string text;
  std::vector<int> configs;  // config indices it runs
  bool array = false;        // job array (task id = config index)
};

// Scripts for `configs` (indices into matrix.configs), arrays first.
std::vector<JobScript> RenderSlurmScripts(const sweep::Matrix& matrix,
                                          const std::vector<int>& configs,
                                          const JobContext& context);

// The log file of a config's job: <run_dir>/logs/config-<K>.log.
std::string ConfigLogPath(const std::string& run_dir, int config_index);
// The result file a config's job writes: <run_dir>/results/config-<K>.jsonl.
std::string ConfigResultPath(const std::string& run_dir, int config_index);
// The hardware file copy jobs read: <run_dir>/hardware.yaml.
std::string RunHardwarePath(const std::string& run_dir);
// The matrix copy jobs read: <run_dir>/matrix.yaml.
std::string RunMatrixPath(const std::string& run_dir);

// `infx sweep-job ...` arguments of one config ("${VAR}" allowed in
// config_arg), shell-quoted, without the infx command itself.
std::string JobArguments(const JobContext& context,
                         const std::string& matrix_path,
                         const std::string& config_arg);

// Single-quotes `s` for /bin/sh unless it is plainly safe.
std::string ShellQuote(const std::string& s);

}  // namespace infx::executor
