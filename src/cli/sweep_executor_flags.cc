#include "cli/sweep_executor_flags.h"

namespace infx::cli {

void AddExecutorFlags(CLI::App* cmd, ExecutorFlags* f) {
  cmd->add_option("--executor", f->executor,
                  "where configs run: local (default), slurm (one batch job "
                  "per config) or kubernetes (render Job manifests); "
                  "overrides the matrix's executor: block (docs/cluster.md)");
  cmd->add_option("--partition", f->partition, "slurm: partition");
  cmd->add_option("--account", f->account, "slurm: account");
  cmd->add_option("--time", f->time_limit,
                  "slurm: time limit per job, e.g. 02:00:00");
  cmd->add_option("--max-parallel", f->max_parallel,
                  "slurm: at most K configs' jobs at once (array %K)");
  cmd->add_option("--run-dir", f->run_dir,
                  "cluster: shared directory for scripts, logs and result "
                  "files (default infx-runs; the run gets DIR/run<ID>)");
  cmd->add_flag("--dry-run", f->dry_run,
                "cluster: write the job scripts or manifests, submit nothing");
  cmd->add_flag("--apply", f->apply,
                "kubernetes: kubectl apply the manifests and follow the Jobs");
}

Result<executor::ExecutorSettings> ResolveExecutor(const ExecutorFlags& f,
                                                   const sweep::Matrix& m,
                                                   const std::string& source) {
  INFX_ASSIGN_OR_RETURN(auto s,
                        executor::ParseExecutorSettings(m.executor, source));
  if (!f.executor.empty()) {
    INFX_ASSIGN_OR_RETURN(s.kind, executor::ParseExecutorName(f.executor));
  }
  if (!f.partition.empty()) s.partition = f.partition;
  if (!f.account.empty()) s.account = f.account;
  if (!f.time_limit.empty()) s.time_limit = f.time_limit;
  if (!f.run_dir.empty()) s.run_dir = f.run_dir;
  if (f.max_parallel >= 0) s.max_parallel = f.max_parallel;
  if (s.kind == executor::ExecutorKind::kLocal && (f.dry_run || f.apply)) {
    return Status::InvalidArgument(
        "--dry-run and --apply need --executor slurm or kubernetes");
  }
  return s;
}

}  // namespace infx::cli
