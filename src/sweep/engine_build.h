// Which engine build serves a target, and where that was read: vLLM and
// SGLang answer GET /version ({"version": "0.10.2"}); llama.cpp's server has
// no /version but GET /props carries "build_info" ("b6110-1e6f6554"), and
// its stream chunks carry the same build as "system_fingerprint". A
// protected server answers these only with the API key, so the probes send
// it. The result is stored with each config (details "engine_version" and
// "engine_version_source"; docs/store.md).
//
// Thread-safety: free functions; each probe is independent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "metrics/request_record.h"

namespace infx::sweep {

struct EngineBuild {
  std::string version = "unknown";
  // "/version", "/props build_info", "stream system_fingerprint",
  // "version_command", "emulator"; "" when nothing answered.
  std::string source;
  bool known() const { return !source.empty(); }
};

// "Bearer $OPENAI_API_KEY" for control-plane probes ("" when unset);
// InvalidArgument when the key holds CR/LF (bench::ApiKeyFromEnv).
Result<std::string> ProbeAuthorization();

// GET /version, then /props, on http://host:port with `authorization`
// ("Bearer <key>" or ""). Unknown when neither answers usefully.
EngineBuild ProbeEngineBuild(const std::string& host, uint16_t port,
                             const std::string& authorization,
                             double timeout_s = 5);

// The first system_fingerprint in `records` (llama.cpp: its build)
// (source "stream system_fingerprint"); unknown when none carried one.
EngineBuild BuildFromRecords(
    const std::vector<metrics::RequestRecord>& records);

}  // namespace infx::sweep
