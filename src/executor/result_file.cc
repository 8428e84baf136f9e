#include "executor/result_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace infx::executor {
namespace {

nlohmann::json Num(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double NumFrom(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return it->get<double>();
}

#define INFX_POINT_METRIC_FIELDS(X)                             \
  X(tput_per_gpu_total)                                         \
  X(tput_per_gpu_output)                                        \
  X(tput_per_gpu_input)                                         \
  X(interactivity_tok_s_user)                                   \
  X(mean_ttft_ms)                                               \
  X(median_ttft_ms)                                             \
  X(p99_ttft_ms)                                                \
  X(mean_tpot_ms)                                               \
  X(median_tpot_ms)                                             \
  X(p99_tpot_ms)                                                \
  X(mean_itl_ms) X(median_itl_ms) X(p99_itl_ms) X(mean_e2el_ms) \
      X(median_e2el_ms) X(p99_e2el_ms) X(request_throughput_rps) X(duration_s)

}  // namespace

nlohmann::json PointKeyToJson(const store::PointKey& k) {
  return {{"config_key", k.config_key},
          {"isl", k.isl},
          {"osl", k.osl},
          {"range_ratio", k.range_ratio},
          {"concurrency", k.concurrency},
          {"request_rate", k.request_rate},
          {"repetition", k.repetition}};
}

store::PointKey PointKeyFromJson(const nlohmann::json& j) {
  store::PointKey k;
  k.config_key = j.at("config_key").get<std::string>();
  k.isl = j.at("isl").get<int>();
  k.osl = j.at("osl").get<int>();
  k.range_ratio = j.at("range_ratio").get<double>();
  k.concurrency = j.at("concurrency").get<int>();
  k.request_rate = j.at("request_rate").get<double>();
  k.repetition = j.at("repetition").get<int>();
  return k;
}

nlohmann::json PointMetricsToJson(const store::PointMetrics& m) {
  nlohmann::json j;
#define INFX_PUT(f) j[#f] = Num(m.f);
  INFX_POINT_METRIC_FIELDS(INFX_PUT)
#undef INFX_PUT
  j["completed"] = m.completed;
  j["failed"] = m.failed;
  j["valid"] = m.valid;
  j["invalid_reasons"] = m.invalid_reasons;
  return j;
}

store::PointMetrics PointMetricsFromJson(const nlohmann::json& j) {
  store::PointMetrics m;
#define INFX_GET(f) m.f = NumFrom(j, #f);
  INFX_POINT_METRIC_FIELDS(INFX_GET)
#undef INFX_GET
  m.completed = j.value("completed", int64_t{0});
  m.failed = j.value("failed", int64_t{0});
  m.valid = j.value("valid", true);  // files from before run validity
  m.invalid_reasons = j.value("invalid_reasons", "");
  return m;
}

Result<std::unique_ptr<ResultFileStore>> ResultFileStore::Open(
    std::unique_ptr<store::ResultsStore> inner, const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      ec);
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IoError(
        fmt::format("result file {}: {}", path, std::strerror(errno)));
  }
  return std::unique_ptr<ResultFileStore>(
      new ResultFileStore(std::move(inner), fd, path));
}

ResultFileStore::ResultFileStore(std::unique_ptr<store::ResultsStore> inner,
                                 int fd, std::string path)
    : inner_(std::move(inner)), fd_(fd), path_(std::move(path)) {}

ResultFileStore::~ResultFileStore() { ::close(fd_); }

Status ResultFileStore::Append(const nlohmann::json& record) {
  const std::string line =
      record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
      "\n";
  // One write() per line (O_APPEND): a kill leaves whole lines behind.
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    return Status::IoError(fmt::format("result file {}: short write ({})",
                                       path_, std::strerror(errno)));
  }
  ::fdatasync(fd_);
  return Status::Ok();
}

Status ResultFileStore::AppendFailure(const std::string& config_key,
                                      const std::string& what) {
  return Append(
      {{"kind", "failure"}, {"config_key", config_key}, {"what", what}});
}

Status ResultFileStore::AppendEnd(bool ok, int measured, int failed) {
  return Append({{"kind", "end"},
                 {"ok", ok},
                 {"points_measured", measured},
                 {"points_failed", failed}});
}

Status ResultFileStore::AppendReady(int64_t unix_ms) {
  return Append({{"kind", "ready"}, {"unix_ms", unix_ms}});
}

std::string ResultFileStore::Describe() const {
  return inner_->Describe() + " + " + path_;
}
Result<int64_t> ResultFileStore::CreateRun(const store::NewRun& run) {
  return inner_->CreateRun(run);
}
Status ResultFileStore::FinishRun(int64_t, std::string_view) {
  return Status::Ok();
}
Result<store::RunRecord> ResultFileStore::GetRun(int64_t run_id) {
  return inner_->GetRun(run_id);
}
Result<std::vector<store::RunRecord>> ResultFileStore::ListRuns() {
  return inner_->ListRuns();
}
Result<std::vector<store::RunSummary>> ResultFileStore::ListRunSummaries() {
  return inner_->ListRunSummaries();
}
Result<store::RunRecord> ResultFileStore::LatestRun() {
  return inner_->LatestRun();
}

Result<int64_t> ResultFileStore::UpsertConfig(const store::ConfigRecord& c) {
  INFX_ASSIGN_OR_RETURN(int64_t id, inner_->UpsertConfig(c));
  INFX_RETURN_IF_ERROR(Append({{"kind", "config"},
                               {"config_key", c.config_key},
                               {"hardware", c.hardware},
                               {"num_gpus", c.num_gpus},
                               {"details", c.details},
                               {"engine_version", c.engine_version},
                               {"canary", c.canary}}));
  return id;
}

Result<std::vector<store::ConfigRecord>> ResultFileStore::ListConfigs(
    int64_t run_id) {
  return inner_->ListConfigs(run_id);
}

Result<bool> ResultFileStore::InsertPoint(const store::PointRecord& p) {
  INFX_ASSIGN_OR_RETURN(bool stored, inner_->InsertPoint(p));
  INFX_RETURN_IF_ERROR(Append({{"kind", "point"},
                               {"key", PointKeyToJson(p.key)},
                               {"metrics", PointMetricsToJson(p.metrics)},
                               {"metrics_json", p.metrics_json},
                               {"request_summaries", p.request_summaries},
                               {"server_metrics_raw", p.server_metrics_raw},
                               {"series_key", p.series_key}}));
  return stored;
}

Result<bool> ResultFileStore::DeleteFailedPoint(const store::PointKey& key) {
  return inner_->DeleteFailedPoint(key);
}

Result<bool> ResultFileStore::HasPoint(const store::PointKey& key) {
  return inner_->HasPoint(key);
}
Result<std::vector<store::PointRecord>> ResultFileStore::ListPoints(
    int64_t run_id) {
  return inner_->ListPoints(run_id);
}
Result<std::vector<store::PointRecord>> ResultFileStore::ListSeriesPoints(
    const std::string& series_key) {
  return inner_->ListSeriesPoints(series_key);
}
Result<nlohmann::json> ResultFileStore::GetRequestSummaries(int64_t id) {
  return inner_->GetRequestSummaries(id);
}
Result<nlohmann::json> ResultFileStore::GetServerMetricsRaw(int64_t id) {
  return inner_->GetServerMetricsRaw(id);
}

Result<int64_t> ResultFileStore::InsertEval(const store::EvalRecord& e) {
  INFX_ASSIGN_OR_RETURN(int64_t id, inner_->InsertEval(e));
  nlohmann::json point_key = nullptr;
  if (e.point_id) {
    INFX_ASSIGN_OR_RETURN(auto points, inner_->ListPoints(e.run_id));
    for (const auto& p : points) {
      if (p.point_id == *e.point_id) point_key = PointKeyToJson(p.key);
    }
  }
  INFX_RETURN_IF_ERROR(Append({{"kind", "eval"},
                               {"config_key", e.config_key},
                               {"point_key", point_key},
                               {"task", e.task},
                               {"accuracy", Num(e.accuracy)},
                               {"accuracy_stderr", Num(e.accuracy_stderr)},
                               {"num_questions", e.num_questions},
                               {"outcomes", e.outcomes}}));
  return id;
}

Result<std::vector<store::EvalRecord>> ResultFileStore::ListEvals(
    int64_t run_id) {
  return inner_->ListEvals(run_id);
}

Result<std::string> ReadCompleteLines(const std::string& path,
                                      int64_t* offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string();
  in.seekg(0, std::ios::end);
  const int64_t size = in.tellg();
  if (size <= *offset) return std::string();
  in.seekg(*offset);
  std::string text(static_cast<size_t>(size - *offset), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  const size_t last = text.rfind('\n');
  if (last == std::string::npos) return std::string();
  text.resize(last + 1);
  *offset += static_cast<int64_t>(text.size());
  return text;
}

namespace {

// The run's evals as natural keys: (config, point id or -1, task).
using EvalKey = std::tuple<std::string, int64_t, std::string>;

struct IngestState {
  store::ResultsStore& store;
  int64_t run_id;
  bool evals_loaded = false;
  std::set<EvalKey> evals;
};

Result<std::optional<int64_t>> FindPointId(IngestState& st,
                                           const nlohmann::json& key_json) {
  if (key_json.is_null()) return std::optional<int64_t>();
  store::PointKey key = PointKeyFromJson(key_json);
  key.run_id = st.run_id;
  INFX_ASSIGN_OR_RETURN(auto points, st.store.ListPoints(st.run_id));
  for (const auto& p : points) {
    if (p.key == key) return std::optional<int64_t>(p.point_id);
  }
  return Status::NotFound(
      fmt::format("eval of point {} c={}: the point is not stored",
                  key.config_key, key.concurrency));
}

Status IngestEval(IngestState& st, const nlohmann::json& j,
                  IngestStats& stats) {
  if (!st.evals_loaded) {
    INFX_ASSIGN_OR_RETURN(auto evals, st.store.ListEvals(st.run_id));
    for (const auto& e : evals) {
      st.evals.insert({e.config_key, e.point_id.value_or(-1), e.task});
    }
    st.evals_loaded = true;
  }
  store::EvalRecord e;
  e.run_id = st.run_id;
  e.config_key = j.at("config_key").get<std::string>();
  INFX_ASSIGN_OR_RETURN(e.point_id, FindPointId(st, j.at("point_key")));
  e.task = j.at("task").get<std::string>();
  if (!st.evals.insert({e.config_key, e.point_id.value_or(-1), e.task})
           .second) {
    return Status::Ok();
  }
  e.accuracy = NumFrom(j, "accuracy");
  e.accuracy_stderr = NumFrom(j, "accuracy_stderr");
  e.num_questions = j.value("num_questions", int64_t{0});
  e.outcomes = j.value("outcomes", nlohmann::json::array());
  INFX_RETURN_IF_ERROR(st.store.InsertEval(e).status());
  ++stats.evals_new;
  return Status::Ok();
}

Status IngestRecord(IngestState& st, const nlohmann::json& j,
                    IngestStats& stats) {
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "config") {
    store::ConfigRecord c;
    c.run_id = st.run_id;
    c.config_key = j.at("config_key").get<std::string>();
    c.hardware = j.value("hardware", "");
    c.num_gpus = j.value("num_gpus", 1);
    c.details = j.value("details", nlohmann::json::object());
    c.engine_version = j.value("engine_version", "");
    c.canary = j.value("canary", false);
    INFX_RETURN_IF_ERROR(st.store.UpsertConfig(c).status());
    ++stats.configs;
  } else if (kind == "point") {
    store::PointRecord p;
    p.key = PointKeyFromJson(j.at("key"));
    p.key.run_id = st.run_id;
    p.metrics = PointMetricsFromJson(j.at("metrics"));
    p.metrics_json = j.value("metrics_json", nlohmann::json::object());
    p.request_summaries = j.value("request_summaries", nlohmann::json());
    p.server_metrics_raw = j.value("server_metrics_raw", nlohmann::json());
    // The power columns derive from the result's own fields.
    p.metrics.power = store::PointPowerFromResultJson(p.metrics_json);
    p.series_key = j.value("series_key", "");
    INFX_ASSIGN_OR_RETURN(bool stored, st.store.InsertPoint(p));
    ++(stored ? stats.points_new : stats.points_existing);
  } else if (kind == "eval") {
    return IngestEval(st, j, stats);
  } else if (kind == "failure") {
    stats.failures.push_back(j.value("what", ""));
  } else if (kind == "ready") {
    if (stats.ready_unix_ms == 0) stats.ready_unix_ms = j.value("unix_ms", 0LL);
  } else if (kind == "end") {
    stats.ended = true;
    stats.end_ok = j.value("ok", false);
  } else {
    return Status::InvalidArgument("unknown record kind '" + kind + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<IngestStats> IngestResultLines(const std::string& text,
                                      store::ResultsStore& store,
                                      int64_t run_id) {
  IngestStats stats;
  IngestState st{store, run_id};
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    Status s = Status::Ok();
    try {
      s = IngestRecord(st, nlohmann::json::parse(line), stats);
    } catch (const std::exception& e) {
      s = Status::InvalidArgument(e.what());
    }
    if (!s.ok()) {
      return Status(s.code(),
                    fmt::format("result line {}: {}", line_no, s.message()));
    }
  }
  return stats;
}

}  // namespace infx::executor
