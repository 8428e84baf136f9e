// `infx sweep --inferencex FILE --filter ...`: the filter terms that pick
// entries, sequences, search-space entries and concurrencies out of an
// InferenceX master config (sweep/inferencex.h), matched at the level each
// key belongs to. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::sweep {

// One filter term "key=glob[|glob...]"; see ParseInferenceXFilters.
struct FilterTerm {
  std::string key;
  std::vector<std::string> patterns;  // fnmatch globs; any may match
};

// Parses --filter values. Each value is a comma-separated list of terms
// "key=glob[|glob]"; all terms of all values must hold (AND), alternatives
// within a term are ORed. Keys: name, model, model-prefix, precision,
// framework, runner, hardware, multinode, disagg (entry level); seq (1k1k,
// 8k1k or ISL/OSL), isl, osl (sequence level); tp, ep, dp-attn,
// spec-decoding (search-space level); conc, min-conc, max-conc (point
// level; min/max compare numbers). Unknown keys are errors naming them.
Result<std::vector<FilterTerm>> ParseInferenceXFilters(
    const std::vector<std::string>& specs);

// The level of the master config a filter key belongs to.
enum class FilterLevel { kEntry, kSequence, kSearch, kPoint };

// Key -> value of one candidate at some level; the sequence level also
// needs "isl" and "osl", the point level "conc".
using FilterValues = std::map<std::string, std::string>;

// True when every term whose key belongs to `level` matches `values`.
bool FilterPasses(const std::vector<FilterTerm>& filters, FilterLevel level,
                  const FilterValues& values);

}  // namespace infx::sweep
