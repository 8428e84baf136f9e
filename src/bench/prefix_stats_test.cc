#include "bench/prefix_stats.h"

#include <gtest/gtest.h>

namespace infx::bench {
namespace {

TEST(PrefixStatsTest, SumsCounterSamplesAcrossLabels) {
  const char* text =
      "# HELP vllm:prefix_cache_queries_total Prefix cache queries.\n"
      "# TYPE vllm:prefix_cache_queries_total counter\n"
      "vllm:prefix_cache_queries_total{model_name=\"a\",engine=\"0\"} 100.0\n"
      "vllm:prefix_cache_queries_total{model_name=\"a\",engine=\"1\"} 50\n"
      "vllm:prefix_cache_hits_total{model_name=\"a\"} 30.0\n"
      "vllm:prefix_cache_hits_created{model_name=\"a\"} 1.7e9\n"
      "vllm:num_requests_running{model_name=\"a\"} 3\n";
  auto c = ParsePrefixCounters(text);
  ASSERT_TRUE(c.has_value());
  EXPECT_DOUBLE_EQ(c->queries, 150);
  EXPECT_DOUBLE_EQ(c->hits, 30);
  EXPECT_DOUBLE_EQ(c->external_hits, 0);
  EXPECT_FALSE(ParsePrefixCounters("vllm:num_requests_running 1\n"));
}

// A CPU offload tier's hits (vLLM's connector counters) are hits too.
TEST(PrefixStatsTest, ExternalHitsCountAsObservedHits) {
  auto before = ParsePrefixCounters(
      "vllm:prefix_cache_queries_total 100\n"
      "vllm:prefix_cache_hits_total 10\n"
      "vllm:external_prefix_cache_queries_total 100\n"
      "vllm:external_prefix_cache_hits_total 5\n");
  auto after = ParsePrefixCounters(
      "vllm:prefix_cache_queries_total 300\n"
      "vllm:prefix_cache_hits_total 60\n"
      "vllm:external_prefix_cache_queries_total 300\n"
      "vllm:external_prefix_cache_hits_total 45\n");
  ASSERT_TRUE(before && after);
  EXPECT_DOUBLE_EQ(after->external_hits, 45);
  PrefixCacheStats s;
  SetObserved(*before, *after, s);
  EXPECT_DOUBLE_EQ(s.observed_query_tokens, 200);
  EXPECT_DOUBLE_EQ(s.observed_external_hit_tokens, 40);
  EXPECT_DOUBLE_EQ(s.observed_hit_tokens, 90);
  ASSERT_TRUE(s.observed_hit_rate);
  EXPECT_DOUBLE_EQ(*s.observed_hit_rate, 0.45);
  EXPECT_EQ(PrefixCacheStatsJson(s)["observed_external_hit_tokens"], 40);
}

TEST(PrefixStatsTest, RootPathAndJson) {
  EXPECT_EQ(ServerRootPath("/v1"), "");
  EXPECT_EQ(ServerRootPath("/proxy/v1"), "/proxy");
  EXPECT_EQ(ServerRootPath("/proxy"), "/proxy");
  PrefixCacheStats s;
  s.theoretical_hit_rate = 0.25;
  const auto j = PrefixCacheStatsJson(s);
  EXPECT_EQ(j["theoretical_hit_rate"], 0.25);
  EXPECT_TRUE(j["observed_hit_rate"].is_null());
  EXPECT_NE(PrefixCacheSummary(s).find("25.00%"), std::string::npos);
}

}  // namespace
}  // namespace infx::bench
