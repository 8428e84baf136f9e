#include "sweep/cache_hygiene.h"

#include <fmt/format.h>

#include "bench/prefix_stats.h"
#include "client/http_get.h"
#include "client/url.h"
#include "sweep/engine_build.h"

namespace infx::sweep {

nlohmann::json CacheHygiene::ToJson() const {
  return {{"action", action}, {"endpoint", endpoint}, {"detail", detail}};
}

std::string CacheResetEndpoint(const std::string& engine) {
  if (engine == "vllm" || engine == "emulator") return "/reset_prefix_cache";
  if (engine == "sglang") return "/flush_cache";
  return "";
}

namespace {

// Empties the cache at `endpoint`; "" on success, else why not.
std::string PostReset(const std::string& engine, const std::string& base_url,
                      const std::string& endpoint) {
  auto url = client::ParseUrl(base_url);
  if (!url.ok()) return url.status().message();
  client::Url root = *url;
  root.path = bench::ServerRootPath(root.path);
  client::GetOptions options;
  options.timeout_s = 30;
  // A protected server may want the API key (as the sweep's probes).
  if (auto auth = ProbeAuthorization(); auth.ok()) {
    options.authorization = *auth;
  }
  auto reply = client::HttpPost(root, endpoint, options);
  if (!reply.ok()) return reply.status().message();
  if (reply->status >= 200 && reply->status < 300) return "";
  std::string why =
      fmt::format("POST {} answered HTTP {}", endpoint, reply->status);
  if (engine == "vllm" && reply->status == 404) {
    why += " (vLLM serves it only with VLLM_SERVER_DEV_MODE=1)";
  }
  return why;
}

}  // namespace

CacheHygiene ApplyCacheHygiene(const std::string& engine,
                               const std::string& base_url,
                               bool repeats_earlier_prompts) {
  CacheHygiene h;
  h.endpoint = CacheResetEndpoint(engine);
  const std::string why =
      h.endpoint.empty()
          ? fmt::format("engine '{}' has no prefix-cache reset endpoint",
                        engine)
          : PostReset(engine, base_url, h.endpoint);
  if (why.empty()) {
    h.action = "reset";
    return h;
  }
  h.detail = why;
  if (repeats_earlier_prompts) {
    h.action = "warned";
    h.detail +=
        "; this point re-sends prompts an earlier point sent, so "
        "cached prefixes may inflate its throughput";
  }
  return h;
}

CacheHygiene CacheHygienist::BeforePoint(const std::string& engine,
                                         const std::string& base_url,
                                         int workload_index, uint64_t seed) {
  const std::pair<int, uint64_t> prompts{workload_index, seed};
  CacheHygiene h = ApplyCacheHygiene(engine, base_url, sent_.count(prompts));
  if (h.action == "reset") sent_.clear();
  sent_.insert(prompts);
  return h;
}

}  // namespace infx::sweep
