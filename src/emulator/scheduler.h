// Scheduler: the iteration-level scheduler of the emulated engine, after
// vLLM V1's (vllm/v1/core/sched/scheduler.py): a running set served first,
// a FIFO waiting queue, a KV cache of fixed-size blocks from which a
// request is admitted only when the blocks for its scheduled tokens are
// free, recompute preemption of the most recently admitted running request
// when the cache runs out, a per-step token budget (max_batched_tokens)
// with chunked prefill, and max_num_seqs. With prefix caching
// (emulator/prefix_cache.h) a request admitted with a cached prefix starts
// with those tokens computed, so only the rest is prefilled; with a CPU
// offload tier (emulator/offload_tier.h) the prefix continues in CPU
// memory, and those blocks are loaded instead of prefilled (the plan
// counts them in `loaded_tokens`, which the engine prices as a transfer).
//
// Pure logic with no clock: Schedule() plans a step, Complete() applies it
// and reports the tokens it produced. A request produces its first token in
// the step that computes the last prompt token, then one token per step.
//
// Thread-safety: not thread-safe; owned by the engine thread.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "emulator/offload_tier.h"
#include "emulator/prefix_cache.h"
#include "perf/step_time.h"

namespace infx::emulator {

struct SchedulerConfig {
  int64_t max_num_seqs = 256;
  int64_t max_batched_tokens = 8192;
  int64_t num_blocks = 0;  // KV-cache capacity in blocks
  int64_t block_size_tokens = 16;
  bool enable_prefix_caching = false;  // vLLM's automatic prefix caching
  // CPU offload tier capacity in blocks (needs prefix caching); 0 = none.
  int64_t offload_blocks = 0;
};

struct SeqSpec {
  uint64_t id = 0;
  int64_t prompt_tokens = 1;  // >= 1
  int64_t output_tokens = 1;  // tokens to generate, >= 1
  // Hash chain of the prompt's full blocks (PromptBlockHashes); empty = no
  // prefix caching for this request.
  std::vector<uint64_t> block_hashes = {};
};

// One request's share of a planned step.
struct ScheduledSeq {
  uint64_t id = 0;
  int64_t new_tokens = 0;     // tokens computed this step
  int64_t cached_tokens = 0;  // tokens already in the KV cache
  bool decode = false;        // a one-token decode (vs a prefill chunk)
};

struct StepPlan {
  std::vector<ScheduledSeq> seqs;
  std::vector<perf::PrefillChunk> prefill_chunks;  // backing for shape
  perf::BatchShape shape;                          // spans prefill_chunks
  int64_t preempted = 0;  // requests preempted while planning
  // Prompt tokens loaded from the CPU offload tier for requests admitted
  // in this step (not prefilled; the engine adds their transfer time).
  int64_t loaded_tokens = 0;
  bool empty() const { return seqs.empty(); }
};

// A token produced by a completed step.
struct TokenEvent {
  uint64_t id = 0;
  int64_t index = 0;      // 0-based output token index
  bool finished = false;  // the request's last token
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config);

  void Add(const SeqSpec& spec);
  // Removes a waiting or running request and frees its blocks; false if
  // unknown (already finished).
  bool Abort(uint64_t id);

  // Plans the next step. Call Complete before planning another.
  const StepPlan& Schedule();
  // Applies the last planned step; appends the produced tokens to `out`.
  void Complete(std::vector<TokenEvent>& out);

  int64_t num_running() const { return static_cast<int64_t>(running_.size()); }
  int64_t num_waiting() const { return static_cast<int64_t>(waiting_.size()); }
  int64_t used_blocks() const {
    return config_.num_blocks - cache_.free_blocks();
  }
  int64_t total_blocks() const { return config_.num_blocks; }
  int64_t total_preemptions() const { return total_preemptions_; }
  bool idle() const { return running_.empty() && waiting_.empty(); }
  // Prompt tokens looked up in / found in the prefix cache, counted once per
  // request at its first admission (vllm:prefix_cache_queries / _hits).
  int64_t prefix_query_tokens() const { return prefix_query_tokens_; }
  int64_t prefix_hit_tokens() const { return prefix_hit_tokens_; }
  // With the CPU offload tier: prompt tokens looked up in it and found
  // there beyond the GPU hit, once per request (vLLM's
  // vllm:external_prefix_cache_queries / _hits).
  int64_t external_query_tokens() const { return external_query_tokens_; }
  int64_t external_hit_tokens() const { return external_hit_tokens_; }
  bool offload_enabled() const { return offload_.enabled(); }
  // Drops every cached prefix (POST /reset_prefix_cache); returns how many
  // blocks were uncached.
  int64_t ResetPrefixCache() {
    offload_.Reset();
    return cache_.Reset();
  }
  const SchedulerConfig& config() const { return config_; }

 private:
  struct Seq {
    SeqSpec spec;
    int64_t computed = 0;          // tokens in the KV cache
    int64_t outputs = 0;           // tokens produced so far
    int64_t plain = 0;             // uncached blocks held
    std::vector<BlockHold> holds;  // cached blocks held (prompt order)
    bool counted = false;          // prefix-cache query counted
    int64_t loading = 0;    // tokens to load from the CPU tier on admission
    int64_t offloaded = 0;  // full prompt blocks written to the CPU tier
    int64_t blocks() const {
      return plain + static_cast<int64_t>(holds.size());
    }
    int64_t known() const { return spec.prompt_tokens + outputs; }
  };
  int64_t BlocksFor(int64_t tokens) const;
  bool Reserve(Seq& seq, int64_t tokens);  // grows seq's blocks to hold tokens
  void Free(Seq& seq);
  void TakeCachedPrefix(Seq& seq);
  void RegisterComputed(Seq& seq);
  void PreemptLast();
  void ScheduleRunning(int64_t& budget);
  void ScheduleWaiting(int64_t& budget);
  void Push(Seq& seq, int64_t n);

  SchedulerConfig config_;
  PrefixCache cache_;
  OffloadTier offload_;
  std::unordered_map<uint64_t, Seq> seqs_;
  std::vector<uint64_t> running_;  // admission order
  std::deque<uint64_t> waiting_;
  StepPlan plan_;
  int64_t total_preemptions_ = 0;
  int64_t prefix_query_tokens_ = 0;
  int64_t prefix_hit_tokens_ = 0;
  int64_t external_query_tokens_ = 0;
  int64_t external_hit_tokens_ = 0;
};

}  // namespace infx::emulator
