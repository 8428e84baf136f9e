// PythonRandom: CPython's `random.Random(seed)` (MT19937 seeded with
// init_by_array over the seed's 32-bit words) and the parts lm-eval's
// few-shot sampler uses (`rnd.sample(docs, n)`), so that a seed picks the
// same GSM8K exemplars as lm-evaluation-harness (fewshot_random_seed,
// default 1234). Reference: CPython Modules/_randommodule.c, Lib/random.py.
//
// Thread-safety: not thread-safe; one instance per sequence of draws.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace infx::eval {

class PythonRandom {
 public:
  explicit PythonRandom(uint64_t seed);

  // random.getrandbits(k) for 1 <= k <= 32.
  uint32_t GetRandBits(int k);
  // random._randbelow(n) for 1 <= n < 2^32.
  uint32_t RandBelow(uint32_t n);
  // Indices chosen by random.sample(range(population), k), in draw order.
  std::vector<uint32_t> SampleIndices(uint32_t population, uint32_t k);

 private:
  uint32_t NextUint32();
  void InitGenrand(uint32_t s);

  std::array<uint32_t, 624> state_{};
  int index_ = 625;
};

}  // namespace infx::eval
