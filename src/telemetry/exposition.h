// Prometheus text exposition format (0.0.4, and the OpenMetrics subset
// engines emit): a parser from the text a /metrics endpoint returns to
// metric families with typed samples. Handles counters, gauges, histograms
// (_bucket/_sum/_count), summaries (quantile/_sum/_count), untyped samples,
// labels with escapes (\\, \", \n), NaN / +Inf / -Inf values, optional
// millisecond timestamps, HELP (with its escapes), TYPE, comments and blank
// lines, and OpenMetrics' "# EOF". Like Prometheus, one malformed line fails
// the whole exposition; the error names the line number and what was wrong.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace infx::telemetry {

enum class MetricType { kUntyped, kCounter, kGauge, kHistogram, kSummary };
std::string_view MetricTypeName(MetricType type);

struct Label {
  std::string name;
  std::string value;  // unescaped
  bool operator==(const Label&) const = default;
};

struct Sample {
  std::string name;           // full sample name ("x_bucket", "x_sum", "x")
  std::vector<Label> labels;  // in exposition order
  double value = 0;
  std::optional<int64_t> timestamp_ms;
  // The label's value, or nullptr when the sample has no such label.
  const std::string* FindLabel(std::string_view name) const;
};

struct MetricFamily {
  std::string name;  // base name ("x" for x_bucket/x_sum/x_count)
  MetricType type = MetricType::kUntyped;
  std::string help;  // unescaped
  std::vector<Sample> samples;
};

struct Exposition {
  std::vector<MetricFamily> families;  // in order of first appearance
  const MetricFamily* Find(std::string_view name) const;
};

// Parses a whole exposition. ParseError "line N: ..." on the first
// malformed line.
Result<Exposition> ParseExposition(std::string_view text);

// Parses one sample value as Prometheus does: a float, "NaN", "+Inf",
// "-Inf" (case-insensitive), optional sign. nullopt when not a number.
std::optional<double> ParsePromNumber(std::string_view text);

}  // namespace infx::telemetry
