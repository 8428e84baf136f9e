#include "eval/python_random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_set>

namespace infx::eval {
namespace {
constexpr int kN = 624;
constexpr int kM = 397;
constexpr uint32_t kMatrixA = 0x9908b0dfU;
constexpr uint32_t kUpperMask = 0x80000000U;
constexpr uint32_t kLowerMask = 0x7fffffffU;
}  // namespace

void PythonRandom::InitGenrand(uint32_t s) {
  state_[0] = s;
  for (int i = 1; i < kN; ++i) {
    state_[i] = 1812433253U * (state_[i - 1] ^ (state_[i - 1] >> 30)) +
                static_cast<uint32_t>(i);
  }
  index_ = kN;
}

PythonRandom::PythonRandom(uint64_t seed) {
  // init_by_array with the seed's 32-bit words, least significant first.
  std::vector<uint32_t> key;
  do {
    key.push_back(static_cast<uint32_t>(seed & 0xffffffffU));
    seed >>= 32;
  } while (seed != 0);
  InitGenrand(19650218U);
  int i = 1;
  int j = 0;
  const int key_length = static_cast<int>(key.size());
  for (int k = std::max(kN, key_length); k > 0; --k) {
    state_[i] =
        (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525U)) +
        key[j] + static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
    if (j >= key_length) j = 0;
  }
  for (int k = kN - 1; k > 0; --k) {
    state_[i] =
        (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941U)) -
        static_cast<uint32_t>(i);
    ++i;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
  }
  state_[0] = 0x80000000U;
  index_ = kN;
}

uint32_t PythonRandom::NextUint32() {
  if (index_ >= kN) {
    for (int kk = 0; kk < kN; ++kk) {
      const uint32_t y =
          (state_[kk] & kUpperMask) | (state_[(kk + 1) % kN] & kLowerMask);
      state_[kk] =
          state_[(kk + kM) % kN] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
    }
    index_ = 0;
  }
  uint32_t y = state_[index_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

uint32_t PythonRandom::GetRandBits(int k) { return NextUint32() >> (32 - k); }

uint32_t PythonRandom::RandBelow(uint32_t n) {
  const int k = std::bit_width(n);
  uint32_t r = GetRandBits(k);
  while (r >= n) r = GetRandBits(k);
  return r;
}

std::vector<uint32_t> PythonRandom::SampleIndices(uint32_t population,
                                                  uint32_t k) {
  k = std::min(k, population);
  std::vector<uint32_t> result(k);
  // random.sample picks the pool algorithm for small populations and the
  // rejection-set algorithm otherwise.
  size_t setsize = 21;
  if (k > 5) {
    setsize += static_cast<size_t>(
        std::pow(4.0, std::ceil(std::log(3.0 * k) / std::log(4.0))));
  }
  if (population <= setsize) {
    std::vector<uint32_t> pool(population);
    for (uint32_t i = 0; i < population; ++i) pool[i] = i;
    for (uint32_t i = 0; i < k; ++i) {
      const uint32_t j = RandBelow(population - i);
      result[i] = pool[j];
      pool[j] = pool[population - i - 1];
    }
    return result;
  }
  std::unordered_set<uint32_t> selected;
  for (uint32_t i = 0; i < k; ++i) {
    uint32_t j = RandBelow(population);
    while (selected.count(j) != 0) j = RandBelow(population);
    selected.insert(j);
    result[i] = j;
  }
  return result;
}

}  // namespace infx::eval
