// Numeric precisions for weights, activations and the KV cache, and the
// bytes each element costs including block scales.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace infx {

enum class Precision {
  kBf16,  // also FP16: 2 bytes
  kFp8,   // E4M3 with per-block (128x128) FP32 scales, as DeepSeek-V3 ships
  kFp4,   // NVFP4: E2M1 with one FP8 scale per 16 elements (+ FP32 tensor)
};

// "bf16", "fp8", "fp4".
std::string_view PrecisionName(Precision p);
// Accepts bf16/fp16/fp8/fp4/nvfp4/mxfp4 (case-insensitive).
Result<Precision> ParsePrecision(std::string_view text);

// Bytes per weight element including block-scale overhead:
//   bf16 2.0; fp8 1 + 4/(128*128); fp4 0.5 + 1/16 (NVFP4).
double WeightBytesPerElement(Precision p);
// Bytes per KV-cache element (no scales; per-tensor scales are negligible):
//   bf16 2, fp8 1, fp4 0.5.
double KvBytesPerElement(Precision p);

}  // namespace infx
