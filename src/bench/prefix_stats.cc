#include "bench/prefix_stats.h"

#include <fmt/format.h>

#include <cstdlib>

#include "client/http_get.h"
#include "client/url.h"

namespace infx::bench {
namespace {

// Value of a sample line "name{labels} value" or "name value".
bool SampleValue(std::string_view line, std::string_view name, double* out) {
  if (!line.starts_with(name)) return false;
  const std::string_view rest = line.substr(name.size());
  if (rest.empty() || (rest[0] != '{' && rest[0] != ' ')) return false;
  const size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return false;
  const std::string value(line.substr(space + 1));
  char* end = nullptr;
  *out = std::strtod(value.c_str(), &end);
  return end != value.c_str();
}

}  // namespace

std::optional<PrefixCounters> ParsePrefixCounters(std::string_view text) {
  PrefixCounters c;
  bool found = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    double v = 0;
    if (SampleValue(line, "vllm:prefix_cache_queries_total", &v) ||
        SampleValue(line, "vllm:prefix_cache_queries", &v)) {
      c.queries += v;
      found = true;
    } else if (SampleValue(line, "vllm:prefix_cache_hits_total", &v) ||
               SampleValue(line, "vllm:prefix_cache_hits", &v)) {
      c.hits += v;
      found = true;
    } else if (SampleValue(line, "vllm:external_prefix_cache_hits_total", &v) ||
               SampleValue(line, "vllm:external_prefix_cache_hits", &v)) {
      c.external_hits += v;
    }
  }
  if (!found) return std::nullopt;
  return c;
}

void SetObserved(const PrefixCounters& before, const PrefixCounters& after,
                 PrefixCacheStats& s) {
  s.observed_query_tokens = after.queries - before.queries;
  s.observed_external_hit_tokens = after.external_hits - before.external_hits;
  s.observed_hit_tokens =
      after.hits - before.hits + s.observed_external_hit_tokens;
  if (s.observed_query_tokens > 0) {
    s.observed_hit_rate = s.observed_hit_tokens / s.observed_query_tokens;
  }
}

nlohmann::json PrefixCacheStatsJson(const PrefixCacheStats& s) {
  auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"theoretical_hit_rate", opt(s.theoretical_hit_rate)},
          {"theoretical_prompt_tokens", s.theoretical_prompt_tokens},
          {"theoretical_hit_tokens", s.theoretical_hit_tokens},
          {"observed_hit_rate", opt(s.observed_hit_rate)},
          {"observed_query_tokens", s.observed_query_tokens},
          {"observed_hit_tokens", s.observed_hit_tokens},
          {"observed_external_hit_tokens", s.observed_external_hit_tokens}};
}

std::string PrefixCacheSummary(const PrefixCacheStats& s) {
  auto pct = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.2f}%", *v * 100) : std::string("n/a");
  };
  return fmt::format(
      "{:<40}{:>10}\n{:<40}{:>10}\n",
      "Prefix hit rate (theoretical):", pct(s.theoretical_hit_rate),
      "Prefix hit rate (server):", pct(s.observed_hit_rate));
}

std::string ServerRootPath(std::string_view path) {
  std::string p(path);
  if (p.ends_with("/v1")) p.resize(p.size() - 3);
  return p;
}

std::optional<PrefixCounters> ScrapePrefixCounters(
    const std::string& base_url, const std::string& authorization,
    bool verify_tls) {
  auto url = client::ParseUrl(base_url);
  if (!url.ok()) return std::nullopt;
  client::GetOptions options;
  options.timeout_s = 10;
  options.authorization = authorization;
  options.verify_tls = verify_tls;
  client::Url root = *url;
  root.path = ServerRootPath(root.path);
  auto reply = client::HttpGet(root, "/metrics", options);
  if (!reply.ok() || reply->status != 200) return std::nullopt;
  return ParsePrefixCounters(reply->body);
}

}  // namespace infx::bench
