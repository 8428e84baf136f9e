// Engine: runs the Scheduler on its own thread against a real steady_clock.
// Each step's end is planned as an absolute deadline (start + model time x
// time_scale x seeded noise), so sleeping errors never accumulate; tokens
// are handed to their RequestStreams at the step boundary. The hot path only
// timestamps and bumps counters.
//
// Thread-safety: Submit/Abort/Stop and the stats accessors are safe from any
// thread. A RequestStream is shared between the engine thread (producer) and
// one consumer (the connection coroutine); its fields are guarded by mu.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "emulator/scheduler.h"
#include "emulator/step_cost.h"

namespace infx::emulator {

using SteadyClock = std::chrono::steady_clock;

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

struct RequestStream {
  uint64_t id = 0;
  int64_t prompt_tokens = 0;
  int64_t output_tokens = 0;           // planned, >= 1
  std::vector<uint64_t> block_hashes;  // prompt blocks (prefix caching)

  std::mutex mu;
  std::vector<int64_t> token_ns;  // engine time (steady ns) of each token
  bool finished = false;
  bool aborted = false;
  // Called by the engine (without mu held) after new tokens or the end, when
  // `wake_armed` was set by the consumer; the engine clears wake_armed first.
  bool wake_armed = false;
  std::function<void()> wake;
};

struct EngineConfig {
  SchedulerConfig scheduler;
  double time_scale = 1.0;  // 0: steps back to back
  double noise = 0;         // relative std-dev of step-time noise
  uint64_t seed = 0;
  // When a step ends this much past its deadline, the next step starts from
  // now instead of the missed deadline (the engine fell far behind, e.g.
  // descheduled); smaller delays are absorbed by the following steps so
  // that the mean step time stays the model's.
  std::chrono::microseconds resync_after{50000};
  // Best effort: run the engine thread at SCHED_FIFO priority 1 with 1 us
  // timer slack so step ends stay on time on a busy machine; silently keeps
  // the defaults without the privilege.
  bool realtime_thread = true;
  // The last stretch before a deadline is spun (yielding) instead of slept.
  std::chrono::microseconds spin_before_deadline{200};
  // Model seconds to load one token's KV from the CPU offload tier (KV
  // bytes per token per GPU / PCIe bandwidth); added to a step's time per
  // token it loads.
  double offload_load_s_per_token = 0;
};

struct EngineCounters {
  std::atomic<int64_t> running{0};
  std::atomic<int64_t> waiting{0};
  std::atomic<int64_t> used_blocks{0};
  std::atomic<int64_t> prompt_tokens{0};      // of admitted requests
  std::atomic<int64_t> generation_tokens{0};  // emitted
  std::atomic<int64_t> preemptions{0};
  std::atomic<int64_t> steps{0};
  std::atomic<int64_t> finished{0};
  std::atomic<int64_t> prefix_cache_queries{0};  // prompt tokens looked up
  std::atomic<int64_t> prefix_cache_hits{0};     // of which cached
  std::atomic<int64_t> prefix_cache_resets{0};
  // CPU offload tier (vllm:external_prefix_cache_queries / _hits, tokens).
  std::atomic<int64_t> external_prefix_queries{0};
  std::atomic<int64_t> external_prefix_hits{0};
};

class Engine {
 public:
  Engine(EngineConfig config, std::shared_ptr<const StepCostModel> cost);
  ~Engine();

  void Start();
  // Queues a request; its stream gets tokens at step boundaries.
  void Submit(std::shared_ptr<RequestStream> stream);
  // Cancels a request (client gone); no more tokens are delivered.
  void Abort(uint64_t id);
  // Drops the prefix cache before any request submitted after this call
  // is scheduled (POST /reset_prefix_cache).
  void ResetPrefixCache();
  // Aborts everything in flight (streams see aborted) and joins. Idempotent.
  void Stop();

  const EngineCounters& counters() const { return counters_; }
  int64_t total_blocks() const { return config_.scheduler.num_blocks; }
  // Step-end overshoots (actual wake minus planned deadline), ns, for the
  // last steps (ring of 1<<16). For benchmarks.
  std::vector<int64_t> Overshoots() const;

 private:
  void Run();
  bool TakeInbox(std::unique_lock<std::mutex>& lock);
  void DeliverTokens(int64_t now_ns);
  void PublishStats();
  double NoiseFactor();

  EngineConfig config_;
  std::shared_ptr<const StepCostModel> cost_;
  Scheduler scheduler_;
  EngineCounters counters_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<RequestStream>> inbox_;
  std::vector<uint64_t> abort_inbox_;
  bool stop_ = false;
  bool reset_prefix_cache_ = false;
  bool started_ = false;
  std::thread thread_;

  // Engine-thread only.
  std::unordered_map<uint64_t, std::shared_ptr<RequestStream>> live_;
  std::vector<TokenEvent> events_;
  std::vector<std::shared_ptr<RequestStream>> to_wake_;
  uint64_t rng_state_ = 0;

  mutable std::mutex overshoot_mu_;
  std::vector<int64_t> overshoot_ns_;
  size_t overshoot_next_ = 0;
};

}  // namespace infx::emulator
