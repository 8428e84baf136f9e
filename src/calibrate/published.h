// Published measurements as data: rows of published benchmark results
// (TensorRT-LLM perf-overview, vLLM's published numbers, ...) read from a
// CSV file (format: docs/calibration.md) and stored as the measured points
// of a run named after their source, so `infx calibrate` can fit them.
//
// Thread-safety: ParsePublishedCsv is a pure function; ImportPublished
// writes one store (one thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::calibrate {

struct PublishedRow {
  int line = 0;  // 1-based line in the file, for messages
  std::string source_url;
  std::string model;  // catalog name or config.json path
  std::string hardware;
  std::string engine;
  std::string engine_version;
  std::string precision;
  int tp = 1, ep = 1, pp = 1;
  bool dp_attention = false;
  int64_t isl = 0, osl = 0;
  double range_ratio = 1.0;  // published tables use fixed lengths
  int64_t concurrency = 0;   // 0 = "max" (maximum throughput)
  double output_tok_s_per_gpu = 0;
  double ttft_ms = 0;        // 0 = not published
  double tpot_ms = 0;        // 0 = not published
  int64_t max_num_seqs = 0;  // 0 = engine default (docs/calibration.md)
};

// The column names, required first.
const std::vector<std::string>& PublishedColumns();

// Parses the CSV text of `path` (header row, '#' comment lines). Errors
// name path:line and the column.
Result<std::vector<PublishedRow>> ParsePublishedCsv(const std::string& text,
                                                    const std::string& path);

struct ImportSummary {
  int64_t run_id = 0;
  int configs = 0;
  int points = 0;
};

// Stores the rows as one run (matrix_name = source, label source=NAME,
// the CSV text as the run's matrix text); model and hardware names are
// checked first (errors name path:line).
Result<ImportSummary> ImportPublished(store::ResultsStore& store,
                                      const std::vector<PublishedRow>& rows,
                                      const std::string& csv_text,
                                      const std::string& path,
                                      const std::string& source);

}  // namespace infx::calibrate
