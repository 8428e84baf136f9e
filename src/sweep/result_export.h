// Per-point result export: writes each stored point of a sweep run as one
// vLLM-format result JSON file (the bench module's result JSON, as
// `infx bench --result-file` writes it), so tools that read vLLM
// `--save-result` files, InferenceX's utils/process_result.py among them,
// read a sweep's points unchanged (docs/bench-result.md).
//
// Thread-safety: uses the given store only; one call at a time per store.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::sweep {

struct ExportedPoint {
  store::PointKey key;
  std::string path;  // file written
};

// File name stem of a point: the config key with '/' as '_', then
// "-isl<I>-osl<O>-conc<C>[-rate<R>]-rep<N>" (e.g.
// "llama-3.1-8b_h200_vllm_bf16_tp1-isl32-osl8-conc4-rep0").
std::string ExportStem(const store::PointKey& key);

// Writes <dir>/<ExportStem>.json for every point of `run_id` (creating
// `dir`), invalid points included (their "valid" is false). Results stored
// by older versions are brought to the current key contract (every
// top-level key ending in "ms" a number).
Result<std::vector<ExportedPoint>> ExportPointResults(
    store::ResultsStore& store, int64_t run_id, const std::string& dir);

}  // namespace infx::sweep
