#include "emulator/scheduler.h"

#include <algorithm>
#include <utility>

namespace infx::emulator {

Scheduler::Scheduler(SchedulerConfig config)
    : config_(config),
      cache_(config.num_blocks, config.enable_prefix_caching),
      offload_(config.enable_prefix_caching ? config.offload_blocks : 0) {
  config_.block_size_tokens = std::max<int64_t>(1, config_.block_size_tokens);
  config_.max_batched_tokens = std::max<int64_t>(1, config_.max_batched_tokens);
  config_.max_num_seqs = std::max<int64_t>(1, config_.max_num_seqs);
}

int64_t Scheduler::BlocksFor(int64_t tokens) const {
  return (tokens + config_.block_size_tokens - 1) / config_.block_size_tokens;
}

void Scheduler::Add(const SeqSpec& spec) {
  Seq seq;
  seq.spec = spec;
  seq.spec.prompt_tokens = std::max<int64_t>(1, spec.prompt_tokens);
  seq.spec.output_tokens = std::max<int64_t>(1, spec.output_tokens);
  seqs_[spec.id] = seq;
  waiting_.push_back(spec.id);
}

void Scheduler::Free(Seq& seq) {
  cache_.Release(seq.holds, seq.plain);
  seq.holds.clear();
  seq.plain = 0;
}

// On admission: the longest cached prefix of the prompt counts as
// computed (at most floor((prompt - 1) / block) blocks, so the last prompt
// token is always computed, as vLLM): first the GPU's cached blocks, then
// those that continue the chain in the CPU offload tier (loaded).
void Scheduler::TakeCachedPrefix(Seq& seq) {
  if (seq.computed > 0 || seq.spec.block_hashes.empty()) return;
  const std::vector<uint64_t>& hashes = seq.spec.block_hashes;
  const int64_t max_blocks =
      (seq.spec.prompt_tokens - 1) / config_.block_size_tokens;
  const int64_t hit = cache_.Match(hashes, max_blocks);
  const int64_t loaded = offload_.Match(hashes, hit, max_blocks - hit);
  if (!seq.counted) {
    seq.counted = true;
    prefix_query_tokens_ += seq.spec.prompt_tokens;
    prefix_hit_tokens_ += hit * config_.block_size_tokens;
    if (offload_.enabled()) {
      external_query_tokens_ += seq.spec.prompt_tokens;
      external_hit_tokens_ += loaded * config_.block_size_tokens;
    }
  }
  if (hit > 0) cache_.Acquire(hashes, hit, seq.holds);
  offload_.Touch(hashes, hit, loaded);
  seq.computed = (hit + loaded) * config_.block_size_tokens;
  seq.loading = loaded * config_.block_size_tokens;
}

// Full prompt blocks computed so far become cached (held by `seq`), and
// are written through to the CPU offload tier.
void Scheduler::RegisterComputed(Seq& seq) {
  const int64_t full =
      std::min<int64_t>(std::min(seq.computed, seq.spec.prompt_tokens) /
                            config_.block_size_tokens,
                        static_cast<int64_t>(seq.spec.block_hashes.size()));
  for (; seq.offloaded < full; ++seq.offloaded) {
    offload_.Store(seq.spec.block_hashes[static_cast<size_t>(seq.offloaded)]);
  }
  // Blocks [0, holds) are held cached; later ones are plain until here.
  for (auto b = static_cast<int64_t>(seq.holds.size()); b < full; ++b) {
    if (seq.plain == 0) break;
    auto hold = cache_.Register(seq.spec.block_hashes[static_cast<size_t>(b)]);
    if (!hold) break;  // cached by another request meanwhile: stays plain
    seq.holds.push_back(*hold);
    --seq.plain;
  }
}

bool Scheduler::Abort(uint64_t id) {
  auto it = seqs_.find(id);
  if (it == seqs_.end()) return false;
  Free(it->second);
  std::erase(running_, id);
  std::erase(waiting_, id);
  seqs_.erase(it);
  return true;
}

bool Scheduler::Reserve(Seq& seq, int64_t tokens) {
  const int64_t extra = BlocksFor(tokens) - seq.blocks();
  if (extra <= 0) return true;
  if (!cache_.Allocate(extra)) return false;
  seq.plain += extra;
  return true;
}

// Recompute preemption (vLLM V1): the most recently admitted running
// request loses its KV cache and goes back to the front of the queue.
void Scheduler::PreemptLast() {
  const uint64_t id = running_.back();
  running_.pop_back();
  Seq& seq = seqs_.at(id);
  Free(seq);
  seq.computed = 0;
  waiting_.push_front(id);
  ++plan_.preempted;
  ++total_preemptions_;
}

void Scheduler::Push(Seq& seq, int64_t n) {
  const bool decode = seq.computed >= seq.spec.prompt_tokens && n == 1;
  plan_.seqs.push_back({seq.spec.id, n, seq.computed, decode});
}

void Scheduler::ScheduleRunning(int64_t& budget) {
  size_t i = 0;
  while (i < running_.size() && budget > 0) {
    Seq& seq = seqs_.at(running_[i]);
    const int64_t n = std::min(seq.known() - seq.computed, budget);
    bool self_preempted = false;
    while (!Reserve(seq, seq.computed + n)) {
      const bool last = running_.back() == seq.spec.id;
      PreemptLast();
      if (last) {
        self_preempted = true;
        break;
      }
    }
    if (self_preempted) break;
    Push(seq, n);
    budget -= n;
    ++i;
  }
}

void Scheduler::ScheduleWaiting(int64_t& budget) {
  while (!waiting_.empty() && budget > 0 &&
         num_running() < config_.max_num_seqs) {
    Seq& seq = seqs_.at(waiting_.front());
    TakeCachedPrefix(seq);
    const int64_t n = std::min(seq.known() - seq.computed, budget);
    if (!Reserve(seq, seq.computed + n)) {
      Free(seq);  // gives back the cached prefix it took
      seq.computed = 0;
      seq.loading = 0;
      break;
    }
    plan_.loaded_tokens += std::exchange(seq.loading, 0);
    waiting_.pop_front();
    running_.push_back(seq.spec.id);
    Push(seq, n);
    budget -= n;
  }
}

const StepPlan& Scheduler::Schedule() {
  plan_.seqs.clear();
  plan_.prefill_chunks.clear();
  plan_.preempted = 0;
  plan_.loaded_tokens = 0;
  int64_t budget = config_.max_batched_tokens;
  ScheduleRunning(budget);
  if (plan_.preempted == 0) ScheduleWaiting(budget);
  perf::BatchShape shape;
  for (const ScheduledSeq& s : plan_.seqs) {
    if (s.decode) {
      ++shape.decode_seqs;
      shape.decode_context_tokens += s.cached_tokens + 1;
    } else {
      plan_.prefill_chunks.push_back({s.new_tokens, s.cached_tokens});
    }
  }
  shape.prefill_chunks = plan_.prefill_chunks;
  plan_.shape = shape;
  return plan_;
}

void Scheduler::Complete(std::vector<TokenEvent>& out) {
  for (const ScheduledSeq& s : plan_.seqs) {
    auto it = seqs_.find(s.id);
    if (it == seqs_.end()) continue;
    Seq& seq = it->second;
    seq.computed += s.new_tokens;
    if (!seq.spec.block_hashes.empty()) RegisterComputed(seq);
    if (seq.computed < seq.known()) continue;  // prefill chunk, no token yet
    const int64_t index = seq.outputs++;
    const bool finished = seq.outputs >= seq.spec.output_tokens;
    out.push_back({s.id, index, finished});
    if (finished) {
      Free(seq);
      std::erase(running_, s.id);
      seqs_.erase(it);
    }
  }
  plan_.seqs.clear();
}

}  // namespace infx::emulator
