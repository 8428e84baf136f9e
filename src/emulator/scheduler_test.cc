#include "emulator/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "emulator/engine.h"

namespace infx::emulator {
namespace {

SchedulerConfig Config(int64_t seqs, int64_t budget, int64_t blocks) {
  return {seqs, budget, blocks, 16};
}

// Runs steps until idle; returns tokens per request and the step count.
std::map<uint64_t, int64_t> RunToCompletion(
    Scheduler& s, int64_t* steps, std::map<uint64_t, int64_t> tokens = {}) {
  std::vector<TokenEvent> events;
  *steps = 0;
  while (!s.idle() && *steps < 100000) {
    s.Schedule();
    events.clear();
    s.Complete(events);
    for (const auto& e : events) {
      EXPECT_EQ(e.index, tokens[e.id]);
      ++tokens[e.id];
    }
    ++*steps;
  }
  return tokens;
}

TEST(SchedulerTest, PrefillThenOneTokenPerStep) {
  Scheduler s(Config(256, 8192, 1000));
  s.Add({1, 100, 5});
  const StepPlan& first = s.Schedule();
  ASSERT_EQ(first.seqs.size(), 1u);
  EXPECT_EQ(first.shape.prefill_chunks.size(), 1u);
  EXPECT_EQ(first.shape.prefill_chunks[0].new_tokens, 100);
  EXPECT_EQ(first.shape.decode_seqs, 0);
  std::vector<TokenEvent> events;
  s.Complete(events);
  ASSERT_EQ(events.size(), 1u);  // first token with the last prompt chunk
  const StepPlan& second = s.Schedule();
  EXPECT_EQ(second.shape.decode_seqs, 1);
  EXPECT_EQ(second.shape.decode_context_tokens, 101);
  s.Complete(events);
  int64_t steps = 0;
  auto tokens = RunToCompletion(s, &steps, {{1, 2}});
  EXPECT_EQ(tokens[1], 5);
  EXPECT_EQ(steps, 3);
  EXPECT_EQ(s.used_blocks(), 0);
}

TEST(SchedulerTest, ChunkedPrefillRespectsTokenBudget) {
  Scheduler s(Config(256, 64, 1000));
  s.Add({1, 150, 2});
  const int64_t expected_chunks[] = {64, 64, 22};
  std::vector<TokenEvent> events;
  for (int64_t chunk : expected_chunks) {
    const StepPlan& p = s.Schedule();
    ASSERT_EQ(p.shape.prefill_chunks.size(), 1u);
    EXPECT_EQ(p.shape.prefill_chunks[0].new_tokens, chunk);
    s.Complete(events);
  }
  EXPECT_EQ(events.size(), 1u);  // only the last chunk produced a token
}

TEST(SchedulerTest, MaxNumSeqsCapsTheRunningSet) {
  Scheduler s(Config(4, 8192, 10000));
  for (uint64_t i = 0; i < 10; ++i) s.Add({i, 10, 3});
  s.Schedule();
  EXPECT_EQ(s.num_running(), 4);
  EXPECT_EQ(s.num_waiting(), 6);
  std::vector<TokenEvent> events;
  s.Complete(events);
  int64_t steps = 0;
  std::map<uint64_t, int64_t> seen;
  for (const auto& e : events) seen[e.id] = 1;
  auto tokens = RunToCompletion(s, &steps, seen);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(tokens[i], 3) << i;
}

TEST(SchedulerTest, AdmitsOnlyWhenBlocksAreFree) {
  // 10 blocks = 160 tokens; each prompt needs 7 blocks.
  Scheduler s(Config(256, 8192, 10));
  s.Add({1, 100, 2});
  s.Add({2, 100, 2});
  s.Schedule();
  EXPECT_EQ(s.num_running(), 1);
  EXPECT_EQ(s.num_waiting(), 1);
  int64_t steps = 0;
  std::vector<TokenEvent> events;
  s.Complete(events);
  auto tokens = RunToCompletion(s, &steps, {{1, 1}});
  EXPECT_EQ(tokens[1], 2);
  EXPECT_EQ(tokens[2], 2);
  EXPECT_EQ(s.used_blocks(), 0);
}

TEST(SchedulerTest, PreemptsNewestWhenCacheRunsOutAndRecomputes) {
  // 4 blocks = 64 tokens. Two requests of 16-token prompts growing to 48
  // tokens each cannot both stay resident.
  Scheduler s(Config(256, 8192, 4));
  s.Add({1, 16, 32});
  s.Add({2, 16, 32});
  int64_t steps = 0;
  auto tokens = RunToCompletion(s, &steps);
  EXPECT_EQ(tokens[1], 32);
  EXPECT_EQ(tokens[2], 32);
  EXPECT_GT(s.total_preemptions(), 0);
  EXPECT_EQ(s.used_blocks(), 0);
}

TEST(SchedulerTest, AbortFreesBlocks) {
  Scheduler s(Config(256, 8192, 100));
  s.Add({1, 100, 50});
  s.Schedule();
  std::vector<TokenEvent> events;
  s.Complete(events);
  EXPECT_GT(s.used_blocks(), 0);
  EXPECT_TRUE(s.Abort(1));
  EXPECT_FALSE(s.Abort(1));
  EXPECT_EQ(s.used_blocks(), 0);
  EXPECT_TRUE(s.idle());
}

// A fake cost: 1 ms per step plus 1 us per prefill token.
class FakeCost : public StepCostModel {
 public:
  double StepSeconds(const perf::BatchShape& b) const override {
    double t = 1e-3;
    for (const auto& c : b.prefill_chunks) t += 1e-6 * c.new_tokens;
    return t;
  }
};

TEST(EngineTest, DeliversEveryTokenAtStepBoundaries) {
  EngineConfig config;
  config.scheduler = Config(256, 8192, 10000);
  Engine engine(config, std::make_shared<FakeCost>());
  engine.Start();
  std::vector<std::shared_ptr<RequestStream>> streams;
  const int64_t submitted_ns = NowNs();
  for (uint64_t i = 0; i < 20; ++i) {
    auto s = std::make_shared<RequestStream>();
    s->id = i;
    s->prompt_tokens = 50;
    s->output_tokens = 10;
    streams.push_back(s);
    engine.Submit(s);
  }
  for (int i = 0; i < 2000; ++i) {
    if (engine.counters().finished.load() == 20) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  engine.Stop();
  for (const auto& s : streams) {
    std::lock_guard lock(s->mu);
    EXPECT_TRUE(s->finished);
    ASSERT_EQ(s->token_ns.size(), 10u);
    // Step ends are absolute deadlines: 10 steps of >= 1 ms of model time
    // each (time_scale 1) cannot end sooner, however the wakes jitter.
    EXPECT_GE(s->token_ns.back() - submitted_ns, 10'000'000);
    EXPECT_TRUE(std::is_sorted(s->token_ns.begin(), s->token_ns.end()));
  }
  EXPECT_EQ(engine.counters().generation_tokens.load(), 200);
  EXPECT_FALSE(engine.Overshoots().empty());
}

TEST(EngineTest, StopAbortsRequestsInFlight) {
  EngineConfig config;
  config.scheduler = Config(256, 8192, 10000);
  Engine engine(config, std::make_shared<FakeCost>());
  engine.Start();
  auto s = std::make_shared<RequestStream>();
  s->id = 1;
  s->prompt_tokens = 10;
  s->output_tokens = 1000000;
  bool woke = false;
  s->wake = [&] { woke = true; };
  {
    std::lock_guard lock(s->mu);
    s->wake_armed = true;
  }
  engine.Submit(s);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  {
    std::lock_guard lock(s->mu);
    s->wake_armed = true;
  }
  engine.Stop();
  std::lock_guard lock(s->mu);
  EXPECT_TRUE(s->aborted);
  EXPECT_TRUE(woke);
}

}  // namespace
}  // namespace infx::emulator
