// Version of this build: "infx 0.1.0 (git abc1234)". Stored with every run.
#pragma once

#include <string>

namespace infx::cli {

std::string VersionString();
std::string GitSha();

}  // namespace infx::cli
