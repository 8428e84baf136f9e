// The report's "GPU power and server telemetry" section: per measured point
// the power verdict (power_valid or why not), source, average and P90 watts
// per GPU, joules per output token and all-in joules per token, measured
// tokens per MW beside the catalog's estimate, and what the server's
// /metrics said (its token counts against the client's, prefix-cache hit
// rate, server P50 TTFT). Empty when no point of the run had telemetry.
//
// Thread-safety: pure rendering.
#pragma once

#include <string>

#include "frontier/analysis.h"
#include "report/report.h"

namespace infx::report {

std::string PowerSection(const ReportData& data,
                         const frontier::PriceBook& prices);

}  // namespace infx::report
