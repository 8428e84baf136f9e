#include "emulator/offload_tier.h"

#include <algorithm>

namespace infx::emulator {

OffloadSizing SizeOffloadTier(double size_gib, double bandwidth_gb_s,
                              double kv_bytes_per_token_per_gpu, int gpus,
                              int64_t block_size_tokens) {
  OffloadSizing s;
  if (!(size_gib > 0) || !(kv_bytes_per_token_per_gpu > 0) ||
      block_size_tokens < 1) {
    return s;
  }
  const double bytes = size_gib * double(int64_t{1} << 30);
  const double per_block = kv_bytes_per_token_per_gpu *
                           static_cast<double>(std::max(1, gpus)) *
                           static_cast<double>(block_size_tokens);
  s.blocks = static_cast<int64_t>(bytes / per_block);
  if (bandwidth_gb_s > 0) {
    s.load_s_per_token = kv_bytes_per_token_per_gpu / (bandwidth_gb_s * 1e9);
  }
  return s;
}

OffloadTier::OffloadTier(int64_t capacity_blocks)
    : capacity_(std::max<int64_t>(0, capacity_blocks)) {}

int64_t OffloadTier::Match(const std::vector<uint64_t>& hashes, int64_t from,
                           int64_t max_blocks) const {
  if (!enabled() || from < 0) return 0;
  const int64_t end =
      std::min<int64_t>(static_cast<int64_t>(hashes.size()),
                        from + std::max<int64_t>(0, max_blocks));
  int64_t n = 0;
  while (from + n < end && map_.contains(hashes[static_cast<size_t>(from + n)]))
    ++n;
  return n;
}

void OffloadTier::Store(uint64_t hash) {
  if (!enabled()) return;
  if (auto it = map_.find(hash); it != map_.end()) {
    lru_.splice(lru_.end(), lru_, it->second);
    return;
  }
  if (static_cast<int64_t>(map_.size()) >= capacity_) {
    map_.erase(lru_.front());
    lru_.pop_front();
  }
  map_[hash] = lru_.insert(lru_.end(), hash);
}

void OffloadTier::Touch(const std::vector<uint64_t>& hashes, int64_t from,
                        int64_t n) {
  for (int64_t i = from; i < from + n; ++i) {
    if (auto it = map_.find(hashes[static_cast<size_t>(i)]); it != map_.end()) {
      lru_.splice(lru_.end(), lru_, it->second);
    }
  }
}

void OffloadTier::Reset() {
  map_.clear();
  lru_.clear();
}

}  // namespace infx::emulator
