#include "living/provenance.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>

#include "living/series_key.h"

namespace infx::living {
namespace {

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  const auto end = s.find_last_not_of(ws);
  s.erase(end == std::string::npos ? 0 : end + 1);
  return s;
}

bool OnPath(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const auto candidate = std::filesystem::path(dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

// Likeliest causes of a change first, then the rest by name.
int Rank(const std::string& attribute) {
  static const char* kFirst[] = {
      "engine_version", "image_digest", "image",       "driver_version",
      "cuda_version",   "rocm_version", "engine_flags"};
  for (size_t i = 0; i < std::size(kFirst); ++i) {
    if (attribute == kFirst[i]) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kFirst));
}

void PutIfSet(Attributes& out, const std::string& name,
              const std::string& value) {
  if (!value.empty()) out[name] = value;
}

}  // namespace

std::optional<std::string> RunHostCommand(const std::string& command) {
  const std::string program = command.substr(0, command.find(' '));
  if (program.empty() || !OnPath(program)) return std::nullopt;
  FILE* pipe = popen(("timeout 10 " + command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return std::nullopt;
  }
  return out;
}

Attributes ParseNvidiaSmiQuery(const std::string& csv) {
  Attributes out;
  std::string line = csv.substr(0, csv.find('\n'));
  const auto comma = line.find(',');
  PutIfSet(out, "driver_version", Trim(line.substr(0, comma)));
  if (comma != std::string::npos) {
    PutIfSet(out, "gpu_name", Trim(line.substr(comma + 1)));
  }
  return out;
}

std::optional<std::string> ParseNvidiaSmiCudaVersion(const std::string& text) {
  static const std::regex kCuda(R"(CUDA Version:\s*([0-9][0-9.]*))");
  std::smatch m;
  if (std::regex_search(text, m, kCuda)) return m[1].str();
  return std::nullopt;
}

Attributes ParseAmdSmiVersion(const std::string& text) {
  Attributes out;
  static const std::regex kRocm(R"(ROCm version:\s*([0-9A-Za-z.+_-]+))");
  static const std::regex kLib(
      R"(AMDSMI Library version:\s*([0-9A-Za-z.+_-]+))");
  std::smatch m;
  if (std::regex_search(text, m, kRocm)) out["rocm_version"] = m[1].str();
  if (std::regex_search(text, m, kLib)) out["amdsmi_version"] = m[1].str();
  return out;
}

nlohmann::json CollectHostProvenance(const CommandRunner& run) {
  nlohmann::json out = nlohmann::json::object();
  if (auto q = run(
          "nvidia-smi --query-gpu=driver_version,name --format=csv,noheader")) {
    for (const auto& [k, v] : ParseNvidiaSmiQuery(*q)) out[k] = v;
    if (auto banner = run("nvidia-smi")) {
      if (auto cuda = ParseNvidiaSmiCudaVersion(*banner)) {
        out["cuda_version"] = *cuda;
      }
    }
  }
  if (auto amd = run("amd-smi version")) {
    for (const auto& [k, v] : ParseAmdSmiVersion(*amd)) out[k] = v;
  }
  struct utsname u {};
  if (uname(&u) == 0) out["kernel"] = std::string(u.release);
  return out;
}

std::string ImageDigest(const std::string& image, const CommandRunner& run) {
  if (image.empty()) return "";
  if (auto at = image.find("@sha256:"); at != std::string::npos) {
    return image.substr(at + 1);
  }
  // Only plain image references reach the shell.
  static const std::regex kSafe(R"([A-Za-z0-9._/:@-]+)");
  if (!std::regex_match(image, kSafe)) return "";
  auto out =
      run("docker image inspect --format {{index .RepoDigests 0}} " + image);
  if (!out) return "";
  std::string digest = Trim(*out);
  if (auto at = digest.find("@sha256:"); at != std::string::npos) {
    return digest.substr(at + 1);
  }
  return "";
}

Result<store::Labels> ParseLabels(const std::vector<std::string>& args) {
  store::Labels out;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument(fmt::format(
          "--label '{}': expected key=value with a non-empty key", arg));
    }
    if (!out.emplace(arg.substr(0, eq), arg.substr(eq + 1)).second) {
      return Status::InvalidArgument(fmt::format(
          "--label '{}': label '{}' given twice", arg, arg.substr(0, eq)));
    }
  }
  return out;
}

Attributes RunAttributes(const store::RunRecord& run) {
  Attributes out;
  PutIfSet(out, "infx_version", run.infx_version);
  PutIfSet(out, "git_sha", run.git_sha);
  PutIfSet(out, "host", run.host);
  PutIfSet(out, "matrix_hash", run.matrix_hash);
  if (run.provenance.is_object()) {
    for (const auto& [k, v] : run.provenance.items()) {
      PutIfSet(out, k, v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  for (const auto& [k, v] : run.labels) PutIfSet(out, "label." + k, v);
  return out;
}

Attributes ConfigAttributes(const store::RunRecord& run,
                            const store::ConfigRecord& config) {
  Attributes out = RunAttributes(run);
  const nlohmann::json& d = config.details;
  auto detail = [&d](const char* name) -> std::string {
    if (!d.is_object() || !d.contains(name) || !d[name].is_string()) return "";
    return d[name].get<std::string>();
  };
  PutIfSet(out, "engine", detail("engine"));
  PutIfSet(out, "engine_version",
           config.engine_version.empty() ? detail("engine_version")
                                         : config.engine_version);
  const std::string flags = detail("engine_flags");
  if (!flags.empty()) out["engine_flags"] = Sha256Digest(flags).substr(0, 19);
  PutIfSet(out, "image", detail("image"));
  PutIfSet(out, "image_digest", detail("image_digest"));
  return out;
}

std::vector<AttributeChange> DiffAttributes(const Attributes& before,
                                            const Attributes& after) {
  std::vector<AttributeChange> out;
  for (const auto& [k, v] : before) {
    auto it = after.find(k);
    const std::string now = it == after.end() ? "" : it->second;
    if (now != v) out.push_back({k, v, now});
  }
  for (const auto& [k, v] : after) {
    if (!before.contains(k)) out.push_back({k, "", v});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const int ra = Rank(a.attribute), rb = Rank(b.attribute);
    return ra != rb ? ra < rb : a.attribute < b.attribute;
  });
  return out;
}

std::string FormatChange(const AttributeChange& c) {
  auto show = [](const std::string& v) {
    return v.empty() ? std::string("(none)") : v;
  };
  return fmt::format("{}: {} -> {}", c.attribute, show(c.before),
                     show(c.after));
}

}  // namespace infx::living
