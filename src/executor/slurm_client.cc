#include "executor/slurm_client.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace infx::executor {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.pop_back();
  }
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string Joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool OnPath(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0;
  }
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult r;
  int fds[2];
  if (argv.empty() || ::pipe2(fds, O_CLOEXEC) != 0) return r;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return r;
  }
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(fds[1]);
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = ::read(fds[0], buf.data(), buf.size())) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.output.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

bool IsFinalState(const std::string& s) {
  for (const char* f : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
                        "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL",
                        "DEADLINE", "SPECIAL_EXIT"}) {
    if (s.rfind(f, 0) == 0) return true;
  }
  return false;
}

JobState ParseScontrolJob(const std::string& text) {
  JobState js;
  std::stringstream ss(text);
  std::string tok;
  while (ss >> tok) {
    auto eq = tok.find('=');
    if (eq == std::string::npos) continue;
    const std::string k = tok.substr(0, eq), v = tok.substr(eq + 1);
    if (k == "JobState" && js.state.empty()) js.state = v;
    if (k == "Reason" && js.reason.empty()) js.reason = v;
    if (k == "ExitCode" && js.exit_code.empty()) js.exit_code = v;
  }
  return js;
}

SlurmClient::SlurmClient(std::string bin_dir) : bin_dir_(std::move(bin_dir)) {}

std::string SlurmClient::Bin(const std::string& name) const {
  return bin_dir_.empty() ? name : bin_dir_ + "/" + name;
}

Status SlurmClient::Check() const {
  for (const char* tool : {"sbatch", "squeue", "scontrol", "scancel"}) {
    if (!OnPath(Bin(tool))) {
      return Status::Unavailable(fmt::format(
          "slurm: {} not found{} (install the Slurm client tools, e.g. "
          "apt-get install slurm-client, or run on a login node)",
          tool, bin_dir_.empty() ? " on PATH" : " in " + bin_dir_));
    }
  }
  CommandResult ping = RunCommand({Bin("scontrol"), "ping"});
  if (ping.exit_code != 0 || ping.output.find("is UP") == std::string::npos) {
    return Status::Unavailable(fmt::format(
        "slurm: the controller does not answer (scontrol ping: {}); nothing "
        "was submitted",
        Trim(ping.output)));
  }
  return Status::Ok();
}

Result<std::string> SlurmClient::Submit(const std::string& script) const {
  CommandResult r = RunCommand({Bin("sbatch"), "--parsable", script});
  const std::string out = Trim(r.output);
  if (r.exit_code != 0 || out.empty() ||
      !std::isdigit(static_cast<unsigned char>(out[0]))) {
    return Status::Unavailable(fmt::format("sbatch {} failed (exit {}): {}",
                                           script, r.exit_code, out));
  }
  // "123" or "123;cluster"; sbatch may print warnings on earlier lines.
  std::string last = out.substr(
      out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  return last.substr(0, last.find(';'));
}

Result<std::map<std::string, JobState>> SlurmClient::Queue(
    const std::vector<std::string>& ids) const {
  std::map<std::string, JobState> out;
  if (ids.empty()) return out;
  CommandResult r = RunCommand(
      {Bin("squeue"), "-h", "-r", "-o", "%i|%T|%r", "-j", Joined(ids, ",")});
  if (r.exit_code != 0) {
    // squeue fails for a list of only-finished ids ("Invalid job id").
    if (r.output.find("Invalid job id") != std::string::npos) return out;
    return Status::Unavailable("squeue: " + Trim(r.output));
  }
  std::stringstream ss(r.output);
  std::string line;
  while (std::getline(ss, line)) {
    const auto a = line.find('|');
    const auto b = line.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    out[Trim(line.substr(0, a))] = {line.substr(a + 1, b - a - 1),
                                    Trim(line.substr(b + 1)), ""};
  }
  return out;
}

Result<std::optional<JobState>> SlurmClient::Show(const std::string& id) const {
  CommandResult r = RunCommand({Bin("scontrol"), "-o", "show", "job", id});
  if (r.exit_code != 0) {
    if (r.output.find("Invalid job id") != std::string::npos) {
      return std::optional<JobState>();
    }
    return Status::Unavailable("scontrol show job " + id + ": " +
                               Trim(r.output));
  }
  return std::optional<JobState>(ParseScontrolJob(r.output));
}

Status SlurmClient::Cancel(const std::vector<std::string>& ids) const {
  if (ids.empty()) return Status::Ok();
  std::vector<std::string> argv = {Bin("scancel")};
  argv.insert(argv.end(), ids.begin(), ids.end());
  CommandResult r = RunCommand(argv);
  if (r.exit_code != 0)
    return Status::Unavailable("scancel: " + Trim(r.output));
  return Status::Ok();
}

}  // namespace infx::executor
