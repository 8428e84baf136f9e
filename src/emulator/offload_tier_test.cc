// The CPU offload tier: an LRU set of block hashes matched as prefix
// chains, its size from GiB and bandwidth, and the scheduler loading a
// prefix evicted from the GPU cache from it instead of prefilling it.
#include "emulator/offload_tier.h"

#include <gtest/gtest.h>

#include <vector>

#include "emulator/prefix_cache.h"
#include "emulator/scheduler.h"

namespace infx::emulator {
namespace {

TEST(OffloadTierTest, KeepsTheMostRecentlyUsedAndMatchesChains) {
  OffloadTier t(3);
  EXPECT_TRUE(t.enabled());
  t.Store(1);
  t.Store(2);
  t.Store(3);
  EXPECT_EQ(t.Match({1, 2, 3}, 0, 3), 3);
  EXPECT_EQ(t.Match({1, 2, 3}, 1, 5), 2);
  EXPECT_EQ(t.Match({1, 2, 3}, 0, 2), 2);
  EXPECT_EQ(t.Match({1, 9, 3}, 0, 3), 1);  // a gap ends the chain
  t.Touch({1}, 0, 1);                      // 2 is now least recently used
  t.Store(4);
  EXPECT_EQ(t.Match({2}, 0, 1), 0);
  EXPECT_EQ(t.Match({1, 3, 4}, 0, 3), 3);
  t.Store(3);  // already stored: no eviction
  EXPECT_EQ(t.stored_blocks(), 3);
  t.Reset();
  EXPECT_EQ(t.stored_blocks(), 0);
  EXPECT_EQ(t.Match({1}, 0, 1), 0);
  OffloadTier off(0);
  off.Store(1);
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Match({1}, 0, 1), 0);
}

TEST(OffloadTierTest, SizedFromGibPerInstanceAndPcieBandwidth) {
  // Llama-3.1-8B BF16 at TP2: 64 KiB of KV per token per GPU; 1 GiB over
  // two GPUs holds 8192 tokens = 512 blocks of 16.
  const OffloadSizing s = SizeOffloadTier(1.0, 50, 65536, 2, 16);
  EXPECT_EQ(s.blocks, 512);
  EXPECT_DOUBLE_EQ(s.load_s_per_token, 65536 / 50e9);
  EXPECT_EQ(SizeOffloadTier(0, 50, 65536, 2, 16).blocks, 0);
}

SeqSpec Spec(uint64_t id, int64_t tokens, int64_t first_id) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < tokens; ++i) ids.push_back(first_id + i);
  return {id, tokens, 2, PromptBlockHashes(&ids, "", tokens, 16, 0)};
}

void RunUntilIdle(Scheduler& s) {
  std::vector<TokenEvent> events;
  for (int i = 0; i < 1000 && !s.idle(); ++i) {
    s.Schedule();
    s.Complete(events);
  }
}

// 96 tokens of GPU KV: request 2 evicts request 1's cached blocks. With a
// CPU tier, request 1's prompt again loads its first 3 blocks (the last
// token is always computed) instead of prefilling them; without, it
// prefills all 64 tokens.
TEST(SchedulerOffloadTest, AnEvictedPrefixIsLoadedFromTheCpuTier) {
  for (const int64_t tier : {int64_t{100}, int64_t{0}}) {
    SCOPED_TRACE(tier);
    Scheduler s({256, 8192, 6, 16, true, tier});
    EXPECT_EQ(s.offload_enabled(), tier > 0);
    s.Add(Spec(1, 64, 1));
    RunUntilIdle(s);
    s.Add(Spec(2, 80, 5000));
    RunUntilIdle(s);
    s.Add(Spec(3, 64, 1));
    const StepPlan& plan = s.Schedule();
    ASSERT_EQ(plan.shape.prefill_chunks.size(), 1u);
    const int64_t loaded = tier > 0 ? 48 : 0;
    EXPECT_EQ(plan.loaded_tokens, loaded);
    EXPECT_EQ(plan.shape.prefill_chunks[0].cached_tokens, loaded);
    EXPECT_EQ(plan.shape.prefill_chunks[0].new_tokens, 64 - loaded);
    std::vector<TokenEvent> events;
    s.Complete(events);
    RunUntilIdle(s);
    EXPECT_EQ(s.prefix_hit_tokens(), 0);  // nothing left on the GPU
    EXPECT_EQ(s.external_hit_tokens(), loaded);
    EXPECT_EQ(s.external_query_tokens(), tier > 0 ? 64 + 80 + 64 : 0);
    EXPECT_EQ(s.used_blocks(), 0);
  }
}

// A GPU hit comes first; the tier continues the chain after it. A reset
// empties both.
TEST(SchedulerOffloadTest, TheTierContinuesTheGpuHitAndIsReset) {
  Scheduler s({256, 8192, 100, 16, true, 100});
  s.Add(Spec(1, 64, 1));
  RunUntilIdle(s);
  s.Add(Spec(2, 64, 1));
  EXPECT_EQ(s.Schedule().loaded_tokens, 0);  // all 48 tokens on the GPU
  std::vector<TokenEvent> events;
  s.Complete(events);
  RunUntilIdle(s);
  EXPECT_EQ(s.prefix_hit_tokens(), 48);
  EXPECT_EQ(s.external_hit_tokens(), 0);
  s.ResetPrefixCache();
  s.Add(Spec(3, 64, 1));
  EXPECT_EQ(s.Schedule().loaded_tokens, 0);
  s.Complete(events);
  RunUntilIdle(s);
  EXPECT_EQ(s.prefix_hit_tokens(), 48);
  EXPECT_EQ(s.external_hit_tokens(), 0);
}

}  // namespace
}  // namespace infx::emulator
