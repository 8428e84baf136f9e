// Kubernetes rendering of a cluster sweep: one ConfigMap holding the
// matrix and one batch/v1 Job per config (the image, GPU resource limits,
// the `infx sweep-job` command, the run volume), as YAML text. Pure
// functions, golden-file tested; `infx sweep --executor kubernetes` writes
// them into a directory and, with --apply, runs kubectl (docs/cluster.md).
// No Kubernetes cluster is available to the tests: rendering only.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "executor/job_scripts.h"

namespace infx::executor {

struct Manifest {
  std::string file_name;  // "configmap.yaml", "job-config-3.yaml"
  std::string text;
  int config_index = -1;  // -1 for the ConfigMap
  std::string job_name;   // metadata.name of a Job
};

// Where the ConfigMap is mounted in the pods and the matrix path there.
inline constexpr const char* kK8sMatrixDir = "/etc/infx";

std::vector<Manifest> RenderKubernetes(const sweep::Matrix& matrix,
                                       const std::string& matrix_text,
                                       const std::vector<int>& configs,
                                       const JobContext& context);

}  // namespace infx::executor
