// Result files: how a cluster job hands its config's results to the
// controller. A job appends one JSON object per line to
// <run_dir>/results/config-<K>.jsonl as each record is stored (config,
// point, eval, failure, end); a line is written with one write() call, so a
// job killed mid-way leaves complete lines and at most one partial last
// line, which readers ignore. IngestResultLines replays the lines into a
// store idempotently (points by natural key, evals by config, point and
// task, configs by upsert), so re-ingesting a file never duplicates.
//
// Thread-safety: a ResultFileStore is used by one thread (as any
// ResultsStore); ingesting the same file from two processes is safe for
// points (natural keys) but not for evals (check-then-insert).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/results_store.h"

namespace infx::executor {

// A ResultsStore that forwards to `inner` and appends every stored config,
// point and eval to `path`. FinishRun is not forwarded (the controller
// finishes the run); it writes nothing.
class ResultFileStore : public store::ResultsStore {
 public:
  static Result<std::unique_ptr<ResultFileStore>> Open(
      std::unique_ptr<store::ResultsStore> inner, const std::string& path);
  ~ResultFileStore() override;

  // Extra records: a failure of the config, and the job's end.
  Status AppendFailure(const std::string& config_key, const std::string& what);
  Status AppendEnd(bool ok, int points_measured, int points_failed);
  // The target is up (unix time, ms): the first request follows.
  Status AppendReady(int64_t unix_ms);

  std::string Describe() const override;
  Result<int64_t> CreateRun(const store::NewRun& run) override;
  Status FinishRun(int64_t run_id, std::string_view status) override;
  Result<store::RunRecord> GetRun(int64_t run_id) override;
  Result<std::vector<store::RunRecord>> ListRuns() override;
  Result<std::vector<store::RunSummary>> ListRunSummaries() override;
  Result<store::RunRecord> LatestRun() override;
  Result<int64_t> UpsertConfig(const store::ConfigRecord& config) override;
  Result<std::vector<store::ConfigRecord>> ListConfigs(int64_t run_id) override;
  Result<bool> InsertPoint(const store::PointRecord& point) override;
  Result<bool> HasPoint(const store::PointKey& key) override;
  // Forwarded to the inner store (sweep --retry-failed).
  Result<bool> DeleteFailedPoint(const store::PointKey& key) override;
  Result<std::vector<store::PointRecord>> ListPoints(int64_t run_id) override;
  Result<std::vector<store::PointRecord>> ListSeriesPoints(
      const std::string& series_key) override;
  Result<nlohmann::json> GetRequestSummaries(int64_t point_id) override;
  Result<nlohmann::json> GetServerMetricsRaw(int64_t point_id) override;
  Result<int64_t> InsertEval(const store::EvalRecord& eval) override;
  Result<std::vector<store::EvalRecord>> ListEvals(int64_t run_id) override;

 private:
  ResultFileStore(std::unique_ptr<store::ResultsStore> inner, int fd,
                  std::string path);
  Status Append(const nlohmann::json& record);
  std::unique_ptr<store::ResultsStore> inner_;
  int fd_;
  std::string path_;
};

// What an ingest found.
struct IngestStats {
  int configs = 0;
  int points_new = 0;       // inserted now
  int points_existing = 0;  // already stored (re-ingest, or written by PG)
  int evals_new = 0;
  std::vector<std::string> failures;  // "failure" records' `what`
  bool ended = false;                 // an "end" record was read
  bool end_ok = false;                // its ok field
  int64_t ready_unix_ms = 0;          // first "ready" record, 0 = none
};

// Replays the complete lines of `text` into run `run_id` of `store`.
// Unknown or malformed lines are errors naming the line; the caller passes
// only complete lines (ReadCompleteLines).
Result<IngestStats> IngestResultLines(const std::string& text,
                                      store::ResultsStore& store,
                                      int64_t run_id);

// Reads `path` from byte `*offset` up to its last newline, advancing
// `*offset` past it; a missing file is "" (offset unchanged).
Result<std::string> ReadCompleteLines(const std::string& path, int64_t* offset);

// JSON forms of the store records, shared by writer and reader.
nlohmann::json PointKeyToJson(const store::PointKey& key);
store::PointKey PointKeyFromJson(const nlohmann::json& j);
nlohmann::json PointMetricsToJson(const store::PointMetrics& m);
store::PointMetrics PointMetricsFromJson(const nlohmann::json& j);

}  // namespace infx::executor
