#include "bench/portable_random.h"

#include <cmath>

namespace infx::bench {

double SampleNormal(SplitMix64& rng) {
  while (true) {
    const double u = 2 * rng.UniformOpen01() - 1;
    const double v = 2 * rng.UniformOpen01() - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
  }
}

double SampleGamma(SplitMix64& rng, double shape, double scale) {
  if (shape < 1) {
    const double g = SampleGamma(rng, shape + 1, 1.0);
    return g * std::pow(rng.UniformOpen01(), 1.0 / shape) * scale;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = SampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = rng.UniformOpen01();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) {
      return d * v * scale;
    }
  }
}

uint64_t DeriveSeed(uint64_t seed, uint64_t stream) {
  SplitMix64 mix(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
  return mix.Next();
}

}  // namespace infx::bench
