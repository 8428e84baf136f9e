// TelemetrySession: everything infx measures about the server during one
// bench point besides the streams: the engine's /metrics scraped every
// scrape_interval_s (scraper.h) and GPU power from the first available
// source (power_source.h), both on their own threads, started before the
// first request and stopped after the last. Finish() turns them into the
// point's server summary, raw samples and energy figures. Nothing here
// fails a point: a missing /metrics or power source is recorded with its
// reason (server_telemetry.missing_reason, power_invalid_reasons).
//
// Thread-safety: one owner thread calls Start and Finish.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "telemetry/power_integration.h"
#include "telemetry/power_source.h"
#include "telemetry/scraper.h"
#include "telemetry/server_summary.h"

namespace infx::telemetry {

struct TelemetryOptions {
  bool enabled = false;     // the library default; `infx bench` turns it on
  bool scrape = true;       // --no-scrape turns it off
  std::string metrics_url;  // "" = <scheme>://<host>:<port>/metrics
  double scrape_interval_s = 0.5;
  double scrape_timeout_s = 2;
  bool keep_raw = true;  // raw samples in the result (server_metrics_raw)
  PowerOptions power;
  // All-in power / GPU board power (>= 1); 0 = auto: sweeps use the
  // config hardware's catalog all-in power / TDP (sweep/point_telemetry.h),
  // `infx bench` (no hardware known) 1.0.
  double facility_factor = 0;
  double power_max_gap_s = 3.0;
  int expected_num_gpus = 0;  // 0 = as observed
};
Status CheckTelemetryOptions(const TelemetryOptions& o);

struct PointTelemetry {
  bool scraped = false;
  ServerSummary server;
  nlohmann::json raw;  // RawScrapesToJson, or null
  PowerResult power;
  EnergyFigures energy;
};

struct PointCounts {
  ClientTokenCounts all_requests;  // warm-up included (server counters)
  int64_t input_tokens = 0;        // measured requests (energy per token)
  int64_t output_tokens = 0;
  int64_t completed = 0;
};

class TelemetrySession {
 public:
  // Config errors (bad URL, interval, power source name) are errors;
  // unreachable servers and missing tools are not.
  static Result<std::unique_ptr<TelemetrySession>> Start(
      const TelemetryOptions& options, const std::string& base_url,
      const std::string& authorization, bool verify_tls);
  // [window_start_ns, window_end_ns]: the measured requests' first send to
  // last end (steady clock), the window power is integrated over.
  PointTelemetry Finish(int64_t window_start_ns, int64_t window_end_ns,
                        const PointCounts& counts);

 private:
  TelemetryOptions options_;
  std::unique_ptr<Scraper> scraper_;
  std::string scrape_problem_;
  std::unique_ptr<PowerRecorder> power_;
  int64_t origin_ns_ = 0;
};

// Adds the point's telemetry to a bench result JSON: "server_telemetry"
// (object), "server_metrics_raw" (object) and the power/energy fields at
// the top level (power_integration.h PowerToJson).
void AddTelemetryJson(const PointTelemetry& t, nlohmann::json* result);

}  // namespace infx::telemetry
