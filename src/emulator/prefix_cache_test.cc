#include "emulator/prefix_cache.h"

#include <gtest/gtest.h>

#include <vector>

#include "emulator/scheduler.h"

namespace infx::emulator {
namespace {

std::vector<int64_t> Ids(int64_t n, int64_t base) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = base + i;
  return ids;
}

TEST(PromptBlockHashesTest, EqualPrefixesGiveEqualChains) {
  auto a = Ids(64, 100);
  auto b = Ids(64, 100);
  b[40] = 7;  // third block differs
  const auto ha = PromptBlockHashes(&a, "", 64, 16, 0);
  const auto hb = PromptBlockHashes(&b, "", 64, 16, 0);
  ASSERT_EQ(ha.size(), 4u);
  ASSERT_EQ(hb.size(), 4u);
  EXPECT_EQ(ha[0], hb[0]);
  EXPECT_EQ(ha[1], hb[1]);
  EXPECT_NE(ha[2], hb[2]);
  EXPECT_NE(ha[3], hb[3]);  // the chain carries the difference on
}

TEST(PromptBlockHashesTest, OnlyFullBlocksAndTextInFourByteTokens) {
  auto a = Ids(40, 1);
  EXPECT_EQ(PromptBlockHashes(&a, "", 40, 16, 0).size(), 2u);
  const std::string text(64 * 3 + 10, 'x');  // 3 blocks of 16 x 4 bytes
  EXPECT_EQ(PromptBlockHashes(nullptr, text, 100, 16, 0).size(), 3u);
  // The salt separates chat from completions.
  EXPECT_NE(PromptBlockHashes(nullptr, text, 100, 16, 0)[0],
            PromptBlockHashes(nullptr, text, 100, 16, 1)[0]);
}

TEST(PrefixCacheTest, FreedBlocksStayCachedAndEvictLeastRecentlyFreed) {
  PrefixCache cache(4, true);
  ASSERT_TRUE(cache.Allocate(2));
  auto h1 = cache.Register(11);
  auto h2 = cache.Register(12);
  ASSERT_TRUE(h1 && h2);
  EXPECT_FALSE(cache.Register(11));  // already cached
  cache.Release({*h1, *h2}, 0);
  EXPECT_EQ(cache.free_blocks(), 4);
  EXPECT_EQ(cache.cached_blocks(), 2);
  EXPECT_EQ(cache.Match({11, 12, 13}, 10), 2);
  EXPECT_EQ(cache.Match({11, 12}, 1), 1);
  // Two uncached free blocks go first; the third evicts the block freed
  // first (12: released in reverse order).
  ASSERT_TRUE(cache.Allocate(3));
  EXPECT_EQ(cache.cached_blocks(), 1);
  EXPECT_EQ(cache.Match({11}, 10), 1);
  EXPECT_FALSE(cache.Allocate(2));
}

TEST(PrefixCacheTest, AcquireTakesFreeCachedBlocksOutOfThePool) {
  PrefixCache cache(3, true);
  ASSERT_TRUE(cache.Allocate(1));
  auto h = cache.Register(5);
  cache.Release({*h}, 0);
  std::vector<BlockHold> holds;
  cache.Acquire({5}, 1, holds);
  EXPECT_EQ(cache.free_blocks(), 2);
  std::vector<BlockHold> other;
  cache.Acquire({5}, 1, other);  // shared: no second physical block
  EXPECT_EQ(cache.free_blocks(), 2);
  cache.Release(holds, 0);
  EXPECT_EQ(cache.free_blocks(), 2);
  cache.Release(other, 0);
  EXPECT_EQ(cache.free_blocks(), 3);
}

TEST(PrefixCacheTest, ResetUncachesAndHeldBlocksReturnPlain) {
  PrefixCache cache(2, true);
  ASSERT_TRUE(cache.Allocate(2));
  auto a = cache.Register(1);
  auto b = cache.Register(2);
  cache.Release({*a}, 0);
  EXPECT_EQ(cache.Reset(), 2);
  EXPECT_EQ(cache.Match({1}, 5), 0);
  cache.Release({*b}, 0);  // held across the reset
  EXPECT_EQ(cache.free_blocks(), 2);
  EXPECT_EQ(cache.cached_blocks(), 0);
}

TEST(PrefixCacheTest, BlockSharedAcrossAResetIsFreedOnce) {
  PrefixCache cache(2, true);
  ASSERT_TRUE(cache.Allocate(1));
  auto a = cache.Register(1);
  std::vector<BlockHold> other;
  cache.Acquire({1}, 1, other);
  cache.Reset();
  cache.Release({*a}, 0);
  EXPECT_EQ(cache.free_blocks(), 1);  // still held by `other`
  cache.Release(other, 0);
  EXPECT_EQ(cache.free_blocks(), 2);
}

TEST(PrefixCacheTest, DisabledCachesNothing) {
  PrefixCache cache(2, false);
  ASSERT_TRUE(cache.Allocate(1));
  EXPECT_FALSE(cache.Register(1));
  EXPECT_EQ(cache.Match({1}, 5), 0);
}

// Scheduler with caching: a second request with the same 64-token prefix
// prefills only what is not cached, and the counters say so.
SeqSpec Spec(uint64_t id, const std::vector<int64_t>& ids) {
  return {id, static_cast<int64_t>(ids.size()), 2,
          PromptBlockHashes(&ids, "", static_cast<int64_t>(ids.size()), 16, 0)};
}

void RunUntilIdle(Scheduler& s) {
  std::vector<TokenEvent> events;
  for (int i = 0; i < 1000 && !s.idle(); ++i) {
    s.Schedule();
    s.Complete(events);
  }
}

TEST(SchedulerPrefixTest, CachedPrefixSkipsPrefill) {
  Scheduler s({256, 8192, 100, 16, true});
  auto first = Ids(80, 100);
  s.Add(Spec(1, first));
  RunUntilIdle(s);
  auto second = Ids(64, 100);
  for (int64_t i = 0; i < 20; ++i) second.push_back(9000 + i);  // 84 tokens
  s.Add(Spec(2, second));
  const StepPlan& plan = s.Schedule();
  ASSERT_EQ(plan.shape.prefill_chunks.size(), 1u);
  EXPECT_EQ(plan.shape.prefill_chunks[0].cached_tokens, 64);
  EXPECT_EQ(plan.shape.prefill_chunks[0].new_tokens, 20);
  std::vector<TokenEvent> events;
  s.Complete(events);
  RunUntilIdle(s);
  EXPECT_EQ(s.prefix_query_tokens(), 80 + 84);
  EXPECT_EQ(s.prefix_hit_tokens(), 64);
  EXPECT_EQ(s.used_blocks(), 0);
}

TEST(SchedulerPrefixTest, FullHitStillComputesTheLastToken) {
  Scheduler s({256, 8192, 100, 16, true});
  auto ids = Ids(64, 1);
  s.Add(Spec(1, ids));
  RunUntilIdle(s);
  s.Add(Spec(2, ids));
  const StepPlan& plan = s.Schedule();
  ASSERT_EQ(plan.shape.prefill_chunks.size(), 1u);
  EXPECT_EQ(plan.shape.prefill_chunks[0].cached_tokens, 48);
  EXPECT_EQ(plan.shape.prefill_chunks[0].new_tokens, 16);
}

TEST(SchedulerPrefixTest, ResetAndDisabledCacheMiss) {
  Scheduler s({256, 8192, 100, 16, true});
  auto ids = Ids(64, 1);
  s.Add(Spec(1, ids));
  RunUntilIdle(s);
  s.ResetPrefixCache();
  s.Add(Spec(2, ids));
  RunUntilIdle(s);
  EXPECT_EQ(s.prefix_hit_tokens(), 0);
  Scheduler off({256, 8192, 100, 16, false});
  off.Add(Spec(1, ids));
  RunUntilIdle(off);
  off.Add(Spec(2, ids));
  RunUntilIdle(off);
  EXPECT_EQ(off.prefix_hit_tokens(), 0);
  EXPECT_EQ(off.used_blocks(), 0);
}

TEST(SchedulerPrefixTest, CachedBlocksAreEvictedWhenSpaceIsNeeded) {
  Scheduler s({256, 8192, 6, 16, true});  // 96 tokens of KV
  auto a = Ids(64, 1);
  s.Add(Spec(1, a));  // 64 + 2 tokens: 5 blocks
  RunUntilIdle(s);
  auto b = Ids(80, 5000);  // needs 6 blocks: evicts every cached block
  s.Add(Spec(2, b));
  RunUntilIdle(s);
  s.Add(Spec(3, a));
  RunUntilIdle(s);
  EXPECT_EQ(s.prefix_hit_tokens(), 0);
  EXPECT_EQ(s.used_blocks(), 0);
}

}  // namespace
}  // namespace infx::emulator
