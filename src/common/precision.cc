#include "common/precision.h"

#include <algorithm>
#include <cctype>

namespace infx {

std::string_view PrecisionName(Precision p) {
  switch (p) {
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp8:
      return "fp8";
    case Precision::kFp4:
      return "fp4";
  }
  return "?";
}

Result<Precision> ParsePrecision(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "bf16" || lower == "fp16" || lower == "bfloat16" ||
      lower == "float16") {
    return Precision::kBf16;
  }
  if (lower == "fp8" || lower == "float8" || lower == "e4m3") {
    return Precision::kFp8;
  }
  if (lower == "fp4" || lower == "nvfp4" || lower == "mxfp4") {
    return Precision::kFp4;
  }
  return Status::InvalidArgument("unknown precision '" + std::string(text) +
                                 "' (expected bf16, fp8 or fp4)");
}

double WeightBytesPerElement(Precision p) {
  switch (p) {
    case Precision::kBf16:
      return 2.0;
    case Precision::kFp8:
      return 1.0 + 4.0 / (128.0 * 128.0);
    case Precision::kFp4:
      return 0.5 + 1.0 / 16.0;
  }
  return 2.0;
}

double KvBytesPerElement(Precision p) {
  switch (p) {
    case Precision::kBf16:
      return 2.0;
    case Precision::kFp8:
      return 1.0;
    case Precision::kFp4:
      return 0.5;
  }
  return 2.0;
}

}  // namespace infx
