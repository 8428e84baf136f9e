#include "emulator/engine.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include <cmath>
#include <limits>
#include <utility>

namespace infx::emulator {
namespace {

constexpr size_t kOvershootRing = 1 << 16;

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Uniform01(uint64_t& state) {
  return (SplitMix64(state) >> 11) * (1.0 / 9007199254740992.0);
}

void RaiseThreadPriority() {
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  sched_param param{};
  param.sched_priority = 1;
  pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);  // may fail: fine
}

// Sleeps until shortly before `deadline`, then yields until it passes.
void WaitUntil(SteadyClock::time_point deadline,
               std::chrono::microseconds spin) {
  if (deadline - spin > SteadyClock::now())
    std::this_thread::sleep_until(deadline - spin);
  while (SteadyClock::now() < deadline) std::this_thread::yield();
}

// Marks `stream` aborted and wakes its writer if it waits (outside the
// stream's lock, as every wake is called).
void AbortStream(RequestStream& stream) {
  std::function<void()> wake;
  {
    std::lock_guard lock(stream.mu);
    stream.aborted = true;
    if (stream.wake_armed) {
      stream.wake_armed = false;
      wake = stream.wake;
    }
  }
  if (wake) wake();
}

}  // namespace

Engine::Engine(EngineConfig config, std::shared_ptr<const StepCostModel> cost)
    : config_(config),
      cost_(std::move(cost)),
      scheduler_(config.scheduler),
      rng_state_(config.seed ^ 0x5eed5eed5eedULL) {
  overshoot_ns_.reserve(kOvershootRing);
}

Engine::~Engine() { Stop(); }

void Engine::Start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void Engine::Submit(std::shared_ptr<RequestStream> stream) {
  bool stopped = false;
  {
    std::lock_guard lock(mu_);
    stopped = stop_;
    if (!stopped) inbox_.push_back(stream);
  }
  if (stopped) {
    AbortStream(*stream);
    return;
  }
  cv_.notify_one();
}

void Engine::Abort(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    abort_inbox_.push_back(id);
  }
  cv_.notify_one();
}

void Engine::ResetPrefixCache() {
  {
    std::lock_guard lock(mu_);
    reset_prefix_cache_ = true;
  }
  cv_.notify_one();
}

// Moves submissions and aborts into the scheduler. Returns false on stop.
bool Engine::TakeInbox(std::unique_lock<std::mutex>& lock) {
  if (stop_) return false;
  std::vector<std::shared_ptr<RequestStream>> inbox;
  std::vector<uint64_t> aborts;
  inbox.swap(inbox_);
  aborts.swap(abort_inbox_);
  const bool reset = std::exchange(reset_prefix_cache_, false);
  lock.unlock();
  if (reset) {
    scheduler_.ResetPrefixCache();
    counters_.prefix_cache_resets.fetch_add(1, std::memory_order_relaxed);
  }
  for (auto& stream : inbox) {
    scheduler_.Add({stream->id, stream->prompt_tokens, stream->output_tokens,
                    stream->block_hashes});
    counters_.prompt_tokens.fetch_add(stream->prompt_tokens,
                                      std::memory_order_relaxed);
    live_[stream->id] = std::move(stream);
  }
  for (uint64_t id : aborts) {
    scheduler_.Abort(id);
    live_.erase(id);
  }
  lock.lock();
  return true;
}

double Engine::NoiseFactor() {
  if (config_.noise <= 0) return 1.0;
  // Box-Muller; clamp so a step never runs backwards.
  const double u1 = std::max(Uniform01(rng_state_), 1e-12);
  const double u2 = Uniform01(rng_state_);
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
  return std::max(0.05, 1.0 + config_.noise * z);
}

void Engine::DeliverTokens(int64_t now_ns) {
  to_wake_.clear();
  for (const TokenEvent& e : events_) {
    auto it = live_.find(e.id);
    if (it == live_.end()) continue;
    RequestStream& s = *it->second;
    bool wake = false;
    {
      std::lock_guard lock(s.mu);
      s.token_ns.push_back(now_ns);
      if (e.finished) s.finished = true;
      if (s.wake_armed) {
        s.wake_armed = false;
        wake = true;
      }
    }
    if (wake) to_wake_.push_back(it->second);
    if (e.finished) {
      live_.erase(it);
      counters_.finished.fetch_add(1, std::memory_order_relaxed);
    }
  }
  counters_.generation_tokens.fetch_add(static_cast<int64_t>(events_.size()),
                                        std::memory_order_relaxed);
  for (auto& s : to_wake_) {
    if (s->wake) s->wake();
  }
  to_wake_.clear();
}

void Engine::PublishStats() {
  counters_.running.store(scheduler_.num_running(), std::memory_order_relaxed);
  counters_.waiting.store(scheduler_.num_waiting(), std::memory_order_relaxed);
  counters_.used_blocks.store(scheduler_.used_blocks(),
                              std::memory_order_relaxed);
  counters_.preemptions.store(scheduler_.total_preemptions(),
                              std::memory_order_relaxed);
  counters_.prefix_cache_queries.store(scheduler_.prefix_query_tokens(),
                                       std::memory_order_relaxed);
  counters_.prefix_cache_hits.store(scheduler_.prefix_hit_tokens(),
                                    std::memory_order_relaxed);
  counters_.external_prefix_queries.store(scheduler_.external_query_tokens(),
                                          std::memory_order_relaxed);
  counters_.external_prefix_hits.store(scheduler_.external_hit_tokens(),
                                       std::memory_order_relaxed);
}

void Engine::Run() {
  // Not with time_scale 0: a real-time thread that never sleeps would hog
  // a core.
  if (config_.realtime_thread && config_.time_scale > 0) RaiseThreadPriority();
  SteadyClock::time_point step_start = SteadyClock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    if (!TakeInbox(lock)) break;
    if (scheduler_.idle()) {
      PublishStats();
      cv_.wait(lock, [this] {
        return stop_ || !inbox_.empty() || !abort_inbox_.empty() ||
               reset_prefix_cache_;
      });
      step_start = SteadyClock::now();
      continue;
    }
    lock.unlock();
    const StepPlan& plan = scheduler_.Schedule();
    PublishStats();
    if (plan.empty()) {
      // Nothing fits (cannot happen with a sane config); avoid spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      lock.lock();
      continue;
    }
    const double model_s = cost_->StepSeconds(plan.shape) +
                           static_cast<double>(plan.loaded_tokens) *
                               config_.offload_load_s_per_token;
    const double wall_s = model_s * config_.time_scale * NoiseFactor();
    const auto deadline =
        step_start + std::chrono::duration_cast<SteadyClock::duration>(
                         std::chrono::duration<double>(wall_s));
    WaitUntil(deadline, config_.spin_before_deadline);
    const SteadyClock::time_point woke = SteadyClock::now();
    const int64_t overshoot =
        std::chrono::duration_cast<std::chrono::nanoseconds>(woke - deadline)
            .count();
    {
      std::lock_guard olock(overshoot_mu_);
      if (overshoot_ns_.size() < kOvershootRing) {
        overshoot_ns_.push_back(overshoot);
      } else {
        overshoot_ns_[overshoot_next_++ % kOvershootRing] = overshoot;
      }
    }
    events_.clear();
    scheduler_.Complete(events_);
    DeliverTokens(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      woke.time_since_epoch())
                      .count());
    counters_.steps.fetch_add(1, std::memory_order_relaxed);
    step_start = (woke - deadline > config_.resync_after) ? woke : deadline;
    lock.lock();
  }
  lock.unlock();
  // Stop: every stream still in flight is aborted.
  for (auto& [id, stream] : live_) {
    AbortStream(*stream);
  }
  live_.clear();
}

void Engine::Stop() {
  std::vector<std::shared_ptr<RequestStream>> pending;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
    pending.swap(inbox_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& stream : pending) {
    AbortStream(*stream);
  }
}

std::vector<int64_t> Engine::Overshoots() const {
  std::lock_guard lock(overshoot_mu_);
  return overshoot_ns_;
}

}  // namespace infx::emulator
