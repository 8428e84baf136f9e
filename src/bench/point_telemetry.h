// One bench point with server telemetry and GPU power around it
// (src/telemetry/session.h, docs/telemetry.md): the /metrics scraper and the
// power recorder start before RunBenchmark and stop after it, on their own
// threads; the point's server summary and energy figures are computed from
// the records (window: the measured requests' first send to last end).
// Telemetry never fails a point: what is missing is said in the result.
//
// Thread-safety: each call is independent (as RunBenchmark).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "bench/runner.h"
#include "telemetry/session.h"

namespace infx::bench {

struct MeasuredPoint {
  BenchResult result;
  // Set when options.enabled.
  std::optional<telemetry::PointTelemetry> telemetry;
};

// RunBenchmark with telemetry::TelemetryOptions; errors: RunBenchmark's,
// and bad telemetry options (interval, power source name, URL).
Result<MeasuredPoint> RunBenchmarkWithTelemetry(
    const BenchConfig& config, const telemetry::TelemetryOptions& options);

// BenchResultToJson plus the telemetry fields (telemetry::AddTelemetryJson).
nlohmann::json MeasuredPointToJson(const MeasuredPoint& point);

// The point's window and token counts, as Finish wants them.
telemetry::PointTelemetry FinishPointTelemetry(
    telemetry::TelemetrySession& session, const BenchResult& result);

}  // namespace infx::bench
