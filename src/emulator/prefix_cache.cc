#include "emulator/prefix_cache.h"

#include <algorithm>

#include "emulator/text_gen.h"

namespace infx::emulator {

PrefixCache::PrefixCache(int64_t num_blocks, bool enabled)
    : enabled_(enabled), free_blocks_(std::max<int64_t>(0, num_blocks)) {}

int64_t PrefixCache::Match(const std::vector<uint64_t>& hashes,
                           int64_t max_blocks) const {
  if (!enabled_) return 0;
  const int64_t limit =
      std::min<int64_t>(max_blocks, static_cast<int64_t>(hashes.size()));
  int64_t n = 0;
  while (n < limit && map_.contains(hashes[static_cast<size_t>(n)])) ++n;
  return n;
}

void PrefixCache::Acquire(const std::vector<uint64_t>& hashes, int64_t n,
                          std::vector<BlockHold>& holds) {
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t h = hashes[static_cast<size_t>(i)];
    Entry& e = map_.at(h);
    if (e.refs == 0) {
      lru_.erase(e.lru);
      --free_blocks_;
    }
    ++e.refs;
    holds.push_back({h, epoch_});
  }
}

void PrefixCache::Evict(int64_t n) {
  for (int64_t i = 0; i < n && !lru_.empty(); ++i) {
    map_.erase(lru_.front());
    lru_.pop_front();
  }
}

bool PrefixCache::Allocate(int64_t n) {
  if (n <= 0) return true;
  if (n > free_blocks_) return false;
  const int64_t uncached = free_blocks_ - static_cast<int64_t>(lru_.size());
  if (n > uncached) Evict(n - uncached);
  free_blocks_ -= n;
  return true;
}

std::optional<BlockHold> PrefixCache::Register(uint64_t hash) {
  if (!enabled_) return std::nullopt;
  auto [it, inserted] = map_.try_emplace(hash);
  if (!inserted) return std::nullopt;
  it->second.refs = 1;
  return BlockHold{hash, epoch_};
}

void PrefixCache::Release(const std::vector<BlockHold>& holds, int64_t plain) {
  free_blocks_ += plain;
  for (auto it = holds.rbegin(); it != holds.rend(); ++it) {
    if (it->epoch != epoch_) {  // uncached by a Reset meanwhile
      auto stale = stale_.find({it->hash, it->epoch});
      if (stale != stale_.end() && --stale->second == 0) {
        stale_.erase(stale);
        ++free_blocks_;
      }
      continue;
    }
    auto found = map_.find(it->hash);
    if (found == map_.end()) continue;
    Entry& e = found->second;
    if (--e.refs == 0) {
      e.lru = lru_.insert(lru_.end(), it->hash);
      ++free_blocks_;
    }
  }
}

int64_t PrefixCache::Reset() {
  const auto n = static_cast<int64_t>(map_.size());
  for (const auto& [hash, e] : map_) {
    if (e.refs > 0) stale_[{hash, epoch_}] = e.refs;  // still allocated
  }
  map_.clear();
  lru_.clear();
  ++epoch_;
  return n;
}

std::vector<uint64_t> PromptBlockHashes(const std::vector<int64_t>* ids,
                                        std::string_view text,
                                        int64_t prompt_tokens,
                                        int64_t block_size, uint64_t salt) {
  std::vector<uint64_t> out;
  if (block_size < 1) return out;
  int64_t blocks = prompt_tokens / block_size;
  const int64_t unit = ids ? block_size : 4 * block_size;  // ids or bytes
  const int64_t have = ids ? static_cast<int64_t>(ids->size())
                           : static_cast<int64_t>(text.size());
  blocks = std::min(blocks, have / unit);
  out.reserve(static_cast<size_t>(std::max<int64_t>(0, blocks)));
  uint64_t parent = MixSeed(0x9f1bc0de5eedULL, salt);
  for (int64_t b = 0; b < blocks; ++b) {
    const size_t begin = static_cast<size_t>(b * unit);
    uint64_t h = 0;
    if (ids) {
      h = HashText({reinterpret_cast<const char*>(ids->data() + begin),
                    static_cast<size_t>(unit) * sizeof(int64_t)});
    } else {
      h = HashText(text.substr(begin, static_cast<size_t>(unit)));
    }
    parent = MixSeed(parent, h);
    out.push_back(parent);
  }
  return out;
}

}  // namespace infx::emulator
