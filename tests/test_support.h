// Helpers for end-to-end tests that run the `infx` binary.
//
// Thread-safety: RunInfx is safe to call from several threads.
#pragma once

#include <string>
#include <vector>

namespace infx::testing {

struct CommandOutput {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs `INFX_BIN args...` (no shell), capturing stdout and stderr.
CommandOutput RunInfx(const std::vector<std::string>& args);

// <source>/../shared/data or $INFX_SHARED_DATA.
std::string SharedData(const std::string& relative);

// A fresh empty directory under the build tree for one test's files.
std::string ScratchDir(const std::string& test_name);

}  // namespace infx::testing
