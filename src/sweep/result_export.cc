#include "sweep/result_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "common/files.h"

namespace infx::sweep {
namespace {

// Results stored before the key contract wrote the goodput SLOs under
// "goodput_slos_ms" (an object), which float() cannot read.
nlohmann::json CurrentContract(nlohmann::json j) {
  if (j.contains("goodput_slos_ms")) {
    nlohmann::json slos = nlohmann::json::object();
    for (const auto& [name, limit] : j["goodput_slos_ms"].items()) {
      slos[name + "_ms"] = limit;
    }
    j.erase("goodput_slos_ms");
    j["goodput_slos"] = std::move(slos);
  }
  return j;
}

}  // namespace

std::string ExportStem(const store::PointKey& key) {
  std::string config = key.config_key;
  std::replace(config.begin(), config.end(), '/', '_');
  std::string stem = fmt::format("{}-isl{}-osl{}-conc{}", config, key.isl,
                                 key.osl, key.concurrency);
  if (key.request_rate > 0) stem += fmt::format("-rate{}", key.request_rate);
  return stem + fmt::format("-rep{}", key.repetition);
}

Result<std::vector<ExportedPoint>> ExportPointResults(
    store::ResultsStore& store, int64_t run_id, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    return Status::IoError(fmt::format(
        "{}: cannot create the export directory{}", dir,
        ec ? ": " + ec.message() : std::string(" (a file is in the way)")));
  }
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(run_id));
  std::vector<ExportedPoint> out;
  for (const store::PointRecord& p : points) {
    ExportedPoint e{
        p.key,
        (std::filesystem::path(dir) / (ExportStem(p.key) + ".json")).string()};
    INFX_RETURN_IF_ERROR(WriteFileAtomic(
        e.path, CurrentContract(p.metrics_json).dump(2) + "\n"));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace infx::sweep
