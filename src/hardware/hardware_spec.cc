#include "hardware/hardware_spec.h"

namespace infx::hardware {

double HardwareSpec::PeakFlops(Precision p) const {
  switch (p) {
    case Precision::kBf16:
      return bf16_flops;
    case Precision::kFp8:
      return fp8_flops;
    case Precision::kFp4:
      return fp4_flops;
  }
  return 0;
}

}  // namespace infx::hardware
