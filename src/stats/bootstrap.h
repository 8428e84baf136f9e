// Percentile bootstrap confidence interval of the ratio of geometric means
// of two positive samples, GM(b) / GM(a) = exp(mean(log b) - mean(log a)):
// each resample draws len(a) values of a and len(b) values of b with
// replacement (independently, stratified by sample). Randomness comes from
// a seeded std::mt19937_64 (its output sequence is fixed by the standard)
// with an unbiased rejection draw of indices, so a seed gives the same
// interval on every platform.
//
// Thread-safety: pure function (its generator is local).
#pragma once

#include <cstdint>
#include <vector>

namespace infx::stats {

struct RatioInterval {
  double ratio = 0;    // GM(b) / GM(a) of the samples themselves
  double low = 0;      // lower percentile bound
  double high = 0;     // upper percentile bound
  bool valid = false;  // false: an empty sample or a non-positive value
};

RatioInterval BootstrapGeometricMeanRatio(const std::vector<double>& a,
                                          const std::vector<double>& b,
                                          int resamples, double confidence,
                                          uint64_t seed);

}  // namespace infx::stats
