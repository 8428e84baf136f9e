// `infx sweep-job`: internal command run by the job scripts of a cluster
// sweep on a compute node (executor/cluster_job.h); users run `infx sweep
// --executor slurm`. Exit 0 when every point of the config was stored.
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "executor/cluster_job.h"
#include "sweep/process.h"

namespace infx::cli {
namespace {

void SetupSweepJob(CLI::App& app) {
  auto o = std::make_shared<executor::ClusterJobOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep-job",
      "internal: run one config of a cluster sweep inside its job "
      "(docs/cluster.md)");
  cmd->group("");  // hidden from --help
  cmd->add_option("--matrix", o->matrix_path, "the run's matrix copy")
      ->required();
  cmd->add_option("--run-dir", o->run_dir, "shared run directory")->required();
  cmd->add_option("--run", o->run_id, "the controller's run id")->required();
  cmd->add_option("--config", o->config_index, "config index")->required();
  cmd->add_option("--store", o->store_url,
                  "PostgreSQL URL to write directly (else result file only)");
  cmd->add_option("--url", o->url, "running server to use as the target");
  cmd->add_option("--hardware-file", o->hardware_file,
                  "the run's hardware file copy (sweep --hardware-file)");
  cmd->callback([o] {
    static std::atomic<bool> cancel{false};
    sweep::InstallInterruptHandler(&cancel);
    o->progress = &std::cerr;
    o->progress_is_tty = isatty(STDERR_FILENO) != 0;
    o->cancel = &cancel;
    auto summary = executor::RunClusterJob(*o);
    sweep::RemoveInterruptHandler();
    if (!summary.ok()) {
      ExitWithError(summary.status());
      return;
    }
    for (const auto& f : summary->failures) {
      std::cerr << "failed: " << f.config_key << ": " << f.what << "\n";
    }
    const bool ok = summary->points_failed == 0 && summary->evals_failed == 0 &&
                    !summary->interrupted;
    std::cerr << "sweep-job: " << summary->points_measured << " measured, "
              << summary->points_resumed << " already stored, "
              << summary->points_failed << " failed\n";
    SetExitCode(ok ? 0 : 1);
  });
}

}  // namespace

INFX_REGISTER_COMMAND(31, SetupSweepJob);

}  // namespace infx::cli
