#include "sweep/engine_build.h"

#include <nlohmann/json.hpp>

#include "bench/runner.h"
#include "sweep/http_probe.h"

namespace infx::sweep {
namespace {

// The string member `key` of the JSON object in `body`, or "".
std::string StringMember(const std::string& body, const char* key) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

}  // namespace

Result<std::string> ProbeAuthorization() {
  INFX_ASSIGN_OR_RETURN(
      std::string key, bench::ApiKeyFromEnv(bench::ClientConfig{}.api_key_env));
  return key.empty() ? std::string() : "Bearer " + key;
}

EngineBuild ProbeEngineBuild(const std::string& host, uint16_t port,
                             const std::string& authorization,
                             double timeout_s) {
  EngineBuild found;
  auto version = HttpGet(host, port, "/version", timeout_s, authorization);
  if (version.ok() && version->status == 200) {
    std::string v = StringMember(version->body, "version");
    if (v.empty() && version->body.find('{') == std::string::npos) {
      v = version->body.substr(0, version->body.find('\n'));  // plain text
    }
    if (!v.empty()) return {v, "/version"};
  }
  auto props = HttpGet(host, port, "/props", timeout_s, authorization);
  if (props.ok() && props->status == 200) {
    std::string build = StringMember(props->body, "build_info");
    if (!build.empty()) return {"llama.cpp " + build, "/props build_info"};
  }
  return found;
}

EngineBuild BuildFromRecords(
    const std::vector<metrics::RequestRecord>& records) {
  for (const metrics::RequestRecord& r : records) {
    if (!r.system_fingerprint.empty()) {
      return {r.system_fingerprint, "stream system_fingerprint"};
    }
  }
  return {};
}

}  // namespace infx::sweep
