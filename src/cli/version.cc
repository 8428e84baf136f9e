#include "cli/version.h"

namespace infx::cli {

std::string VersionString() {
  return std::string("infx ") + INFX_VERSION + " (git " + INFX_GIT_SHA + ")";
}

std::string GitSha() { return INFX_GIT_SHA; }

}  // namespace infx::cli
