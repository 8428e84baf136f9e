#include "bench/point_telemetry.h"

#include <algorithm>
#include <limits>

namespace infx::bench {

Result<MeasuredPoint> RunBenchmarkWithTelemetry(
    const BenchConfig& config, const telemetry::TelemetryOptions& options) {
  std::unique_ptr<telemetry::TelemetrySession> session;
  if (options.enabled) {
    INFX_ASSIGN_OR_RETURN(std::string key,
                          ApiKeyFromEnv(config.client.api_key_env));
    INFX_ASSIGN_OR_RETURN(session, telemetry::TelemetrySession::Start(
                                       options, config.client.base_url,
                                       key.empty() ? "" : "Bearer " + key,
                                       config.client.verify_tls));
  }
  MeasuredPoint point;
  INFX_ASSIGN_OR_RETURN(point.result, RunBenchmark(config));
  if (session) {
    point.telemetry = FinishPointTelemetry(*session, point.result);
  }
  return point;
}

nlohmann::json MeasuredPointToJson(const MeasuredPoint& point) {
  nlohmann::json j = BenchResultToJson(point.result);
  if (point.telemetry) telemetry::AddTelemetryJson(*point.telemetry, &j);
  return j;
}

telemetry::PointTelemetry FinishPointTelemetry(
    telemetry::TelemetrySession& session, const BenchResult& result) {
  int64_t start = std::numeric_limits<int64_t>::max();
  int64_t end = 0;
  telemetry::PointCounts counts;
  for (const metrics::RequestRecord& r : result.records) {
    if (r.send_ns == 0) continue;
    // Server counters cover every request the server saw.
    if (r.first_token_ns != 0) {
      counts.all_requests.prompt_tokens += r.PromptTokens();
    }
    counts.all_requests.generation_tokens += r.OutputTokens();
    if (r.warmup) continue;
    start = std::min(start, r.send_ns);
    end = std::max(end, r.end_ns);
  }
  if (end == 0) start = end = 0;
  counts.input_tokens = result.metrics.total_input_tokens;
  counts.output_tokens = result.metrics.total_output_tokens;
  counts.completed = result.metrics.completed;
  return session.Finish(start, end, counts);
}

}  // namespace infx::bench
