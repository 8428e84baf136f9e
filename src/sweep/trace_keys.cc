#include "sweep/trace_keys.h"

#include <fmt/format.h>

#include <cmath>

#include "common/limits.h"
#include "sweep/yaml_fields.h"

namespace infx::sweep {

Status ParseTraceKeys(const YAML::Node& n, const std::string& where,
                      Workload& w) {
  INFX_ASSIGN_OR_RETURN(w.dataset,
                        yamlf::String(n, "dataset", "random", where));
  INFX_ASSIGN_OR_RETURN(w.dataset_path,
                        yamlf::String(n, "dataset_path", "", where));
  INFX_ASSIGN_OR_RETURN(w.trace_speedup,
                        yamlf::Double(n, "trace_speedup", 1.0, where));
  INFX_ASSIGN_OR_RETURN(w.trace_timestamps,
                        yamlf::Bool(n, "trace_timestamps", true, where));
  INFX_ASSIGN_OR_RETURN(
      w.hash_block_size,
      yamlf::Int(n, "hash_block_size", 512, where,
                 yamlf::Range{1, limits::kMaxSequenceTokens}));
  INFX_ASSIGN_OR_RETURN(w.prefix_hit_rate,
                        yamlf::Double(n, "prefix_hit_rate", 0.0, where));
  if (w.dataset != "random" && w.dataset != "mooncake" &&
      w.dataset != "multiturn" && w.dataset != "agentic" &&
      w.dataset != "weka") {
    return Status::InvalidArgument(fmt::format(
        "{}: dataset '{}' (random, mooncake, multiturn, agentic, weka)", where,
        w.dataset));
  }
  if (w.dataset != "random" && w.dataset_path.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: dataset {} needs dataset_path", where, w.dataset));
  }
  if (w.dataset == "random" && !w.dataset_path.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: dataset_path needs a dataset (mooncake, multiturn, agentic, "
        "weka)",
        where));
  }
  if (!(w.trace_speedup > 0) || !std::isfinite(w.trace_speedup)) {
    return Status::InvalidArgument(fmt::format(
        "{}: trace_speedup must be > 0, got {}", where, w.trace_speedup));
  }
  if (!(w.prefix_hit_rate >= 0) || !(w.prefix_hit_rate < 1)) {
    return Status::InvalidArgument(
        fmt::format("{}: prefix_hit_rate must be in [0, 1), got {}", where,
                    w.prefix_hit_rate));
  }
  return Status::Ok();
}

}  // namespace infx::sweep
