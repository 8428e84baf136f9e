#include "cli/telemetry_flags.h"

#include <fmt/format.h>

#include "cli/flag_checks.h"

namespace infx::cli {

telemetry::TelemetryOptions TelemetryFlags::Resolved() const {
  telemetry::TelemetryOptions o = options;
  o.enabled = true;
  o.scrape = !no_scrape;
  o.keep_raw = !no_raw;
  return o;
}

void AddTelemetryFlags(CLI::App* cmd, TelemetryFlags& f) {
  telemetry::TelemetryOptions& o = f.options;
  cmd->add_flag("--no-scrape", f.no_scrape,
                "Do not scrape the server's Prometheus /metrics");
  cmd->add_option("--scrape-interval", o.scrape_interval_s,
                  "Seconds between /metrics scrapes")
      ->capture_default_str();
  cmd->add_option("--scrape-timeout", o.scrape_timeout_s,
                  "Seconds one /metrics (or DCGM) GET may take")
      ->capture_default_str();
  cmd->add_option("--metrics-url", o.metrics_url,
                  "Prometheus endpoint (default: <base-url host>/metrics)");
  cmd->add_flag("--no-raw-metrics", f.no_raw,
                "Leave the raw scraped samples out of the result");
  cmd->add_option("--power-source", o.power.source,
                  "GPU power: auto | nvidia-smi | amd-smi | dcgm | none")
      ->capture_default_str();
  cmd->add_option("--power-url", o.power.dcgm_url,
                  "DCGM exporter /metrics URL (power source dcgm)");
  cmd->add_option("--power-interval", o.power.interval_s,
                  "Seconds between power samples")
      ->capture_default_str();
  cmd->add_option("--power-max-gap", o.power_max_gap_s,
                  "power_valid is false when samples are further apart (s)")
      ->capture_default_str();
  cmd->add_option("--facility-factor", o.facility_factor,
                  "All-in power / GPU board power, for tokens per MW (0: "
                  "auto = the hardware's catalog all-in power / TDP in "
                  "sweeps, 1.0 in bench)")
      ->capture_default_str();
  cmd->add_option("--expect-gpus", o.expected_num_gpus,
                  "power_valid is false unless this many GPUs report (0: any)")
      ->capture_default_str();
}

std::string FormatTelemetrySummary(const telemetry::PointTelemetry& t) {
  std::string out;
  const telemetry::ServerSummary& s = t.server;
  out += "---------------Server telemetry-----------------\n";
  if (!s.available) {
    out += fmt::format("{:<40}{}\n", "Missing:", s.missing_reason);
  } else {
    out += fmt::format("{:<40}{} ok, {} failed\n", "Scrapes:", s.scrapes_ok,
                       s.scrapes_failed);
    if (s.requests_running_mean) {
      out += fmt::format("{:<40}{:.2f} (max {:.0f})\n",
                         "Running requests:", *s.requests_running_mean,
                         *s.requests_running_max);
    }
    if (s.kv_cache_usage_max) {
      out += fmt::format("{:<40}{:.3f}\n",
                         "KV-cache usage (max):", *s.kv_cache_usage_max);
    }
    if (s.generation_tokens) {
      out += fmt::format("{:<40}{:.0f} (client {})\n",
                         "Server generation tokens:", *s.generation_tokens,
                         s.client_generation_tokens);
    }
    if (s.prefix_cache_hit_rate) {
      out += fmt::format("{:<40}{:.3f}\n",
                         "Prefix-cache hit rate:", *s.prefix_cache_hit_rate);
    }
    if (auto it = s.latency.find("ttft"); it != s.latency.end()) {
      out += fmt::format("{:<40}{:.2f}\n",
                         "Server P50 TTFT (ms):", it->second.p50_ms);
    }
  }
  out += "------------------GPU power---------------------\n";
  if (!t.power.valid) {
    std::string why;
    for (const std::string& r : t.power.invalid_reasons) {
      why += (why.empty() ? "" : "; ") + r;
    }
    out += fmt::format("{:<40}{}\n", "power_valid: false", why);
  } else {
    out += fmt::format("{:<40}{}\n", "Source:", t.power.source);
    out += fmt::format("{:<40}{:.1f} / {:.1f}\n",
                       "Avg / P90 W per GPU:", t.power.avg_power_w,
                       t.power.p90_power_w);
    out += fmt::format("{:<40}{:.4f}\n", "Joules per output token:",
                       t.energy.joules_per_output_token);
    out += fmt::format("{:<40}{:.0f}\n",
                       "Tokens per MW (measured):", t.energy.tokens_per_mw);
  }
  return out;
}

}  // namespace infx::cli
