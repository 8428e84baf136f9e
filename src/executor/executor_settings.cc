#include "executor/executor_settings.h"

#include <fmt/format.h>

#include <algorithm>

#include "sweep/yaml_fields.h"

namespace infx::executor {
namespace yamlf = sweep::yamlf;

std::string ExecutorName(ExecutorKind kind) {
  switch (kind) {
    case ExecutorKind::kLocal:
      return "local";
    case ExecutorKind::kSlurm:
      return "slurm";
    case ExecutorKind::kKubernetes:
      return "kubernetes";
  }
  return "local";
}

Result<ExecutorKind> ParseExecutorName(const std::string& name) {
  if (name == "local") return ExecutorKind::kLocal;
  if (name == "slurm") return ExecutorKind::kSlurm;
  if (name == "kubernetes" || name == "k8s") return ExecutorKind::kKubernetes;
  return Status::InvalidArgument(
      fmt::format("executor '{}': unknown (local, slurm, kubernetes)", name));
}

namespace {

Result<ContainerSettings> ParseContainer(const YAML::Node& n,
                                         const std::string& w) {
  ContainerSettings c;
  if (!n) return c;
  INFX_RETURN_IF_ERROR(
      yamlf::CheckKeys(n, {"runtime", "image", "mounts", "prefix"}, w));
  INFX_ASSIGN_OR_RETURN(std::string runtime,
                        yamlf::String(n, "runtime", "none", w));
  INFX_ASSIGN_OR_RETURN(c.image, yamlf::String(n, "image", "", w));
  INFX_ASSIGN_OR_RETURN(c.mounts, yamlf::String(n, "mounts", "", w));
  INFX_ASSIGN_OR_RETURN(c.prefix, yamlf::String(n, "prefix", "", w));
  if (runtime == "none") {
    c.runtime = ContainerRuntime::kNone;
  } else if (runtime == "pyxis") {
    c.runtime = ContainerRuntime::kPyxis;
    if (c.image.empty()) {
      return Status::InvalidArgument(w + ": runtime pyxis needs image");
    }
  } else if (runtime == "prefix" || runtime == "docker" ||
             runtime == "apptainer") {
    c.runtime = ContainerRuntime::kPrefix;
    if (c.prefix.empty()) {
      return Status::InvalidArgument(fmt::format(
          "{}: runtime {} needs prefix (e.g. \"docker run --rm --gpus all "
          "--network host -v /shared:/shared IMAGE\")",
          w, runtime));
    }
  } else {
    return Status::InvalidArgument(fmt::format(
        "{}: runtime '{}' unknown (none, pyxis, docker, apptainer, prefix)", w,
        runtime));
  }
  return c;
}

Result<KubernetesSettings> ParseKubernetes(const YAML::Node& n,
                                           const std::string& w) {
  KubernetesSettings k;
  if (!n) return k;
  INFX_RETURN_IF_ERROR(
      yamlf::CheckKeys(n,
                       {"namespace", "image", "gpu_resource", "service_account",
                        "volume_claim", "infx"},
                       w));
  INFX_ASSIGN_OR_RETURN(k.ns, yamlf::String(n, "namespace", k.ns, w));
  INFX_ASSIGN_OR_RETURN(k.image, yamlf::String(n, "image", "", w));
  INFX_ASSIGN_OR_RETURN(k.gpu_resource,
                        yamlf::String(n, "gpu_resource", k.gpu_resource, w));
  INFX_ASSIGN_OR_RETURN(k.service_account,
                        yamlf::String(n, "service_account", "", w));
  INFX_ASSIGN_OR_RETURN(k.volume_claim,
                        yamlf::String(n, "volume_claim", "", w));
  INFX_ASSIGN_OR_RETURN(k.infx, yamlf::String(n, "infx", k.infx, w));
  return k;
}

Result<std::map<std::string, std::string>> ParseEnv(const YAML::Node& n,
                                                    const std::string& w) {
  std::map<std::string, std::string> env;
  if (!n) return env;
  if (!n.IsMap()) return Status::InvalidArgument(w + " must be a mapping");
  try {
    for (const auto& kv : n) {
      env[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", w, e.what()));
  }
  return env;
}

}  // namespace

Result<ExecutorSettings> ParseExecutorSettings(const YAML::Node& node,
                                               const std::string& source) {
  ExecutorSettings s;
  if (!node || node.IsNull()) return s;
  const std::string w = source + ": executor";
  if (node.IsScalar()) {
    INFX_ASSIGN_OR_RETURN(s.kind, ParseExecutorName(node.as<std::string>()));
    return s;
  }
  INFX_RETURN_IF_ERROR(yamlf::CheckKeys(
      node,
      {"type", "partition", "account", "qos", "time", "gres", "gpus_per_node",
       "exclusive", "max_parallel", "container", "extra_sbatch", "env", "infx",
       "run_dir", "poll_interval_s", "kubernetes"},
      w));
  INFX_ASSIGN_OR_RETURN(std::string type,
                        yamlf::String(node, "type", "local", w));
  INFX_ASSIGN_OR_RETURN(s.kind, ParseExecutorName(type));
  INFX_ASSIGN_OR_RETURN(s.partition, yamlf::String(node, "partition", "", w));
  INFX_ASSIGN_OR_RETURN(s.account, yamlf::String(node, "account", "", w));
  INFX_ASSIGN_OR_RETURN(s.qos, yamlf::String(node, "qos", "", w));
  INFX_ASSIGN_OR_RETURN(s.time_limit, yamlf::String(node, "time", "", w));
  INFX_ASSIGN_OR_RETURN(s.gres, yamlf::String(node, "gres", "", w));
  INFX_ASSIGN_OR_RETURN(int64_t gpn, yamlf::Int(node, "gpus_per_node", 0, w));
  INFX_ASSIGN_OR_RETURN(s.exclusive, yamlf::Bool(node, "exclusive", false, w));
  INFX_ASSIGN_OR_RETURN(int64_t k, yamlf::Int(node, "max_parallel", 0, w));
  if (gpn < 0 || k < 0) {
    return Status::InvalidArgument(
        w + ": gpus_per_node and max_parallel must be >= 0");
  }
  s.gpus_per_node = static_cast<int>(gpn);
  s.max_parallel = static_cast<int>(k);
  INFX_ASSIGN_OR_RETURN(s.container,
                        ParseContainer(node["container"], w + ".container"));
  INFX_ASSIGN_OR_RETURN(s.extra_sbatch,
                        yamlf::StringList(node, "extra_sbatch", {}, w));
  INFX_ASSIGN_OR_RETURN(s.env, ParseEnv(node["env"], w + ".env"));
  INFX_ASSIGN_OR_RETURN(s.infx, yamlf::String(node, "infx", "", w));
  INFX_ASSIGN_OR_RETURN(s.run_dir, yamlf::String(node, "run_dir", "", w));
  INFX_ASSIGN_OR_RETURN(s.poll_interval_s,
                        yamlf::Double(node, "poll_interval_s", 2, w));
  if (!(s.poll_interval_s > 0)) {
    return Status::InvalidArgument(w + ": poll_interval_s must be > 0");
  }
  INFX_ASSIGN_OR_RETURN(s.kubernetes,
                        ParseKubernetes(node["kubernetes"], w + ".kubernetes"));
  return s;
}

int NodesFor(int gpus, int gpus_per_node) {
  if (gpus_per_node <= 0 || gpus <= gpus_per_node) return 1;
  return (gpus + gpus_per_node - 1) / gpus_per_node;
}

namespace {

// The GPU count of "gpu:8" / "gpu:h100:8"; 0 when the gres names none.
int GresGpus(const std::string& gres) {
  if (gres.rfind("gpu", 0) != 0) return 0;
  const size_t colon = gres.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return std::stoi(gres.substr(colon + 1));
  } catch (...) {
    return 0;
  }
}

}  // namespace

Status ValidateForCluster(const sweep::Matrix& matrix,
                          const ExecutorSettings& s) {
  const int gpn = s.gpus_per_node;
  if (gpn <= 0) return Status::Ok();
  if (const int g = GresGpus(s.gres); g > gpn) {
    return Status::InvalidArgument(fmt::format(
        "executor: gres {} asks for {} GPUs per node; gpus_per_node is {}",
        s.gres, g, gpn));
  }
  for (const auto& c : matrix.configs) {
    // One engine instance's tensor-parallel group must fit on one node
    // (pipeline stages and disaggregated workers may span nodes).
    int per_node = c.tp;
    std::string what = fmt::format("tp{}", c.tp);
    if (c.disaggregated()) {
      per_node = std::max(c.prefill->tp, c.decode->tp);
      what = fmt::format("a worker with tp{}", per_node);
    }
    if (per_node > gpn) {
      return Status::InvalidArgument(fmt::format(
          "config {}: {} needs {} GPUs per node; the site profile has "
          "gpus_per_node {}",
          c.Key(), what, per_node, gpn));
    }
  }
  return Status::Ok();
}

}  // namespace infx::executor
