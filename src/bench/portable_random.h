// Portable random numbers for everything a seed must reproduce on every
// platform and standard library (prompts, open-loop schedules): the
// splitmix64 generator and samplers written out here, never std::
// distributions, whose algorithms differ between libstdc++, libc++ and MSVC.
// The only libm calls are sqrt (correctly rounded by IEEE 754), log and pow
// (correctly rounded in practice by glibc and other modern libms), so a
// seed gives the same numbers everywhere.
//
// Thread-safety: a SplitMix64 object is not shared between threads; the
// free functions are pure given the generator.
#pragma once

#include <cstdint>

namespace infx::bench {

// splitmix64 (Steele, Lea, Flood 2014): small and fully specified.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform integer in [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo +
           static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Uniform double in (0, 1): the top 53 bits, offset by half a step.
  double UniformOpen01() {
    return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53;
  }

 private:
  uint64_t state_;
};

// Standard normal by Marsaglia's polar method.
double SampleNormal(SplitMix64& rng);

// Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 by the
// boost Gamma(shape + 1) x U^(1 / shape). shape > 0, scale > 0.
double SampleGamma(SplitMix64& rng, double shape, double scale);

// A seed for a second, independent stream derived from `seed` (the
// schedule's, when the prompts use `seed` itself).
uint64_t DeriveSeed(uint64_t seed, uint64_t stream);

}  // namespace infx::bench
