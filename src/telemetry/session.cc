#include "telemetry/session.h"

#include <fmt/format.h>

#include <cmath>

#include "client/clock.h"

namespace infx::telemetry {

Status CheckTelemetryOptions(const TelemetryOptions& o) {
  if (!(o.scrape_interval_s > 0) || !std::isfinite(o.scrape_interval_s)) {
    return Status::InvalidArgument(fmt::format(
        "--scrape-interval must be > 0 seconds, got {}", o.scrape_interval_s));
  }
  if (!(o.scrape_timeout_s > 0)) {
    return Status::InvalidArgument("--scrape-timeout must be > 0 seconds");
  }
  if (o.facility_factor != 0 &&
      (!(o.facility_factor >= 1) || !std::isfinite(o.facility_factor))) {
    return Status::InvalidArgument(
        fmt::format("--facility-factor must be >= 1 (or 0 for auto), got {}",
                    o.facility_factor));
  }
  if (!(o.power_max_gap_s > 0)) {
    return Status::InvalidArgument("--power-max-gap must be > 0 seconds");
  }
  return Status::Ok();
}

Result<std::unique_ptr<TelemetrySession>> TelemetrySession::Start(
    const TelemetryOptions& options, const std::string& base_url,
    const std::string& authorization, bool verify_tls) {
  INFX_RETURN_IF_ERROR(CheckTelemetryOptions(options));
  auto s = std::make_unique<TelemetrySession>();
  s->options_ = options;
  s->origin_ns_ = client::NowNs();
  if (options.scrape) {
    ScrapeOptions so;
    if (options.metrics_url.empty()) {
      INFX_ASSIGN_OR_RETURN(so.url, MetricsUrlFor(base_url));
    } else {
      so.url = options.metrics_url;
    }
    so.interval_s = options.scrape_interval_s;
    so.timeout_s = options.scrape_timeout_s;
    so.authorization = authorization;
    so.verify_tls = verify_tls;
    INFX_ASSIGN_OR_RETURN(s->scraper_, Scraper::Start(std::move(so)));
  }
  PowerOptions power = options.power;
  power.dcgm_timeout_s = options.scrape_timeout_s;
  if (power.source == "dcgm" && power.dcgm_url.empty()) {
    // DCGM families on the target's own /metrics (the emulator does this).
    if (!options.metrics_url.empty()) {
      power.dcgm_url = options.metrics_url;
    } else {
      INFX_ASSIGN_OR_RETURN(power.dcgm_url, MetricsUrlFor(base_url));
    }
  }
  INFX_ASSIGN_OR_RETURN(s->power_, PowerRecorder::Start(power));
  return s;
}

PointTelemetry TelemetrySession::Finish(int64_t window_start_ns,
                                        int64_t window_end_ns,
                                        const PointCounts& counts) {
  PointTelemetry t;
  if (scraper_) {
    t.scraped = true;
    std::vector<Scrape> scrapes = scraper_->Stop();
    t.server = Summarize(scrapes, counts.all_requests);
    if (options_.keep_raw) t.raw = RawScrapesToJson(scrapes, window_start_ns);
  } else {
    t.server.missing_reason = "not scraped (--no-scrape)";
  }
  PowerRecorder::Recording rec = power_->Stop();
  PowerIntegrationOptions pio;
  pio.max_gap_s = options_.power_max_gap_s;
  pio.expected_num_gpus = options_.expected_num_gpus;
  t.power = IntegratePower(rec.samples, window_start_ns, window_end_ns, pio);
  t.power.source = rec.source;
  if (!rec.problem.empty()) {
    t.power.valid = false;
    t.power.invalid_reasons.insert(t.power.invalid_reasons.begin(),
                                   rec.problem);
  }
  t.energy = DeriveEnergy(
      t.power, counts.input_tokens, counts.output_tokens, counts.completed,
      options_.facility_factor == 0 ? 1.0 : options_.facility_factor);
  return t;
}

void AddTelemetryJson(const PointTelemetry& t, nlohmann::json* result) {
  (*result)["server_telemetry"] = ServerSummaryToJson(t.server);
  if (!t.raw.is_null()) (*result)["server_metrics_raw"] = t.raw;
  const nlohmann::json power = PowerToJson(t.power, t.energy);
  for (const auto& [key, value] : power.items()) (*result)[key] = value;
}

}  // namespace infx::telemetry
