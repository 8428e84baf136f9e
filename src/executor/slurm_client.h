// The Slurm commands the controller uses, run as child processes:
// `sbatch --parsable`, `squeue`, `scontrol show job`, `scontrol ping` and
// `scancel` (never `sacct`: accounting is often off). Output is parsed
// here; errors name the command and what it printed.
//
// Thread-safety: a SlurmClient holds no mutable state; calls may run from
// any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::executor {

// Output and exit status of a command run without a shell.
struct CommandResult {
  int exit_code = -1;  // 127 when the program is missing
  std::string output;  // stdout and stderr together
};
CommandResult RunCommand(const std::vector<std::string>& argv);

struct JobState {
  std::string state;      // RUNNING, PENDING, COMPLETED, FAILED, CANCELLED, ...
  std::string reason;     // Slurm's Reason field ("None" when none)
  std::string exit_code;  // "0:0" (scontrol), "" when unknown
};

// True for states a job never leaves (COMPLETED, FAILED, CANCELLED,
// TIMEOUT, NODE_FAIL, OUT_OF_MEMORY, PREEMPTED, BOOT_FAIL, DEADLINE).
bool IsFinalState(const std::string& state);

class SlurmClient {
 public:
  // `bin_dir`: where sbatch & co. live ("" = search PATH).
  explicit SlurmClient(std::string bin_dir = "");

  // One clear error when Slurm is unusable: sbatch missing, or the
  // controller not answering `scontrol ping`.
  Status Check() const;
  // Submits a script; returns the job id ("123").
  Result<std::string> Submit(const std::string& script_path) const;
  // Jobs and array tasks still known to squeue, by id ("123", "123_4").
  Result<std::map<std::string, JobState>> Queue(
      const std::vector<std::string>& job_ids) const;
  // `scontrol show job ID`; nullopt when Slurm no longer knows the job.
  Result<std::optional<JobState>> Show(const std::string& job_id) const;
  Status Cancel(const std::vector<std::string>& job_ids) const;

 private:
  std::string Bin(const std::string& name) const;
  std::string bin_dir_;
};

// Parses `scontrol show job -o` output (JobState=, Reason=, ExitCode=).
JobState ParseScontrolJob(const std::string& text);

}  // namespace infx::executor
