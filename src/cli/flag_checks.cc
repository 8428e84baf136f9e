#include "cli/flag_checks.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/limits.h"

namespace infx::cli {
namespace {

std::string Range(double lo, double hi) {
  if (std::isinf(hi)) return fmt::format(">= {}", lo);
  return fmt::format("in [{}, {}]", lo, hi);
}

// "" when `text` is a finite number in [lo, hi], else why not.
std::string CheckFinite(const std::string& text, double lo, double hi,
                        double* out) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    return fmt::format("'{}' is not a number (expected a number {})", text,
                       Range(lo, hi));
  }
  if (!std::isfinite(v)) {
    return fmt::format("'{}' is not a finite number (expected a number {})",
                       text, Range(lo, hi));
  }
  if (v < lo || v > hi) {
    return fmt::format("{} is out of range (expected a number {})", text,
                       Range(lo, hi));
  }
  if (out) *out = v;
  return "";
}

std::string CheckInt(const std::string& text, int64_t lo, int64_t hi,
                     int64_t* out) {
  const std::string expected =
      lo == 1 && hi == INT64_MAX
          ? std::string("a positive integer")
          : fmt::format("an integer in [{}, {}]", lo, hi);
  int64_t v = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec == std::errc::result_out_of_range) {
    return fmt::format("{} is out of range (expected {})", text, expected);
  }
  if (text.empty() || ec != std::errc() || ptr != last) {
    return fmt::format("'{}' is not an integer (expected {})", text, expected);
  }
  if (v < lo || v > hi) {
    if (lo == 1 && v <= 0) {
      return fmt::format("{} is not a positive integer (expected {})", text,
                         expected);
    }
    return fmt::format("{} is out of range (expected {})", text, expected);
  }
  if (out) *out = v;
  return "";
}

}  // namespace

CLI::Validator FiniteIn(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) {
        return CheckFinite(text, lo, hi, nullptr);
      },
      "NUMBER " + Range(lo, hi));
}

CLI::Validator FiniteNonNegative() { return FiniteIn(0, HUGE_VAL); }

CLI::Validator FinitePositive() {
  return CLI::Validator(
      [](std::string& text) {
        double v = 0;
        std::string err = CheckFinite(text, 0, HUGE_VAL, &v);
        if (err.empty() && v <= 0) {
          err = fmt::format("{} is not positive (expected a number > 0)", text);
        }
        return err;
      },
      "NUMBER > 0");
}

CLI::Validator IntIn(int64_t lo, int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) { return CheckInt(text, lo, hi, nullptr); },
      fmt::format("INT in [{}, {}]", lo, hi));
}

Result<double> ParseFiniteIn(const std::string& text, double lo, double hi,
                             const std::string& flag) {
  double v = 0;
  std::string err = CheckFinite(text, lo, hi, &v);
  if (!err.empty()) return Status::InvalidArgument(flag + ": " + err);
  return v;
}

Result<int64_t> ParseIntIn(const std::string& text, int64_t lo, int64_t hi,
                           const std::string& flag) {
  int64_t v = 0;
  std::string err = CheckInt(text, lo, hi, &v);
  if (!err.empty()) return Status::InvalidArgument(flag + ": " + err);
  return v;
}

void AddWorkloadLengthFlags(CLI::App* cmd, int64_t* isl, int64_t* osl,
                            double* range_ratio) {
  cmd->add_option("--isl", *isl, "input length, tokens")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  cmd->add_option("--osl", *osl, "output length, tokens")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  cmd->add_option("--range-ratio", *range_ratio,
                  "lengths uniform in [len x ratio, len] (InferenceX)")
      ->capture_default_str()
      ->check(FiniteIn(0, 1));
}

}  // namespace infx::cli
