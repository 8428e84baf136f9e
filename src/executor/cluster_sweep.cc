#include "executor/cluster_sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/files.h"
#include "executor/cluster_follow.h"
#include "executor/job_scripts.h"
#include "executor/k8s_manifests.h"

namespace infx::executor {
namespace {

std::string SelfPath() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("infx") : p.string();
}

Status WriteText(const std::string& path, const std::string& text,
                 bool executable) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  if (executable) {
    std::error_code ec;
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_exec |
                                     std::filesystem::perms::group_exec |
                                     std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add, ec);
  }
  return Status::Ok();
}

bool IsPostgres(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 ||
         location.rfind("postgres://", 0) == 0;
}

// Configs with at least one point missing from the store (all on a dry
// run), and how many points were stored before.
Result<std::vector<int>> ConfigsToRun(const sweep::Matrix& m,
                                      store::ResultsStore* store,
                                      int64_t run_id, int* stored) {
  std::set<int> todo;
  *stored = 0;
  for (const sweep::Point& p : sweep::ExpandPoints(m)) {
    bool have = false;
    if (store) {
      INFX_ASSIGN_OR_RETURN(have,
                            store->HasPoint(sweep::MakePointKey(m, p, run_id)));
    }
    if (have) {
      ++*stored;
    } else {
      todo.insert(p.config_index);
    }
  }
  return std::vector<int>(todo.begin(), todo.end());
}

Status MakeRunDir(const std::string& run_dir) {
  std::error_code ec;
  for (const char* sub : {"scripts", "logs", "results"}) {
    std::filesystem::create_directories(run_dir + "/" + sub, ec);
    if (ec) {
      return Status::IoError(
          fmt::format("run dir {}: {}", run_dir, ec.message()));
    }
  }
  return Status::Ok();
}

// Renders and writes the scripts (or manifests) of `todo`; returns what
// to submit.
Result<std::vector<SubmitUnit>> WriteUnits(const ClusterSweepOptions& o,
                                           const std::vector<int>& todo,
                                           const JobContext& ctx,
                                           ClusterSweepResult& out) {
  const sweep::Matrix& m = o.sweep.matrix;
  std::vector<SubmitUnit> units;
  if (o.settings.kind == ExecutorKind::kKubernetes) {
    for (auto& mf : RenderKubernetes(m, o.sweep.matrix_text, todo, ctx)) {
      const std::string path = out.run_dir + "/scripts/" + mf.file_name;
      INFX_RETURN_IF_ERROR(WriteText(path, mf.text, false));
      out.scripts.push_back(path);
      if (mf.config_index >= 0) {
        units.push_back({path, {mf.config_index}, false, mf.job_name});
      }
    }
    return units;
  }
  for (auto& js : RenderSlurmScripts(m, todo, ctx)) {
    const std::string path = out.run_dir + "/scripts/" + js.file_name;
    INFX_RETURN_IF_ERROR(WriteText(path, js.text, true));
    out.scripts.push_back(path);
    units.push_back({path, js.configs, js.array, ""});
  }
  return units;
}

}  // namespace

Result<ClusterSweepResult> RunClusterSweep(const ClusterSweepOptions& o,
                                           store::ResultsStore* store) {
  const sweep::Matrix& m = o.sweep.matrix;
  const ExecutorSettings& s = o.settings;
  INFX_RETURN_IF_ERROR(ValidateForCluster(m, s));
  const SlurmClient slurm(o.slurm_bin_dir);
  if (s.kind == ExecutorKind::kSlurm && !o.dry_run) {
    // One clear error before anything is created or submitted.
    INFX_RETURN_IF_ERROR(slurm.Check());
  }
  if (!o.dry_run && store == nullptr) {
    return Status::InvalidArgument("cluster sweep: no results store");
  }
  ClusterSweepResult out;
  int64_t run_id = 0;
  if (!o.dry_run) {
    INFX_ASSIGN_OR_RETURN(run_id, sweep::OpenRun(o.sweep, *store));
  }
  out.summary.run_id = run_id;
  const std::string base = s.run_dir.empty() ? "infx-runs" : s.run_dir;
  out.run_dir = std::filesystem::absolute(
                    fmt::format("{}/{}", base,
                                o.dry_run ? std::string("dry-run")
                                          : fmt::format("run{}", run_id)))
                    .lexically_normal()
                    .string();
  INFX_RETURN_IF_ERROR(MakeRunDir(out.run_dir));
  INFX_RETURN_IF_ERROR(
      WriteText(RunMatrixPath(out.run_dir), o.sweep.matrix_text, false));

  JobContext ctx;
  ctx.settings = s;
  ctx.run_dir = out.run_dir;
  ctx.run_id = run_id;
  ctx.infx = s.infx.empty() ? SelfPath() : s.infx;
  ctx.store_url = IsPostgres(o.store_location) ? o.store_location : "";
  ctx.url = o.url;
  if (!m.hardware_file.empty()) {
    // Jobs read their own copy: the user's path may not exist on the
    // compute nodes (or inside a pod).
    INFX_ASSIGN_OR_RETURN(ctx.hardware_yaml, ReadFile(m.hardware_file));
    INFX_RETURN_IF_ERROR(
        WriteText(RunHardwarePath(out.run_dir), ctx.hardware_yaml, false));
  }

  int stored_before = 0;
  INFX_ASSIGN_OR_RETURN(
      std::vector<int> todo,
      ConfigsToRun(m, o.dry_run ? nullptr : store, run_id, &stored_before));
  out.summary.points_planned = static_cast<int>(sweep::ExpandPoints(m).size());
  out.summary.points_resumed = stored_before;

  INFX_ASSIGN_OR_RETURN(std::vector<SubmitUnit> units,
                        WriteUnits(o, todo, ctx, out));
  if (o.dry_run || todo.empty() ||
      (s.kind == ExecutorKind::kKubernetes && !o.apply)) {
    if (!o.dry_run && store && todo.empty()) {
      INFX_RETURN_IF_ERROR(store->FinishRun(run_id, store::kRunCompleted));
    }
    return out;
  }
  FollowContext fc{o, m, *store, run_id, out.run_dir, slurm};
  INFX_RETURN_IF_ERROR(SubmitAndFollow(fc, units, stored_before, out));
  return out;
}

}  // namespace infx::executor
