// Child processes for launched engines: a shell command started in its own
// process group with stdout and stderr appended to a log file, torn down as
// a group (SIGTERM, a grace period, then SIGKILL) and always reaped.
//
// Ctrl-C: InstallInterruptHandler makes the first SIGINT/SIGTERM set a
// cancel flag (the sweep stops after tearing down cleanly); a second one
// SIGKILLs every live process group started here and exits with 130. Live
// groups are tracked in a fixed, lock-free table so the handler stays
// async-signal-safe.
//
// Thread-safety: a ChildProcess is used from one thread; the group table
// and the handler are safe from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace infx::sweep {

class ChildProcess {
 public:
  // Runs `/bin/sh -c command` in a new process group, stdin /dev/null,
  // stdout+stderr appended to `log_path` (created with its directory).
  // IoError names the log path or the spawn failure.
  static Result<std::unique_ptr<ChildProcess>> Spawn(
      const std::string& command, const std::string& log_path);

  // Terminates the group; see Terminate.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps without blocking; the exit status once the shell has ended
  // (exit code, or 128 + signal number).
  std::optional<int> Poll();
  // SIGTERM to the whole group, up to `grace_s` seconds for it to empty,
  // then SIGKILL; reaps the shell. Idempotent. Returns the shell's status.
  int Terminate(double grace_s);
  // True while any process of the group is alive.
  bool GroupAlive() const;

 private:
  ChildProcess(pid_t pid, std::string log_path);
  pid_t pid_;
  std::string log_path_;
  std::optional<int> status_;
  bool terminated_ = false;
};

// Installs SIGINT/SIGTERM handlers that set *cancel (first signal) and kill
// all live groups then _exit(130) (second signal). `cancel` must outlive
// the program's use of it. Calling again replaces the flag.
void InstallInterruptHandler(std::atomic<bool>* cancel);
// Restores the default SIGINT/SIGTERM dispositions.
void RemoveInterruptHandler();

// Last `max_lines` lines of a text file ("" if unreadable), for errors.
std::string TailOfFile(const std::string& path, int max_lines);

}  // namespace infx::sweep
