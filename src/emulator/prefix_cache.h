// PrefixCache: the emulated engine's KV block pool with automatic prefix
// caching after vLLM V1 (vllm/v1/core/block_pool.py, kv_cache_utils.py).
// A prompt's full blocks of `block_size` tokens are named by a hash chain
// (block k's hash mixes block k-1's hash with block k's tokens), so equal
// hashes mean equal prefixes. A computed full prompt block is registered
// under its hash; when no request holds it any more it stays cached as a
// free block, and free cached blocks are evicted least recently freed
// first when fresh blocks are needed (never-used and uncached free blocks
// are taken before any cached one). A new request takes the cached blocks
// of its longest cached prefix instead of computing them; as vLLM, the
// last prompt token is always computed (at most floor((n-1)/block) blocks
// hit). Reset drops every cached hash (POST /reset_prefix_cache); blocks
// still held stay allocated, uncached.
//
// Also: PromptBlockHashes, the hash chain of a prompt given as token ids or
// as text (text is cut into blocks of 4 x block_size UTF-8 bytes: the
// emulator's chars/4 token rule).
//
// Thread-safety: not thread-safe; owned by the scheduler (engine thread).
// PromptBlockHashes is a pure function.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace infx::emulator {

// A request's reference on a cached block. `epoch` tells a block cached
// before a Reset (then released as a plain block) from one cached after.
struct BlockHold {
  uint64_t hash = 0;
  uint64_t epoch = 0;
};

class PrefixCache {
 public:
  // `num_blocks` physical blocks; `enabled` false = a plain block pool
  // (Match finds nothing, Register caches nothing).
  PrefixCache(int64_t num_blocks, bool enabled);

  int64_t free_blocks() const { return free_blocks_; }
  int64_t cached_blocks() const { return static_cast<int64_t>(map_.size()); }
  bool enabled() const { return enabled_; }

  // How many leading `hashes` are cached, at most `max_blocks`.
  int64_t Match(const std::vector<uint64_t>& hashes, int64_t max_blocks) const;
  // Takes a reference on the first `n` hashes (all cached, as Match said);
  // free cached blocks leave the free pool. Appends to `holds`.
  void Acquire(const std::vector<uint64_t>& hashes, int64_t n,
               std::vector<BlockHold>& holds);
  // Takes `n` fresh blocks, evicting free cached blocks (least recently
  // freed first) when the uncached free ones do not suffice; false (and
  // nothing taken) when fewer than `n` blocks are free.
  bool Allocate(int64_t n);
  // A request finished computing a full prompt block it allocated: the
  // block is cached under `hash` and the request now holds it (returns the
  // hold); nullopt when `hash` is already cached (the block stays plain).
  std::optional<BlockHold> Register(uint64_t hash);
  // Releases a request's blocks: `holds` in reverse order (its tail blocks
  // are evicted first, as vLLM frees them) and `plain` uncached blocks.
  void Release(const std::vector<BlockHold>& holds, int64_t plain);
  // Drops every cached hash; returns how many blocks were uncached.
  int64_t Reset();

 private:
  struct Entry {
    int64_t refs = 0;
    std::list<uint64_t>::iterator lru;  // valid when refs == 0
  };
  void Evict(int64_t n);

  bool enabled_;
  int64_t free_blocks_;
  uint64_t epoch_ = 0;
  std::unordered_map<uint64_t, Entry> map_;
  std::list<uint64_t> lru_;  // free cached blocks, least recently freed first
  // Blocks held across a Reset: (hash, epoch) -> holders left.
  std::map<std::pair<uint64_t, uint64_t>, int64_t> stale_;
};

// Hash chain of a prompt's full blocks: ids (exact tokens) or, when `ids`
// is null, `text` in blocks of 4 x block_size bytes. `salt` separates
// prompt kinds (chat vs completions). At most floor(tokens / block) blocks.
std::vector<uint64_t> PromptBlockHashes(const std::vector<int64_t>* ids,
                                        std::string_view text,
                                        int64_t prompt_tokens,
                                        int64_t block_size, uint64_t salt);

}  // namespace infx::emulator
