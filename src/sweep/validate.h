// Up-front validation of a whole sweep matrix, before the first target is
// started: every config's hardware exists (the built-in catalog plus
// --hardware-file), its precisions parse, its model loads where the target
// needs it (the emulator; any target for a model given as a path), its
// engine has an emulator calibration (emulator target) or a launch command
// template that expands (launch target), the URL target parses, and every
// point's prompt count is in range. All problems are reported at once, each
// naming the config; a sweep with any of them starts nothing.
//
// Thread-safety: pure functions (they read model and hardware files).
#pragma once

#include <string>

#include "common/result.h"
#include "hardware/catalog.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// The built-in hardware catalog merged with matrix.hardware_file (if set).
Result<hardware::HardwareCatalog> MatrixHardware(const Matrix& matrix);

// Ok, or InvalidArgument listing every problem, one per line.
Status ValidateMatrix(const Matrix& matrix);

}  // namespace infx::sweep
