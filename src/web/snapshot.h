// StoreSnapshot: everything `infx serve` shows, read from a results store in
// one pass (runs, configs, points, evals, prices from the hardware catalog),
// and SnapshotCache, which re-reads it only when the store's change token
// (store/change_watcher.h) moves. The API handlers
// (web/api.h) compute every response from a snapshot, so a response is
// consistent even while a sweep writes to the store.
//
// Thread-safety: a StoreSnapshot is immutable once built and may be shared
// across threads. SnapshotCache is safe from any thread (one mutex guards
// the store, which is only read, and the current snapshot).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "frontier/accuracy.h"
#include "frontier/analysis.h"
#include "store/change_watcher.h"
#include "store/results_store.h"

namespace infx::web {

struct RunData {
  store::RunRecord run;
  std::vector<store::ConfigRecord> configs;  // by config_key
  std::vector<store::PointRecord> points;    // store order
  std::vector<store::EvalRecord> evals;
  frontier::RunAccuracy accuracy;  // evals judged against min scores
  frontier::PriceBook prices;      // of the run's hardware
  // config_key -> index into configs.
  std::map<std::string, size_t> config_index;
  // Per point (aligned with `points`): index of its config in `configs`,
  // or -1 when the run has no such config.
  std::vector<int> point_config;

  const store::ConfigRecord* Config(const std::string& key) const;
};

struct StoreSnapshot {
  std::string change_token;
  std::string store_description;  // "sqlite:out/quickstart.db"
  std::vector<RunData> runs;      // newest first, as ListRuns
  size_t total_points = 0;

  const RunData* Run(int64_t run_id) const;
};

// Reads the whole store; `change_token` is recorded as the snapshot's.
Result<std::shared_ptr<const StoreSnapshot>> LoadSnapshot(
    store::ResultsStore& store, std::string change_token = "");

class SnapshotCache {
 public:
  SnapshotCache(std::unique_ptr<store::ResultsStore> store,
                std::unique_ptr<store::ChangeWatcher> watcher);
  // The current snapshot, re-read when the change token moved.
  Result<std::shared_ptr<const StoreSnapshot>> Get();

 private:
  std::mutex mu_;
  std::unique_ptr<store::ResultsStore> store_;
  std::unique_ptr<store::ChangeWatcher> watcher_;
  std::shared_ptr<const StoreSnapshot> current_;
};

// A config detail as text ("" when absent): details[key] as a string, or a
// number formatted without trailing zeros.
std::string DetailText(const store::ConfigRecord* config,
                       const std::string& key);

}  // namespace infx::web
