// InferenceX import: turns the fixed-seq-len scenarios of an InferenceX
// master config (e.g. nvidia-master.yaml, format in its CONFIGS.md) into a
// sweep Matrix whose (config, isl, osl, concurrency) points are the ones
// InferenceX's own matrix generator (utils/matrix_logic
// generate_sweep_configs.py, full-sweep mode without eval selection)
// produces:
//   - entries in declaration order; per entry each fixed-seq-len (isl, osl)
//     and each search-space entry in order;
//   - concurrencies = conc-list when given, else conc-start, x2, ... up to
//     and including conc-end (the end is kept even after an overshoot);
//   - single-node: tp, pp (1), ep (1), dp-attn (false) on the runner's GPU;
//     multinode: prefill/decode worker pools (num-worker, tp, pp, ep,
//     dp-attn);
//   - requests per point = conc x 10 (InferenceX's benchmark client) with
//     random range ratio 0.8.
// Fields infx cannot honour (image, router, kv-p2p-transfer,
// spec-decoding, dcp/pcp sizes, additional-settings, per-worker hardware,
// agentic-coding scenarios, ...) are listed in Matrix::unhonoured, grouped by
// field with the entries that use them; never dropped silently.
//
// Thread-safety: pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "common/result.h"
#include "sweep/inferencex_filter.h"
#include "sweep/matrix.h"

namespace infx::sweep {

struct InferenceXImport {
  Matrix matrix;
  int entries_matched = 0;  // master entries that passed the entry filters
};

// `root` is the parsed master config; `source` names it in errors.
Result<InferenceXImport> ImportInferenceX(
    const YAML::Node& root, const std::string& source,
    const std::vector<FilterTerm>& filters);
Result<InferenceXImport> ImportInferenceXFile(
    const std::string& path, const std::vector<FilterTerm>& filters);

// Hardware catalog name for an InferenceX runner label: "cluster:h200-dgxc"
// -> "h200", "b200-multinode" -> "b200" (the GPU family, as InferenceX's
// _hardware_family).
std::string HardwareForRunner(const std::string& runner);
// Engine name for an InferenceX framework: "trt" -> "trtllm",
// "dynamo-sglang" -> "sglang", "vllm" -> "vllm".
std::string EngineForFramework(const std::string& framework);
// infx model catalog name for an InferenceX model-prefix when known
// ("dsr1" -> "deepseek-r1"); otherwise the entry's model id unchanged.
std::string ModelForEntry(const std::string& model_prefix,
                          const std::string& model);

}  // namespace infx::sweep
