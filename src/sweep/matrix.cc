#include "sweep/matrix.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "common/files.h"
#include "sweep/eval_spec.h"
#include "sweep/model_name.h"
#include "sweep/target_spec.h"
#include "sweep/trace_keys.h"
#include "sweep/yaml_fields.h"

namespace infx::sweep {
namespace {

using yamlf::CheckKeys;

constexpr yamlf::Range kConcurrencyRange{1, kMaxConcurrency};
constexpr yamlf::Range kParallelRange{1, kMaxParallelism};
constexpr yamlf::Range kTokensRange{1, kMaxSequenceTokens};
constexpr yamlf::Range kPromptsRange{1, kMaxPromptsPerPoint};

std::string ConfigWhere(const std::string& source, size_t i) {
  return fmt::format("{}: configs[{}]", source, i);
}

// `concurrency:` as a list ([1, 4, 16]), a scalar, or {start, end}.
Result<std::vector<int>> ParseConcurrency(const YAML::Node& parent,
                                          const std::string& where) {
  const YAML::Node n = parent["concurrency"];
  std::vector<int> out;
  if (n && n.IsMap()) {
    const std::string w = where + ": concurrency";
    INFX_RETURN_IF_ERROR(CheckKeys(n, {"start", "end"}, w));
    INFX_ASSIGN_OR_RETURN(int64_t start,
                          yamlf::Int(n, "start", 1, w, kConcurrencyRange));
    INFX_ASSIGN_OR_RETURN(int64_t end,
                          yamlf::Int(n, "end", start, w, kConcurrencyRange));
    if (start < 1 || end < start) {
      return Status::InvalidArgument(fmt::format(
          "{}: needs 1 <= start <= end, got start {} end {}", w, start, end));
    }
    return DoublingRange(static_cast<int>(start), static_cast<int>(end));
  }
  INFX_ASSIGN_OR_RETURN(auto list, yamlf::IntList(parent, "concurrency", {},
                                                  where, kConcurrencyRange));
  for (int64_t c : list) {
    if (c < 1) {
      return Status::InvalidArgument(
          fmt::format("{}: concurrency must be >= 1, got {}", where, c));
    }
    out.push_back(static_cast<int>(c));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<WorkerPool> ParseWorkerPool(const YAML::Node& n,
                                   const std::string& where) {
  INFX_RETURN_IF_ERROR(
      CheckKeys(n, {"num_workers", "tp", "pp", "ep", "dp_attention"}, where));
  WorkerPool w;
  INFX_ASSIGN_OR_RETURN(int64_t workers,
                        yamlf::Int(n, "num_workers", 1, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(int64_t tp,
                        yamlf::Int(n, "tp", 1, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(int64_t pp,
                        yamlf::Int(n, "pp", 1, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(int64_t ep,
                        yamlf::Int(n, "ep", 1, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(w.dp_attention,
                        yamlf::Bool(n, "dp_attention", false, where));
  if (workers < 1 || tp < 1 || pp < 1 || ep < 1) {
    return Status::InvalidArgument(
        fmt::format("{}: num_workers, tp, pp and ep must be >= 1", where));
  }
  w.num_workers = static_cast<int>(workers);
  w.tp = static_cast<int>(tp);
  w.pp = static_cast<int>(pp);
  w.ep = static_cast<int>(ep);
  return w;
}

// Defaults for a config block: the matrix's `defaults:` mapping.
struct BlockDefaults {
  std::vector<std::string> hardware{"h200"};
  std::vector<std::string> engine{"vllm"};
  std::vector<std::string> precision{"bf16"};
  std::string kv_precision;
};

Result<BlockDefaults> ParseDefaults(const YAML::Node& root,
                                    const std::string& source) {
  BlockDefaults d;
  const YAML::Node n = root["defaults"];
  if (!n) return d;
  const std::string w = source + ": defaults";
  INFX_RETURN_IF_ERROR(
      CheckKeys(n, {"hardware", "engine", "precision", "kv_precision"}, w));
  INFX_ASSIGN_OR_RETURN(d.hardware,
                        yamlf::StringList(n, "hardware", d.hardware, w));
  INFX_ASSIGN_OR_RETURN(d.engine, yamlf::StringList(n, "engine", d.engine, w));
  INFX_ASSIGN_OR_RETURN(d.precision,
                        yamlf::StringList(n, "precision", d.precision, w));
  INFX_ASSIGN_OR_RETURN(d.kv_precision,
                        yamlf::String(n, "kv_precision", "", w));
  return d;
}

// The parallelism variants of a config block: the disaggregated list.
Result<std::vector<ServingConfig>> DisaggregatedShapes(
    const YAML::Node& dis, const std::string& where) {
  if (!dis.IsSequence() || dis.size() == 0) {
    return Status::InvalidArgument(where +
                                   ": 'disaggregated' must be a list of "
                                   "{prefill: ..., decode: ...}");
  }
  std::vector<ServingConfig> shapes;
  for (size_t i = 0; i < dis.size(); ++i) {
    const std::string w = fmt::format("{}: disaggregated[{}]", where, i);
    INFX_RETURN_IF_ERROR(CheckKeys(dis[i], {"prefill", "decode"}, w));
    if (!dis[i]["prefill"] || !dis[i]["decode"]) {
      return Status::InvalidArgument(w + ": needs both prefill and decode");
    }
    ServingConfig s;
    INFX_ASSIGN_OR_RETURN(s.prefill,
                          ParseWorkerPool(dis[i]["prefill"], w + ".prefill"));
    INFX_ASSIGN_OR_RETURN(s.decode,
                          ParseWorkerPool(dis[i]["decode"], w + ".decode"));
    s.tp = s.decode->tp;
    s.pp = s.decode->pp;
    s.ep = s.decode->ep;
    s.dp_attention = s.decode->dp_attention;
    shapes.push_back(s);
  }
  return shapes;
}

// The parallelism variants of a config block: tp x pp x ep x dp_attention,
// or its disaggregated list.
Result<std::vector<ServingConfig>> ParseShapes(const YAML::Node& n,
                                               const std::string& where) {
  if (const YAML::Node dis = n["disaggregated"]) {
    return DisaggregatedShapes(dis, where);
  }
  INFX_ASSIGN_OR_RETURN(auto tps,
                        yamlf::IntList(n, "tp", {1}, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(auto pps,
                        yamlf::IntList(n, "pp", {1}, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(auto eps,
                        yamlf::IntList(n, "ep", {1}, where, kParallelRange));
  INFX_ASSIGN_OR_RETURN(auto dpas,
                        yamlf::BoolList(n, "dp_attention", {false}, where));
  std::vector<ServingConfig> shapes;
  for (int64_t tp : tps)
    for (int64_t pp : pps)
      for (int64_t ep : eps)
        for (bool dpa : dpas) {
          ServingConfig s;
          s.tp = static_cast<int>(tp);
          s.pp = static_cast<int>(pp);
          s.ep = static_cast<int>(ep);
          s.dp_attention = dpa;
          shapes.push_back(s);
        }
  return shapes;
}

// Expands one `configs:` block into the cartesian product of its lists.
Status ParseConfigBlock(const YAML::Node& n, const std::string& where,
                        const BlockDefaults& defaults, Matrix& m) {
  INFX_RETURN_IF_ERROR(
      CheckKeys(n,
                {"model", "hardware", "engine", "precision", "kv_precision",
                 "tp", "pp", "ep", "dp_attention", "disaggregated",
                 "concurrency", "eval_min_score", "canary"},
                where));
  INFX_ASSIGN_OR_RETURN(std::string model,
                        yamlf::String(n, "model", "", where));
  if (model.empty()) {
    return Status::InvalidArgument(where + ": missing field 'model'");
  }
  INFX_ASSIGN_OR_RETURN(
      auto hws, yamlf::StringList(n, "hardware", defaults.hardware, where));
  INFX_ASSIGN_OR_RETURN(auto engines,
                        yamlf::StringList(n, "engine", defaults.engine, where));
  INFX_ASSIGN_OR_RETURN(
      auto precs, yamlf::StringList(n, "precision", defaults.precision, where));
  INFX_ASSIGN_OR_RETURN(
      std::string kv,
      yamlf::String(n, "kv_precision", defaults.kv_precision, where));
  INFX_ASSIGN_OR_RETURN(std::vector<int> concs, ParseConcurrency(n, where));
  INFX_ASSIGN_OR_RETURN(bool canary, yamlf::Bool(n, "canary", false, where));
  std::optional<double> min_score;
  if (n["eval_min_score"]) {
    INFX_ASSIGN_OR_RETURN(min_score,
                          ParseMinScore(n, "eval_min_score", 0, where));
  }
  INFX_ASSIGN_OR_RETURN(std::vector<ServingConfig> shapes,
                        ParseShapes(n, where));
  const std::string model_name = ModelKeyName(model);
  for (const auto& hw : hws)
    for (const auto& engine : engines)
      for (const auto& prec : precs)
        for (ServingConfig s : shapes) {
          s.model = model;
          s.model_name = model_name;
          s.hardware = hw;
          s.engine = engine;
          s.precision = prec;
          s.kv_precision = kv;
          s.eval_min_score = min_score;
          s.canary = canary;
          m.configs.push_back(std::move(s));
          m.config_concurrencies.push_back(concs);
        }
  return Status::Ok();
}

Result<Workload> ParseWorkload(const YAML::Node& n, const std::string& where) {
  INFX_RETURN_IF_ERROR(CheckKeys(
      n,
      {"isl", "osl", "range_ratio", "dataset", "dataset_path", "trace_speedup",
       "trace_timestamps", "hash_block_size", "prefix_hit_rate"},
      where));
  Workload w;
  INFX_RETURN_IF_ERROR(ParseTraceKeys(n, where, w));
  INFX_ASSIGN_OR_RETURN(w.isl, yamlf::Int(n, "isl", 0, where, kTokensRange));
  INFX_ASSIGN_OR_RETURN(w.osl, yamlf::Int(n, "osl", 0, where, kTokensRange));
  INFX_ASSIGN_OR_RETURN(w.range_ratio,
                        yamlf::Double(n, "range_ratio", 1.0, where));
  if (w.isl < 1 || w.osl < 1) {
    return Status::InvalidArgument(
        fmt::format("{}: isl and osl must be >= 1 tokens", where));
  }
  if (w.range_ratio <= 0 || w.range_ratio > 1) {
    return Status::InvalidArgument(fmt::format(
        "{}: range_ratio must be in (0, 1], got {}", where, w.range_ratio));
  }
  return w;
}

Result<PromptCount> ParsePrompts(const YAML::Node& root,
                                 const std::string& source) {
  PromptCount p;
  const YAML::Node n = root["prompts"];
  if (!n) return p;
  const std::string w = source + ": prompts";
  if (n.IsScalar()) {
    INFX_ASSIGN_OR_RETURN(
        int64_t per, yamlf::Int(root, "prompts", 10, source, kPromptsRange));
    p.per_concurrency = static_cast<int>(per);
  } else {
    INFX_RETURN_IF_ERROR(CheckKeys(n, {"per_concurrency", "min", "max"}, w));
    INFX_ASSIGN_OR_RETURN(
        int64_t per, yamlf::Int(n, "per_concurrency", 10, w, kPromptsRange));
    INFX_ASSIGN_OR_RETURN(int64_t mn,
                          yamlf::Int(n, "min", 1, w, kPromptsRange));
    INFX_ASSIGN_OR_RETURN(int64_t mx,
                          yamlf::Int(n, "max", 0, w, {0, kMaxPromptsPerPoint}));
    p.per_concurrency = static_cast<int>(per);
    p.min = static_cast<int>(mn);
    p.max = static_cast<int>(mx);
  }
  if (p.per_concurrency < 1 || p.min < 1 || p.max < 0 ||
      (p.max > 0 && p.max < p.min)) {
    return Status::InvalidArgument(
        w + ": needs per_concurrency >= 1, min >= 1 and max 0 or >= min");
  }
  return p;
}

// The `configs` and `workloads` lists (both required, non-empty).
Status ParseConfigsAndWorkloads(const YAML::Node& root,
                                const std::string& source,
                                const BlockDefaults& defaults, Matrix& m) {
  const YAML::Node configs = root["configs"];
  if (!configs || !configs.IsSequence() || configs.size() == 0) {
    return Status::InvalidArgument(source +
                                   ": 'configs' must be a non-empty list");
  }
  for (size_t i = 0; i < configs.size(); ++i) {
    INFX_RETURN_IF_ERROR(
        ParseConfigBlock(configs[i], ConfigWhere(source, i), defaults, m));
  }
  const YAML::Node workloads = root["workloads"];
  if (!workloads || !workloads.IsSequence() || workloads.size() == 0) {
    return Status::InvalidArgument(source +
                                   ": 'workloads' must be a non-empty list");
  }
  for (size_t i = 0; i < workloads.size(); ++i) {
    INFX_ASSIGN_OR_RETURN(
        Workload w, ParseWorkload(workloads[i],
                                  fmt::format("{}: workloads[{}]", source, i)));
    m.workloads.push_back(w);
  }
  return Status::Ok();
}

Status ParseBody(const YAML::Node& root, const std::string& source, Matrix& m) {
  INFX_RETURN_IF_ERROR(CheckKeys(
      root,
      {"name", "seed", "target", "defaults", "configs", "workloads",
       "concurrency", "repetitions", "prompts", "warmup_requests",
       "point_timeout_s", "endpoint", "eval", "executor", "calibration"},
      source));
  INFX_ASSIGN_OR_RETURN(m.name, yamlf::String(root, "name", "sweep", source));
  INFX_ASSIGN_OR_RETURN(int64_t seed,
                        yamlf::Int(root, "seed", 0, source,
                                   {0, std::numeric_limits<int64_t>::max()}));
  m.seed = static_cast<uint64_t>(seed);
  INFX_ASSIGN_OR_RETURN(m.target, ParseTarget(root, source));
  INFX_ASSIGN_OR_RETURN(m.calibration_file,
                        yamlf::String(root, "calibration", "", source));
  // Read by the executor module (docs/cluster.md), opaque here.
  if (root["executor"]) m.executor = YAML::Clone(root["executor"]);
  INFX_ASSIGN_OR_RETURN(BlockDefaults defaults, ParseDefaults(root, source));
  INFX_RETURN_IF_ERROR(ParseConfigsAndWorkloads(root, source, defaults, m));
  INFX_ASSIGN_OR_RETURN(m.concurrencies, ParseConcurrency(root, source));
  if (m.concurrencies.empty()) m.concurrencies = {1};
  INFX_ASSIGN_OR_RETURN(int64_t reps, yamlf::Int(root, "repetitions", 1, source,
                                                 {1, kMaxRepetitions}));
  m.repetitions = static_cast<int>(reps);
  INFX_ASSIGN_OR_RETURN(m.prompts, ParsePrompts(root, source));
  INFX_ASSIGN_OR_RETURN(
      int64_t warmup,
      yamlf::Int(root, "warmup_requests", 0, source, {0, kMaxWarmupRequests}));
  m.warmup_requests = static_cast<int>(warmup);
  INFX_ASSIGN_OR_RETURN(m.point_timeout_s,
                        yamlf::Double(root, "point_timeout_s", 0, source));
  if (!(m.point_timeout_s >= 0) || !std::isfinite(m.point_timeout_s)) {
    return Status::InvalidArgument(fmt::format(
        "{}: point_timeout_s must be a finite number of seconds >= 0 (0 = no "
        "limit), got {}",
        source, m.point_timeout_s));
  }
  INFX_ASSIGN_OR_RETURN(
      m.endpoint, yamlf::String(root, "endpoint", "/v1/completions", source));
  INFX_ASSIGN_OR_RETURN(m.eval, ParseEvalBlock(root, source));
  if (m.eval.num_questions > 0) {
    std::error_code ec;
    m.target.emulator.answers_path =
        std::filesystem::is_directory(m.eval.data, ec)
            ? (std::filesystem::path(m.eval.data) / "test.jsonl").string()
            : m.eval.data;
    m.target.emulator.answer_accuracy = m.eval.answer_accuracy;
  }
  return Status::Ok();
}

}  // namespace

double Matrix::EvalMinScore(const ServingConfig& config) const {
  if (config.eval_min_score) return *config.eval_min_score;
  auto it = eval.min_score_by_model.find(config.model);
  if (it == eval.min_score_by_model.end() && !config.model_name.empty()) {
    it = eval.min_score_by_model.find(config.model_name);
  }
  return it != eval.min_score_by_model.end() ? it->second : eval.min_score;
}

int ServingConfig::gpus() const {
  if (disaggregated()) return prefill->gpus() + decode->gpus();
  return tp * pp;
}

std::string ServingConfig::ParallelismLabel() const {
  if (disaggregated()) {
    auto pool = [](const WorkerPool& w) {
      std::string s = fmt::format("{}x{}", w.num_workers, w.tp);
      if (w.pp > 1) s += fmt::format("pp{}", w.pp);
      if (w.ep > 1) s += fmt::format("ep{}", w.ep);
      if (w.dp_attention) s += "dpa";
      return s;
    };
    return fmt::format("p{}-d{}", pool(*prefill), pool(*decode));
  }
  std::string s = fmt::format("tp{}", tp);
  if (pp > 1) s += fmt::format("-pp{}", pp);
  if (ep > 1) s += fmt::format("-ep{}", ep);
  if (dp_attention) s += "-dpa";
  return s;
}

std::string ServingConfig::Key() const {
  std::string key =
      fmt::format("{}/{}/{}/{}/{}", model_name.empty() ? model : model_name,
                  hardware, engine, precision, ParallelismLabel());
  if (auto it = metadata.find("inferencex-entry"); it != metadata.end()) {
    key = it->second + ":" + key;
  }
  if (!kv_precision.empty() && kv_precision != precision) {
    key += "/kv-" + kv_precision;
  }
  if (auto it = metadata.find("spec-decoding");
      it != metadata.end() && it->second != "none") {
    key += "/spec-" + it->second;
  }
  return key;
}

std::string Workload::Label() const {
  std::string s = fmt::format("{}/{}", isl, osl);
  if (range_ratio != 1.0) s += fmt::format("~{:g}", range_ratio);
  if (dataset != "random") s += " " + dataset;
  return s;
}

int PromptCount::For(int concurrency) const {
  int64_t n = static_cast<int64_t>(concurrency) * per_concurrency;
  n = std::max<int64_t>(n, min);
  if (max > 0) n = std::min<int64_t>(n, max);
  return static_cast<int>(std::min<int64_t>(n, kMaxPromptsPerPoint));
}

std::vector<int> DoublingRange(int start, int end) {
  std::vector<int> out;
  if (start < 1 || end < start) return out;
  int c = start;
  while (true) {
    out.push_back(c);
    if (c == end) break;
    c = static_cast<int>(std::min<int64_t>(int64_t{c} * 2, end));
  }
  return out;
}

Result<Matrix> ParseMatrix(const YAML::Node& root, const std::string& source) {
  Matrix m;
  try {
    INFX_RETURN_IF_ERROR(ParseBody(root, source, m));
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}: {}", source, e.what()));
  }
  return m;
}

Result<Matrix> LoadMatrixFile(const std::string& path) {
  INFX_ASSIGN_OR_RETURN(YAML::Node root, ReadYamlFile(path));
  INFX_ASSIGN_OR_RETURN(Matrix m, ParseMatrix(root, path));
  // Calibration files named in the matrix are relative to it.
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  for (std::string* f : {&m.calibration_file, &m.target.emulator.calibration}) {
    if (!f->empty() && std::filesystem::path(*f).is_relative()) {
      *f = (dir / *f).string();
    }
  }
  return m;
}

std::vector<Point> ExpandPoints(const Matrix& matrix) {
  if (!matrix.explicit_points.empty()) return matrix.explicit_points;
  std::vector<Point> points;
  for (size_t c = 0; c < matrix.configs.size(); ++c) {
    const std::vector<int>& concs =
        c < matrix.config_concurrencies.size() &&
                !matrix.config_concurrencies[c].empty()
            ? matrix.config_concurrencies[c]
            : matrix.concurrencies;
    for (size_t w = 0; w < matrix.workloads.size(); ++w) {
      for (int conc : concs) {
        for (int r = 0; r < matrix.repetitions; ++r) {
          points.push_back(Point{static_cast<int>(c), static_cast<int>(w), conc,
                                 r, matrix.prompts.For(conc)});
        }
      }
    }
  }
  return points;
}

}  // namespace infx::sweep
