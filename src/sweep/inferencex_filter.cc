#include "sweep/inferencex_filter.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <set>

namespace infx::sweep {
namespace {

const std::set<std::string> kEntryKeys = {
    "name",   "model",    "model-prefix", "precision", "framework",
    "runner", "hardware", "multinode",    "disagg"};
const std::set<std::string> kSequenceKeys = {"seq", "isl", "osl"};
const std::set<std::string> kSearchKeys = {"tp", "ep", "dp-attn",
                                           "spec-decoding"};
const std::set<std::string> kPointKeys = {"conc", "min-conc", "max-conc"};

const std::set<std::string>& KeysOf(FilterLevel level) {
  switch (level) {
    case FilterLevel::kEntry:
      return kEntryKeys;
    case FilterLevel::kSequence:
      return kSequenceKeys;
    case FilterLevel::kSearch:
      return kSearchKeys;
    case FilterLevel::kPoint:
      return kPointKeys;
  }
  return kPointKeys;
}

bool GlobMatch(const std::string& pattern, const std::string& value) {
  return fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
}

}  // namespace

bool FilterPasses(const std::vector<FilterTerm>& filters, FilterLevel level,
                  const FilterValues& values) {
  const std::set<std::string>& keys = KeysOf(level);
  for (const auto& term : filters) {
    if (!keys.count(term.key)) continue;
    if (term.key == "min-conc" || term.key == "max-conc") {
      const int conc = std::stoi(values.at("conc"));
      const int bound = std::stoi(term.patterns.front());
      if (term.key == "min-conc" ? conc < bound : conc > bound) return false;
      continue;
    }
    auto it = values.find(term.key);
    const std::string value = it == values.end() ? "" : it->second;
    // seq also matches "ISL/OSL" when its short name is 1k1k / 8k1k.
    const std::string alt =
        term.key == "seq" ? values.at("isl") + "/" + values.at("osl") : value;
    bool any = false;
    for (const auto& p : term.patterns) {
      any = any || GlobMatch(p, value) || GlobMatch(p, alt);
    }
    if (!any) return false;
  }
  return true;
}

Result<std::vector<FilterTerm>> ParseInferenceXFilters(
    const std::vector<std::string>& specs) {
  std::vector<FilterTerm> out;
  for (const auto& spec : specs) {
    size_t start = 0;
    while (start <= spec.size()) {
      size_t comma = spec.find(',', start);
      if (comma == std::string::npos) comma = spec.size();
      const std::string term = spec.substr(start, comma - start);
      start = comma + 1;
      if (term.empty()) continue;
      const size_t eq = term.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == term.size()) {
        return Status::InvalidArgument(fmt::format(
            "--filter '{}': expected key=glob, e.g. framework=sglang", term));
      }
      FilterTerm t{term.substr(0, eq), {}};
      if (!kEntryKeys.count(t.key) && !kSequenceKeys.count(t.key) &&
          !kSearchKeys.count(t.key) && !kPointKeys.count(t.key)) {
        return Status::InvalidArgument(fmt::format(
            "--filter '{}': unknown key '{}' (name, model, model-prefix, "
            "precision, framework, runner, hardware, multinode, disagg, seq, "
            "isl, osl, tp, ep, dp-attn, spec-decoding, conc, min-conc, "
            "max-conc)",
            term, t.key));
      }
      const std::string rhs = term.substr(eq + 1);
      size_t p = 0;
      while (p <= rhs.size()) {
        size_t bar = rhs.find('|', p);
        if (bar == std::string::npos) bar = rhs.size();
        if (bar > p) t.patterns.push_back(rhs.substr(p, bar - p));
        p = bar + 1;
      }
      if ((t.key == "min-conc" || t.key == "max-conc") &&
          (t.patterns.size() != 1 || t.patterns[0].find_first_not_of(
                                         "0123456789") != std::string::npos)) {
        return Status::InvalidArgument(
            fmt::format("--filter '{}': {} takes one integer", term, t.key));
      }
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace infx::sweep
