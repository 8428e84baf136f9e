#include "sweep/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace infx::sweep {
namespace {

// Live process groups, for the second-Ctrl-C hard kill. 0 = free slot.
constexpr int kMaxGroups = 64;
std::atomic<pid_t> g_groups[kMaxGroups];
std::atomic<std::atomic<bool>*> g_cancel{nullptr};
std::atomic<int> g_interrupts{0};

void TrackGroup(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pgid)) return;
  }
}

void UntrackGroup(pid_t pgid) {
  for (auto& slot : g_groups) {
    pid_t expected = pgid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void OnInterrupt(int) {
  if (g_interrupts.fetch_add(1) == 0) {
    if (auto* cancel = g_cancel.load()) cancel->store(true);
    const char msg[] =
        "\ninfx: interrupted; stopping after cleanup (Ctrl-C again to "
        "kill now)\n";
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)ignored;
    return;
  }
  for (auto& slot : g_groups) {
    const pid_t pgid = slot.load();
    if (pgid > 0) kill(-pgid, SIGKILL);
  }
  _exit(130);
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

// Reaps every exited process of group `pgid` that is our child (the shell,
// and grandchildren reparented to us as the subreaper).
static void ReapGroup(pid_t pgid) {
  int status = 0;
  while (waitpid(-pgid, &status, WNOHANG) > 0) {
  }
}

ChildProcess::ChildProcess(pid_t pid, std::string log_path)
    : pid_(pid), log_path_(std::move(log_path)) {
  TrackGroup(pid_);
}

ChildProcess::~ChildProcess() { Terminate(5); }

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::string& command, const std::string& log_path) {
  std::error_code ec;
  const auto dir = std::filesystem::path(log_path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  const int log_fd =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::IoError(fmt::format("{}: cannot open engine log: {}",
                                       log_path, std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);  // own group: pgid == pid
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
  // Orphaned grandchildren of engines become our children, so teardown can
  // reap them instead of leaving zombies that keep the group "alive".
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr,
                             const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(log_fd);
  if (rc != 0) {
    return Status::IoError(
        fmt::format("cannot start '{}': {}", command, std::strerror(rc)));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, log_path));
}

std::optional<int> ChildProcess::Poll() {
  if (status_) return status_;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) status_ = DecodeStatus(status);
  return status_;
}

bool ChildProcess::GroupAlive() const {
  return kill(-pid_, 0) == 0 || errno == EPERM;
}

int ChildProcess::Terminate(double grace_s) {
  if (terminated_) return status_.value_or(-1);
  terminated_ = true;
  using Clock = std::chrono::steady_clock;
  kill(-pid_, SIGTERM);
  const auto deadline =
      Clock::now() + std::chrono::duration<double>(std::max(0.0, grace_s));
  while (Clock::now() < deadline) {
    Poll();
    if (status_) ReapGroup(pid_);
    if (status_ && !GroupAlive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (GroupAlive()) kill(-pid_, SIGKILL);
  if (!status_) {
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) status_ = DecodeStatus(status);
  }
  // Wait (briefly) for SIGKILLed grandchildren to disappear.
  for (int i = 0; i < 100 && (ReapGroup(pid_), GroupAlive()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  UntrackGroup(pid_);
  return status_.value_or(-1);
}

void InstallInterruptHandler(std::atomic<bool>* cancel) {
  g_cancel.store(cancel);
  g_interrupts.store(0);
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void RemoveInterruptHandler() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  g_cancel.store(nullptr);
}

std::string TailOfFile(const std::string& path, int max_lines) {
  std::ifstream in(path);
  if (!in) return "";
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace infx::sweep
