// Accuracy changes between two runs: for each (config, task) eval both runs
// stored at config level, the per-question outcomes ({"index", "correct"})
// are paired by question index and judged by the existing paired McNemar
// test (eval/stats.h): "better"/"worse" when p < alpha, else "same";
// "unknown" when no question pairs up.
//
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "living/compare.h"
#include "store/results_store.h"

namespace infx::living {

std::vector<AccuracyRow> CompareAccuracy(
    const std::vector<store::EvalRecord>& baseline,
    const std::vector<store::EvalRecord>& current, double alpha);

}  // namespace infx::living
