// Run data: the read API of living benchmarks (`infx runs`, `infx compare`,
// `infx history`, the dashboard). It loads a stored run as series points
// (every repetition its own point, keyed by living/series_key.h) with the
// run's and each config's provenance, so that callers compare series
// across runs and name what changed between them (provenance.h).
//
//   auto store = store::OpenExistingResultsStore("infx.db");
//   auto runs = living::ListRuns(**store);            // newest first
//   auto b = living::LoadRun(**store, runs->at(1).run.run_id);
//   auto a = living::LoadRun(**store, runs->at(0).run.run_id);
//   for (const auto& [key, reps] : a->BySeries()) { ... reps[i]->metrics ... }
//   auto suspects = living::DiffAttributes(b->Attributes(cfg),
//                                          a->Attributes(cfg));
//
// Points stored before schema 2 have no stored series key: LoadRun derives
// it from the config details (SeriesKeyOf), so old runs join new ones.
//
// Thread-safety: plain values; the functions use the given store from the
// calling thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "living/provenance.h"
#include "store/results_store.h"

namespace infx::living {

// One stored measurement (one repetition of one series in one run).
struct SeriesPoint {
  std::string series_key;
  std::string config_key;
  int repetition = 0;  // 0-based; repetitions are separate points
  int64_t point_id = 0;
  store::PointKey key;          // run, config, workload, load, repetition
  store::PointMetrics metrics;  // NaN for metrics the point has none of
  int num_gpus = 1;
  bool canary = false;         // the config is the matrix's canary
  std::string engine_version;  // of the config in this run
};

struct RunData {
  store::RunRecord run;  // with provenance, labels, matrix name and hash
  std::vector<store::ConfigRecord> configs;
  // Sorted by series_key, then repetition.
  std::vector<SeriesPoint> points;

  // Points grouped by series key (repetitions in order); pointers into
  // `points`, valid while this RunData lives and is not modified.
  std::map<std::string, std::vector<const SeriesPoint*>> BySeries() const;
  // The config of `config_key`, or nullptr.
  const store::ConfigRecord* Config(const std::string& config_key) const;
  // ConfigAttributes of `config_key` (RunAttributes when unknown).
  living::Attributes Attributes(const std::string& config_key) const;
  // Whether any config is the canary.
  bool HasCanary() const;
};

// Runs of the store, newest first, with point counts, engine versions and
// labels (store::ResultsStore::ListRunSummaries).
Result<std::vector<store::RunSummary>> ListRuns(store::ResultsStore& store);

// One run with its configs and points. NotFound naming the run id when the
// store has no such run.
Result<RunData> LoadRun(store::ResultsStore& store, int64_t run_id);

// The run before `run_id` with the same matrix name (or, when the run has
// no name, the same matrix hash), finished or not; NotFound when there is
// none ("store has no earlier run of matrix X").
Result<store::RunRecord> PreviousRunOfMatrix(store::ResultsStore& store,
                                             int64_t run_id);

// A run summary as JSON (the `infx runs --json` items, docs/store.md):
// run_id, started_at, finished_at, status, matrix_name, matrix_hash,
// points, configs, engine_versions, labels, infx_version, git_sha, host,
// provenance.
nlohmann::json RunSummaryJson(const store::RunSummary& summary);

// The median of the finite values (NaN when none); summaries of repeated
// points use it.
double MedianOf(std::vector<double> values);

}  // namespace infx::living
