#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/files.h"

namespace infx::testing {

CommandOutput RunInfx(const std::vector<std::string>& args) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("infx-run-" + std::to_string(::getpid()) + "-" +
                    std::to_string(reinterpret_cast<uintptr_t>(&args)));
  std::filesystem::create_directories(dir);
  const std::string out_path = (dir / "stdout").string();
  const std::string err_path = (dir / "stderr").string();
  CommandOutput result;
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* out = std::freopen(out_path.c_str(), "w", stdout);
    FILE* err = std::freopen(err_path.c_str(), "w", stderr);
    if (!out || !err) ::_exit(127);
    std::vector<char*> argv;
    std::string bin = INFX_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.stdout_text = ReadFile(out_path).value_or("");
  result.stderr_text = ReadFile(err_path).value_or("");
  std::filesystem::remove_all(dir);
  return result;
}

std::string SharedData(const std::string& relative) {
  return (SharedDataDir(INFX_SOURCE_DIR) / relative).string();
}

std::string ScratchDir(const std::string& test_name) {
  const auto dir =
      std::filesystem::path(INFX_BINARY_DIR) / "test-scratch" / test_name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace infx::testing
