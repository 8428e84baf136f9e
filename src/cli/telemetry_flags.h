// The telemetry flags of the commands that run bench points (`infx bench`;
// kept apart for `infx sweep` to share): --no-scrape, --scrape-interval,
// --scrape-timeout, --metrics-url, --no-raw-metrics, --power-source,
// --power-url, --power-interval, --power-max-gap, --facility-factor,
// --expect-gpus (docs/telemetry.md), and the lines the summary prints.
//
// Thread-safety: call from the CLI setup and callback thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "telemetry/session.h"

namespace infx::cli {

struct TelemetryFlags {
  telemetry::TelemetryOptions options;
  bool no_scrape = false;
  bool no_raw = false;
  // The options with the flags applied (telemetry enabled).
  telemetry::TelemetryOptions Resolved() const;
};

void AddTelemetryFlags(CLI::App* cmd, TelemetryFlags& flags);

// "Server telemetry" and "GPU power" blocks for the text summary.
std::string FormatTelemetrySummary(const telemetry::PointTelemetry& t);

}  // namespace infx::cli
