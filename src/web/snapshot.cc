#include "web/snapshot.h"

#include <fmt/format.h>

#include <algorithm>

#include "frontier/prices.h"
#include "hardware/catalog.h"

namespace infx::web {

const store::ConfigRecord* RunData::Config(const std::string& key) const {
  auto it = config_index.find(key);
  return it == config_index.end() ? nullptr : &configs[it->second];
}

const RunData* StoreSnapshot::Run(int64_t run_id) const {
  for (const auto& r : runs) {
    if (r.run.run_id == run_id) return &r;
  }
  return nullptr;
}

namespace {

Result<RunData> LoadRun(store::ResultsStore& store,
                        const store::RunRecord& run) {
  RunData d;
  d.run = run;
  INFX_ASSIGN_OR_RETURN(d.configs, store.ListConfigs(run.run_id));
  std::sort(
      d.configs.begin(), d.configs.end(),
      [](const auto& a, const auto& b) { return a.config_key < b.config_key; });
  for (size_t i = 0; i < d.configs.size(); ++i) {
    d.config_index[d.configs[i].config_key] = i;
  }
  INFX_ASSIGN_OR_RETURN(d.points, store.ListPoints(run.run_id));
  // The bench result JSON is large and the API shows only its errors (of
  // points that had failures): keep a store of 100,000 points in memory.
  for (auto& p : d.points) {
    nlohmann::json kept = nlohmann::json::object();
    if (p.metrics.failed > 0 || p.metrics.completed == 0) {
      auto it = p.metrics_json.find("errors");
      if (it != p.metrics_json.end()) kept["errors"] = std::move(*it);
    }
    p.metrics_json = std::move(kept);
    auto it = d.config_index.find(p.key.config_key);
    d.point_config.push_back(
        it == d.config_index.end() ? -1 : static_cast<int>(it->second));
  }
  INFX_ASSIGN_OR_RETURN(d.evals, store.ListEvals(run.run_id));
  d.accuracy = frontier::SummarizeEvals(d.configs, d.points, d.evals);
  d.prices = frontier::PricesForConfigs(hardware::HardwareCatalog::Builtin(),
                                        d.configs);
  return d;
}

}  // namespace

Result<std::shared_ptr<const StoreSnapshot>> LoadSnapshot(
    store::ResultsStore& store, std::string change_token) {
  auto snap = std::make_shared<StoreSnapshot>();
  snap->change_token = std::move(change_token);
  snap->store_description = store.Describe();
  INFX_ASSIGN_OR_RETURN(auto runs, store.ListRuns());
  for (const auto& run : runs) {
    INFX_ASSIGN_OR_RETURN(auto data, LoadRun(store, run));
    snap->total_points += data.points.size();
    snap->runs.push_back(std::move(data));
  }
  return std::shared_ptr<const StoreSnapshot>(std::move(snap));
}

SnapshotCache::SnapshotCache(std::unique_ptr<store::ResultsStore> store,
                             std::unique_ptr<store::ChangeWatcher> watcher)
    : store_(std::move(store)), watcher_(std::move(watcher)) {}

Result<std::shared_ptr<const StoreSnapshot>> SnapshotCache::Get() {
  std::lock_guard lock(mu_);
  // Token before the read: a write landing during the read makes the next
  // Get read again.
  INFX_ASSIGN_OR_RETURN(auto token, watcher_->Token());
  if (!current_ || current_->change_token != token) {
    INFX_ASSIGN_OR_RETURN(current_, LoadSnapshot(*store_, token));
  }
  return current_;
}

std::string DetailText(const store::ConfigRecord* config,
                       const std::string& key) {
  if (!config || !config->details.is_object()) return "";
  auto it = config->details.find(key);
  if (it == config->details.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return fmt::format("{}", it->get<double>());
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return it->dump();
}

}  // namespace infx::web
