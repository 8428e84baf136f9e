#include "sweep/cache_hygiene.h"

#include <gtest/gtest.h>

#include "emulator/emulator_server.h"

namespace infx::sweep {
namespace {

TEST(CacheHygieneTest, EndpointsByEngine) {
  EXPECT_EQ(CacheResetEndpoint("vllm"), "/reset_prefix_cache");
  EXPECT_EQ(CacheResetEndpoint("emulator"), "/reset_prefix_cache");
  EXPECT_EQ(CacheResetEndpoint("sglang"), "/flush_cache");
  EXPECT_EQ(CacheResetEndpoint("trtllm"), "");
}

TEST(CacheHygieneTest, ResetsWhereSupportedElseWarnsOnRepeatedPrompts) {
  emulator::EmulatorOptions o;
  o.time_scale = 0;
  auto server = emulator::EmulatorServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string url =
      "http://127.0.0.1:" + std::to_string((*server)->port()) + "/v1";
  const CacheHygiene reset = ApplyCacheHygiene("emulator", url, true);
  EXPECT_EQ(reset.action, "reset") << reset.detail;
  EXPECT_EQ(reset.ToJson()["endpoint"], "/reset_prefix_cache");
  // The emulator has no SGLang /flush_cache: 404, then a warning.
  const CacheHygiene missing = ApplyCacheHygiene("sglang", url, true);
  EXPECT_EQ(missing.action, "warned");
  EXPECT_NE(missing.detail.find("HTTP 404"), std::string::npos)
      << missing.detail;
  const CacheHygiene none = ApplyCacheHygiene("trtllm", url, false);
  EXPECT_EQ(none.action, "none");
  EXPECT_NE(none.detail.find("no prefix-cache reset endpoint"),
            std::string::npos);
  EXPECT_EQ(ApplyCacheHygiene("trtllm", url, true).action, "warned");
}

// The sweep's bookkeeping: a server that cannot be reset is warned about
// only when a point repeats prompts it has seen since its last reset.
TEST(CacheHygieneTest, WarnsOnlyWhenEarlierPromptsRepeat) {
  emulator::EmulatorOptions o;
  o.time_scale = 0;
  auto server = emulator::EmulatorServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string url =
      "http://127.0.0.1:" + std::to_string((*server)->port());
  CacheHygienist h;
  EXPECT_EQ(h.BeforePoint("trtllm", url, 0, 7).action, "none");
  EXPECT_EQ(h.BeforePoint("trtllm", url, 1, 7).action, "none");
  EXPECT_EQ(h.BeforePoint("trtllm", url, 0, 8).action, "none");
  // Workload 0 with seed 7 again, two points later: still cached.
  const CacheHygiene again = h.BeforePoint("trtllm", url, 0, 7);
  EXPECT_EQ(again.action, "warned");
  EXPECT_NE(again.detail.find("re-sends prompts an earlier point sent"),
            std::string::npos)
      << again.detail;
  // A reset empties the server's cache: nothing seen before it repeats.
  EXPECT_EQ(h.BeforePoint("emulator", url, 0, 7).action, "reset");
  EXPECT_EQ(h.BeforePoint("trtllm", url, 1, 7).action, "none");
  EXPECT_EQ(h.BeforePoint("trtllm", url, 0, 7).action, "warned");
}

// An unreachable server: no reset, and the reason is recorded.
TEST(CacheHygieneTest, AnUnreachableServerIsNotReset) {
  const CacheHygiene h =
      ApplyCacheHygiene("vllm", "http://127.0.0.1:1/v1", false);
  EXPECT_EQ(h.action, "none");
  EXPECT_EQ(h.endpoint, "/reset_prefix_cache");
  EXPECT_NE(h.detail.find("POST http://127.0.0.1:1/reset_prefix_cache"),
            std::string::npos)
      << h.detail;
}

}  // namespace
}  // namespace infx::sweep
