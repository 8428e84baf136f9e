// Query strings of the dashboard API: percent-decoding, the point filters
// every data endpoint takes (run, model, hardware, engine, precision, isl,
// osl, config; each a comma-separated list of accepted values), and the
// check that a request names no parameter its endpoint does not know
// (InvalidArgument naming every unknown one: the API answers 400).
//
// Thread-safety: pure functions and values.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::web {

// name -> values, in order (a repeated name adds values).
using QueryParams = std::map<std::string, std::vector<std::string>>;

// "/api/points?model=a%2Fb&isl=1024" -> {"model": ["a/b"], "isl": ["1024"]}.
// '+' decodes to a space. Malformed escapes ("%zz", "%4") are
// InvalidArgument naming them.
Result<QueryParams> ParseQuery(std::string_view target);
// "%2F" -> "/"; InvalidArgument on a malformed escape.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// The filter parameter names, in documentation order.
const std::vector<std::string>& FilterNames();

struct PointFilter {
  std::set<int64_t> runs;
  std::set<std::string> models, hardware, engines, precisions, configs;
  std::set<int> isl, osl;

  bool AcceptsRun(int64_t run_id) const;
  // The config's details decide model/engine/precision; hardware falls back
  // to ConfigRecord::hardware.
  bool AcceptsConfig(const store::ConfigRecord* config,
                     const std::string& config_key) const;
  bool AcceptsPoint(const store::PointRecord& point) const;
};

// Builds the filter from `params`. Every parameter must be a filter or one
// of `extra` (the endpoint's own parameters); unknown ones are
// InvalidArgument "unknown parameter(s) 'a', 'b' for /api/x (known: ...)".
// Non-numeric run/isl/osl values are InvalidArgument naming them.
Result<PointFilter> ParseFilter(const QueryParams& params,
                                std::string_view endpoint,
                                const std::vector<std::string>& extra = {});

// The single value of `name`, or `fallback` when absent; InvalidArgument
// when given more than once.
Result<std::string> SingleParam(const QueryParams& params,
                                const std::string& name,
                                const std::string& fallback);

}  // namespace infx::web
