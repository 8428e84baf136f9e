// Prefix caching over real sockets: /metrics counts queried and cached
// prompt tokens as vLLM's vllm:prefix_cache_queries / _hits, and POST
// /reset_prefix_cache empties the cache.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "emulator/emulator_server.h"
#include "http/test_client.h"

namespace infx::emulator {
namespace {

using http::testing::Get;
using http::testing::Post;

double Counter(uint16_t port, const std::string& name) {
  const auto r = Get(port, "/metrics");
  const std::string key = name + "{model_name=\"llama\"} ";
  const size_t at = r.body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(r.body.substr(at + key.size()));
}

std::string Body(int64_t n, int64_t first_id = 100) {
  nlohmann::json ids = nlohmann::json::array();
  for (int64_t i = 0; i < n; ++i) ids.push_back(first_id + i);
  return nlohmann::json{{"model", "llama"},
                        {"prompt", ids},
                        {"max_tokens", 2},
                        {"ignore_eos", true}}
      .dump();
}

std::unique_ptr<EmulatorServer> Start(bool caching) {
  EmulatorOptions o;
  o.time_scale = 0;
  o.served_model_name = "llama";
  o.enable_prefix_caching = caching;
  auto server = EmulatorServer::Start(o);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

TEST(EmulatorPrefixCacheTest, CountersAndReset) {
  auto server = Start(true);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_queries_total"), 128);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_hits_total"), 48);  // 3 blocks
  EXPECT_EQ(Post(port, "/reset_prefix_cache", "").status, 200u);
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_queries_total"), 192);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_hits_total"), 48);
}

TEST(EmulatorPrefixCacheTest, DisabledNeverHits) {
  auto server = Start(false);
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_hits_total"), 0);
}

// A GPU cache of 6 blocks: the second prompt evicts the first one's cached
// blocks, so the first prompt again finds its prefix only in the CPU
// offload tier, and loads it (vLLM's external prefix-cache counters).
TEST(EmulatorPrefixCacheTest, CpuOffloadTierServesEvictedPrefixes) {
  EmulatorOptions o;
  o.time_scale = 0;
  o.served_model_name = "llama";
  o.kv_capacity_tokens = 96;
  o.kv_offloading_size_gib = 1;
  auto server = EmulatorServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_GT((*server)->info().offload_blocks, 0);
  const uint16_t port = (*server)->port();
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  ASSERT_EQ(Post(port, "/v1/completions", Body(80, 5000)).status, 200u);
  ASSERT_EQ(Post(port, "/v1/completions", Body(64)).status, 200u);
  EXPECT_EQ(Counter(port, "vllm:prefix_cache_hits_total"), 0);
  EXPECT_EQ(Counter(port, "vllm:external_prefix_cache_queries_total"),
            64 + 80 + 64);
  EXPECT_EQ(Counter(port, "vllm:external_prefix_cache_hits_total"), 48);
  // Without the tier the counters are not exposed.
  auto plain = Start(true);
  ASSERT_TRUE(plain);
  EXPECT_EQ(Counter(plain->port(), "vllm:external_prefix_cache_hits_total"),
            -1);
  // The tier keeps prefix-cached blocks: it needs prefix caching.
  o.enable_prefix_caching = false;
  auto bad = EmulatorServer::Start(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--kv-offloading-size"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::emulator
