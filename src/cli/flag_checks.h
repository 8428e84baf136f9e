// CLI11 validators shared by every command, so that numbers are checked the
// same way everywhere: NaN and infinities are refused (CLI::Range lets NaN
// through), integers are bounded by what is plausible (common/limits.h,
// docs/limits.md), and messages say what was expected ("--context: 0 is not
// a positive integer"; CLI11 prefixes the flag name).
//
// Thread-safety: validators are built during CLI setup and are stateless.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace infx::cli {

// A finite number in [lo, hi].
CLI::Validator FiniteIn(double lo, double hi);
// A finite number >= 0.
CLI::Validator FiniteNonNegative();
// A finite number > 0.
CLI::Validator FinitePositive();
// An integer in [lo, hi] (decimal digits only: "1e11" is refused by name).
CLI::Validator IntIn(int64_t lo, int64_t hi);

// --isl, --osl (tokens, 1..limits::kMaxSequenceTokens) and --range-ratio
// (lengths uniform in [len x ratio, len], in [0, 1]) writing into the
// given fields, which must outlive the parse.
void AddWorkloadLengthFlags(CLI::App* cmd, int64_t* isl, int64_t* osl,
                            double* range_ratio);

// The same checks for values parsed by hand (comma lists, optional flags):
// InvalidArgument naming `flag`.
Result<double> ParseFiniteIn(const std::string& text, double lo, double hi,
                             const std::string& flag);
Result<int64_t> ParseIntIn(const std::string& text, int64_t lo, int64_t hi,
                           const std::string& flag);

}  // namespace infx::cli
