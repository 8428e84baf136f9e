// GPU power sources for a point, in the order `--power-source auto` tries
// them (docs/telemetry.md):
//   1. nvidia-smi as a child process:
//        nvidia-smi
//        --query-gpu=timestamp,index,power.draw[,total_energy_consumption]
//                   --format=csv,nounits -lms <interval>
//      with the driver's energy counter (mJ) when a one-off probe shows
//      the driver knows the field (older drivers reject it);
//   2. amd-smi as a child process: amd-smi metric --power --csv -w 1
//   3. a DCGM exporter's /metrics given by --power-url (polled like the
//      engine's /metrics: DCGM_FI_DEV_POWER_USAGE per "gpu" label).
// A child's CSV is read by header as InferenceX does (timestamp column:
// "time"; power: "power" but not limit/cap/max/min; GPU: index, gpu, ...);
// its wall-clock timestamps are moved onto the steady clock. A source that
// stops (child exits, URL fails) is reported with when; the integration then
// finds the gap.
//
// Thread-safety: PowerRecorder is driven by one owner thread (Start, Stop);
// its reader threads are internal.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "telemetry/power_integration.h"
#include "telemetry/scraper.h"

namespace infx::telemetry {

struct PowerOptions {
  // auto | nvidia-smi | amd-smi | dcgm | none
  std::string source = "auto";
  std::string dcgm_url;       // --power-url; implies dcgm under auto
  double interval_s = 0.1;    // nvidia-smi -lms / DCGM poll interval
  double dcgm_timeout_s = 2;  // one DCGM GET
  // Replaces the child's argv (tests: a script printing nvidia-smi CSV).
  std::vector<std::string> command;
  // The nvidia-smi program (tests: a fake script); probed once per
  // process for total_energy_consumption.
  std::string nvidia_smi = "nvidia-smi";
};

// Column layout of a power CSV, from its header. The energy column (a
// cumulative counter, e.g. nvidia-smi's "total_energy_consumption [mJ]")
// is read in the header's unit (mJ when none is given) and converted to J.
struct CsvColumns {
  int timestamp = -1, power = -1, gpu = -1, energy = -1;
  double energy_scale_j = 1e-3;  // J per unit of the energy column
};
std::optional<CsvColumns> DetectCsvColumns(std::string_view header_line);
// One data row -> sample (t_ns from the row's timestamp mapped by
// `wall_to_steady_ns`, or `read_ns` when it has none). nullopt for a row
// without a number in the power column ("[N/A]").
std::optional<PowerSample> ParseCsvRow(std::string_view line,
                                       const CsvColumns& columns,
                                       int64_t read_ns,
                                       int64_t wall_to_steady_ns);
// Unix seconds from "2026/01/15 12:34:56.789" (local time), ISO 8601, or
// epoch seconds/milliseconds; nullopt when none of those.
std::optional<double> ParseWallTimestamp(std::string_view text);

// True when `program --query-gpu=total_energy_consumption
// --format=csv,noheader,nounits` exits 0 with a number (at most 5 s;
// cached per program for the process).
bool NvidiaSmiQueriesEnergy(const std::string& program);
// The nvidia-smi argv of a power recording.
std::vector<std::string> NvidiaSmiArgv(const std::string& program,
                                       double interval_s, bool with_energy);

// Power samples of DCGM's families in scraped pages.
std::vector<PowerSample> PowerSamplesFromScrapes(
    const std::vector<Scrape>& scrapes);

class PowerRecorder {
 public:
  // The chosen source, started; source "none" (or auto finding nothing)
  // starts a recorder that records nothing and says why.
  static Result<std::unique_ptr<PowerRecorder>> Start(
      const PowerOptions& options);
  virtual ~PowerRecorder() = default;

  struct Recording {
    std::string source;  // "" when none
    std::vector<PowerSample> samples;
    std::string problem;  // no source, child died, ...; "" when none
  };
  virtual Recording Stop() = 0;
  // Child sources: blocks until the child's output ended (it exited) or
  // timeout_s passed; true when it ended. Others: false at once.
  virtual bool WaitForSourceEnd(double timeout_s) {
    (void)timeout_s;
    return false;
  }
};

}  // namespace infx::telemetry
