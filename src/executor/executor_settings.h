// Where a sweep's configs run and with which site settings: `local` (this
// process, today's `infx sweep`), `slurm` (one batch job per config) or
// `kubernetes` (one Job manifest per config). Read from the matrix's
// `executor:` block and overridden by `infx sweep` flags; the schema is in
// docs/cluster.md. ValidateForCluster checks a matrix against the site
// (GPUs per node) before anything is written or submitted.
//
// Thread-safety: plain value types and pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "sweep/matrix.h"

namespace infx::executor {

enum class ExecutorKind { kLocal, kSlurm, kKubernetes };
// "local", "slurm", "kubernetes".
std::string ExecutorName(ExecutorKind kind);
Result<ExecutorKind> ParseExecutorName(const std::string& name);

// How the job starts infx on the compute node.
enum class ContainerRuntime {
  kNone,    // run the infx binary directly
  kPyxis,   // srun --container-image=IMAGE --container-mounts=MOUNTS
  kPrefix,  // a command prefix: "docker run --rm ... IMAGE", "apptainer exec"
};

struct ContainerSettings {
  ContainerRuntime runtime = ContainerRuntime::kNone;
  std::string image;   // pyxis image (e.g. "nvcr.io#nvidia/vllm:25.09")
  std::string mounts;  // pyxis "src:dst[,src:dst]"
  std::string prefix;  // kPrefix: prepended to the infx command line
};

struct KubernetesSettings {
  std::string ns = "default";  // metadata.namespace
  std::string image;           // container image holding infx
  std::string gpu_resource = "nvidia.com/gpu";
  std::string service_account;  // "" = the namespace default
  std::string volume_claim;     // PVC mounted at the run dir ("" = emptyDir)
  std::string infx = "infx";    // infx inside the image
};

struct ExecutorSettings {
  ExecutorKind kind = ExecutorKind::kLocal;
  // Slurm site profile.
  std::string partition, account, qos;
  std::string time_limit;  // sbatch --time, e.g. "02:00:00"
  // sbatch --gres per node, verbatim ("gpu:8"); "auto" = gpu:<GPUs of the
  // config on one node>; "" = none.
  std::string gres;
  int gpus_per_node = 0;  // 0 = unknown: one node per config, no checks
  bool exclusive = false;
  int max_parallel = 0;  // array throttle %K; 0 = no throttle
  ContainerSettings container;
  std::vector<std::string> extra_sbatch;   // extra "#SBATCH" lines
  std::map<std::string, std::string> env;  // exported in every job
  // The infx command on compute nodes; "" = this binary's absolute path.
  std::string infx;
  // Shared directory of scripts, logs and result files; "" =
  // infx-runs/run<ID> (must be visible to the compute nodes).
  std::string run_dir;
  double poll_interval_s = 2;  // squeue polling period
  KubernetesSettings kubernetes;
};

// Parses the `executor:` block (null node = defaults). `source` names the
// input in errors; unknown keys are errors naming them.
Result<ExecutorSettings> ParseExecutorSettings(const YAML::Node& node,
                                               const std::string& source);

// Nodes a (non-disaggregated) config or a worker pool needs.
int NodesFor(int gpus, int gpus_per_node);

// Errors name the config whose one engine instance (tensor parallel group,
// or one worker of a disaggregated pool) needs more GPUs per node than the
// site has, and a `gres: gpu:N` above gpus_per_node.
Status ValidateForCluster(const sweep::Matrix& matrix,
                          const ExecutorSettings& settings);

}  // namespace infx::executor
