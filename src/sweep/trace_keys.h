// The trace/session keys of a matrix workload (docs/matrix.md "Trace
// workloads"): dataset, dataset_path, trace_speedup, trace_timestamps,
// hash_block_size and prefix_hit_rate, checked as they are read (a dataset
// infx does not replay, a trace without its file, a file without a
// dataset, a speedup <= 0, a hit rate outside [0, 1)).
//
// Thread-safety: a pure function.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "common/result.h"
#include "sweep/matrix.h"

namespace infx::sweep {

// Reads the keys of `n` into `w`; errors name `where` and the key.
Status ParseTraceKeys(const YAML::Node& n, const std::string& where,
                      Workload& w);

}  // namespace infx::sweep
