// Provenance: where a run's numbers came from, so that a change in a series
// can be traced to what changed around it ("suspects"). Run-level
// attributes are the infx version and git sha, the matrix hash, the host,
// the GPU driver and CUDA/ROCm versions (nvidia-smi / amd-smi when they
// exist) and free-form labels; config-level ones are the engine name and
// version, its flags digest, and the container image and digest.
//
// Attributes are flat string maps with stable names (docs/store.md):
//   infx_version, git_sha, host, matrix_hash, driver_version,
//   cuda_version, rocm_version, gpu_name, label.<key>,
//   engine, engine_version, engine_flags, image, image_digest.
//
// Thread-safety: pure functions, except CollectHostProvenance, which runs
// external commands (call it from one thread).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::living {

using Attributes = std::map<std::string, std::string>;

// Runs a command line and returns its stdout, or nullopt when the program
// is missing or fails. Injected so tests need no GPU.
using CommandRunner =
    std::function<std::optional<std::string>(const std::string& command)>;

// The real runner: the command through /bin/sh with a 10 s timeout, only
// when its first word is an executable on PATH.
std::optional<std::string> RunHostCommand(const std::string& command);

// Host provenance of this machine as a flat JSON object of strings
// (NewRun::provenance): driver_version, cuda_version, gpu_name (nvidia-smi),
// rocm_version, amd_driver_version (amd-smi), kernel. Missing tools leave
// their attributes out.
nlohmann::json CollectHostProvenance(const CommandRunner& run = RunHostCommand);

// Parsers of the tools' output (pure; exposed for tests).
// `nvidia-smi --query-gpu=driver_version,name --format=csv,noheader`.
Attributes ParseNvidiaSmiQuery(const std::string& csv);
// Plain `nvidia-smi`: its banner's "CUDA Version: 12.4".
std::optional<std::string> ParseNvidiaSmiCudaVersion(const std::string& text);
// `amd-smi version`: "AMDSMI Tool: ... | ROCm version: 6.2.0 | ...".
Attributes ParseAmdSmiVersion(const std::string& text);

// The digest of a container image: the "@sha256:..." part when the
// reference pins one, else `docker image inspect` (via `run`) when docker
// is installed; "" when unknown.
std::string ImageDigest(const std::string& image,
                        const CommandRunner& run = RunHostCommand);

// Parses `--label key=value` arguments. InvalidArgument naming the bad
// argument when it has no '=', an empty key, or repeats a key.
Result<store::Labels> ParseLabels(const std::vector<std::string>& args);

// Run-level attributes: infx_version, git_sha, host, matrix_hash, every
// string in run.provenance, and label.<key> for each label. Empty values
// are left out.
Attributes RunAttributes(const store::RunRecord& run);

// RunAttributes plus the config's engine, engine_version, engine_flags
// (digest), image and image_digest (from ConfigRecord and its details).
Attributes ConfigAttributes(const store::RunRecord& run,
                            const store::ConfigRecord& config);

// One attribute that differs between two runs ("" = absent on that side).
struct AttributeChange {
  std::string attribute;
  std::string before;
  std::string after;
  bool operator==(const AttributeChange&) const = default;
};

// Attributes whose value differs (or that exist on one side only), sorted
// by name; engine_version, image_digest, image and driver_version first as
// the likeliest causes.
std::vector<AttributeChange> DiffAttributes(const Attributes& before,
                                            const Attributes& after);

// "engine_version: vllm 0.9.1 -> vllm 0.9.2" ("(none)" for absent).
std::string FormatChange(const AttributeChange& change);

}  // namespace infx::living
