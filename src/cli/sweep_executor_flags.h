// `infx sweep` flags that pick the executor (docs/cluster.md): --executor
// local|slurm|kubernetes and the site overrides (--partition, --account,
// --time, --max-parallel, --run-dir), --dry-run and --apply. Resolve
// merges them over the matrix's `executor:` block.
//
// Thread-safety: call from the CLI setup and callback thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/result.h"
#include "executor/executor_settings.h"
#include "sweep/matrix.h"

namespace infx::cli {

struct ExecutorFlags {
  std::string executor;  // "" = the matrix's block, else local
  std::string partition, account, time_limit, run_dir;
  int max_parallel = -1;  // -1 = not given
  bool dry_run = false;
  bool apply = false;
};

void AddExecutorFlags(CLI::App* cmd, ExecutorFlags* flags);

// The matrix's executor block with the flags applied. `source` names the
// matrix in errors.
Result<executor::ExecutorSettings> ResolveExecutor(const ExecutorFlags& flags,
                                                   const sweep::Matrix& matrix,
                                                   const std::string& source);

}  // namespace infx::cli
