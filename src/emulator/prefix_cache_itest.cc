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

std::string Body(int64_t n) {
  nlohmann::json ids = nlohmann::json::array();
  for (int64_t i = 0; i < n; ++i) ids.push_back(100 + i);
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

}  // namespace
}  // namespace infx::emulator
