// OffloadTier: the emulated engine's CPU KV-cache tier, as vLLM's native
// CPU offloading (`--kv-offloading-size GiB`, OffloadingConnector) and
// LMCache's local CPU backend, which InferenceX's AgentX runs use: every
// computed full prompt block is also stored in CPU memory (write-through,
// asynchronous, so it costs no step time), blocks are named by the same
// hash chain as the GPU prefix cache (emulator/prefix_cache.h), and the
// tier holds `capacity_blocks` of them, evicting the least recently used.
// A request whose prefix continues in the tier past its GPU hit loads
// those blocks over PCIe instead of prefilling them: the scheduler counts
// them as computed and the step that admits it takes the transfer time
// (emulator/scheduler.h).
//
// Thread-safety: not thread-safe; owned by the scheduler (engine thread).
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <vector>

namespace infx::emulator {

// The tier's size from vLLM's `--kv-offloading-size` (GiB, the sum over
// the instance's GPUs, as vLLM sums it over TP ranks): every GPU keeps its
// shard of each block in host memory and loads it over its own PCIe link
// at `bandwidth_gb_s` (10^9 bytes/s), all GPUs in parallel.
struct OffloadSizing {
  int64_t blocks = 0;           // tier capacity, blocks
  double load_s_per_token = 0;  // transfer time of one token's KV shard
};
OffloadSizing SizeOffloadTier(double size_gib, double bandwidth_gb_s,
                              double kv_bytes_per_token_per_gpu, int gpus,
                              int64_t block_size_tokens);

class OffloadTier {
 public:
  explicit OffloadTier(int64_t capacity_blocks);

  bool enabled() const { return capacity_ > 0; }
  int64_t capacity_blocks() const { return capacity_; }
  int64_t stored_blocks() const { return static_cast<int64_t>(map_.size()); }

  // How many of hashes[from, from + max_blocks) are stored, consecutively
  // from `from` (a prefix chain: a gap ends it).
  int64_t Match(const std::vector<uint64_t>& hashes, int64_t from,
                int64_t max_blocks) const;
  // Stores `hash` (or marks it most recently used), evicting the least
  // recently used block when full. No-op when disabled.
  void Store(uint64_t hash);
  // Marks hashes[from, from + n) most recently used (they were loaded).
  void Touch(const std::vector<uint64_t>& hashes, int64_t from, int64_t n);
  // Drops every stored block (POST /reset_prefix_cache).
  void Reset();

 private:
  int64_t capacity_;
  std::list<uint64_t> lru_;  // least recently used first
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> map_;
};

}  // namespace infx::emulator
