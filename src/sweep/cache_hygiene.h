// Cache hygiene between sweep points: a warm prefix cache from an earlier
// point would make the next one look faster than it is (vLLM #52884: up to
// 86% more throughput on repeated runs). Before each point the sweep resets
// the server's prefix cache where the engine has an endpoint for it (vLLM
// and the emulator: POST /reset_prefix_cache; SGLang: POST /flush_cache);
// otherwise, or when the reset fails, it warns when the point re-sends
// prompts an earlier point sent to the same server since its last reset
// (same workload and seed). What was done is recorded in the point's result
// JSON as "cache_hygiene" (docs/bench-result.md).
//
// Thread-safety: CacheResetEndpoint is pure; ApplyCacheHygiene makes one
// blocking HTTP call; a CacheHygienist belongs to one thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

namespace infx::sweep {

struct CacheHygiene {
  // "reset" (the server's cache was emptied), "warned" (it could not be and
  // the point re-sends earlier prompts), "none" (it could not be, and
  // nothing repeats).
  std::string action = "none";
  std::string endpoint;  // "/reset_prefix_cache", "/flush_cache", "" = none
  std::string detail;    // why not reset / the warning
  nlohmann::json ToJson() const;
};

// The reset endpoint of `engine` ("vllm", "sglang", "emulator", ...), ""
// when it has none.
std::string CacheResetEndpoint(const std::string& engine);

// POSTs the engine's reset endpoint at the server root of `base_url` (a
// trailing "/v1" is dropped); on failure or no endpoint, warns when
// `repeats_earlier_prompts`.
CacheHygiene ApplyCacheHygiene(const std::string& engine,
                               const std::string& base_url,
                               bool repeats_earlier_prompts);

// The hygiene of one server across the points sent to it: remembers which
// prompt sets (workload, seed) the server has seen since its cache was last
// emptied, so that a point is warned about whenever it repeats one.
class CacheHygienist {
 public:
  CacheHygiene BeforePoint(const std::string& engine,
                           const std::string& base_url, int workload_index,
                           uint64_t seed);

 private:
  std::set<std::pair<int, uint64_t>> sent_;
};

}  // namespace infx::sweep
