#include "sweep/eval_spec.h"

#include <fmt/format.h>

#include <algorithm>

#include "eval/prompts.h"
#include "sweep/yaml_fields.h"

namespace infx::sweep {

using yamlf::CheckKeys;

std::string EvalPointsName(EvalPoints points) {
  switch (points) {
    case EvalPoints::kHighest:
      return "highest";
    case EvalPoints::kMedian:
      return "median";
    case EvalPoints::kHighestAndMedian:
      return "highest-and-median";
    case EvalPoints::kFrontier:
      return "frontier";
    case EvalPoints::kAll:
      return "all";
    case EvalPoints::kList:
      return "list";
  }
  return "";
}

Result<double> ParseMinScore(const YAML::Node& n, const std::string& key,
                             double fallback, const std::string& where) {
  INFX_ASSIGN_OR_RETURN(double v, yamlf::Double(n, key, fallback, where));
  if (!(v >= 0 && v <= 1)) {
    return Status::InvalidArgument(fmt::format(
        "{}: '{}' must be an accuracy in [0, 1], got {}", where, key, v));
  }
  return v;
}

namespace {

// `points:` of the eval block: a mode name or a list of concurrencies.
Status ParseEvalPoints(const YAML::Node& n, const std::string& w, EvalSpec& e) {
  const YAML::Node p = n["points"];
  if (!p) return Status::Ok();
  const std::string bad = fmt::format(
      "{}: 'points' must be highest, median, highest-and-median, frontier, "
      "all or a list of concurrencies, got '{}'",
      w, yamlf::Describe(p));
  if (p.IsScalar()) {
    const std::string name = p.Scalar();
    for (EvalPoints mode : {EvalPoints::kHighest, EvalPoints::kMedian,
                            EvalPoints::kHighestAndMedian,
                            EvalPoints::kFrontier, EvalPoints::kAll}) {
      if (name == EvalPointsName(mode)) {
        e.points = mode;
        return Status::Ok();
      }
    }
  } else if (!p.IsSequence()) {
    return Status::InvalidArgument(bad);
  }
  auto list = yamlf::IntList(n, "points", {}, w, {1, kMaxConcurrency});
  if (!list.ok() &&
      list.status().message().find("between") != std::string::npos) {
    return list.status();
  }
  if (!list.ok() || list->empty()) return Status::InvalidArgument(bad);
  for (int64_t c : *list) {
    if (c < 1) return Status::InvalidArgument(bad);
    e.concurrencies.push_back(static_cast<int>(c));
  }
  std::sort(e.concurrencies.begin(), e.concurrencies.end());
  e.concurrencies.erase(
      std::unique(e.concurrencies.begin(), e.concurrencies.end()),
      e.concurrencies.end());
  e.points = EvalPoints::kList;
  return Status::Ok();
}

}  // namespace

Result<EvalSpec> ParseEvalBlock(const YAML::Node& root,
                                const std::string& source) {
  EvalSpec e;
  const YAML::Node n = root["eval"];
  if (!n) return e;
  const std::string w = source + ": eval";
  INFX_RETURN_IF_ERROR(
      CheckKeys(n,
                {"task", "num_questions", "points", "min_concurrency", "data",
                 "answer_accuracy", "min_score", "min_score_by_model"},
                w));
  INFX_ASSIGN_OR_RETURN(e.task, yamlf::String(n, "task", "gsm8k", w));
  if (auto task = eval::ParseTaskName(e.task); !task.ok()) {
    return Status::InvalidArgument(w + ": 'task': " + task.status().message());
  }
  INFX_ASSIGN_OR_RETURN(e.data, yamlf::String(n, "data", "", w));
  INFX_ASSIGN_OR_RETURN(e.answer_accuracy,
                        yamlf::String(n, "answer_accuracy", "1", w));
  if (e.data.empty() && n["num_questions"]) {
    return Status::InvalidArgument(
        w + ": 'data' (GSM8K directory or test .jsonl) is required");
  }
  INFX_ASSIGN_OR_RETURN(int64_t q,
                        yamlf::Int(n, "num_questions", 0, w, {0, 10'000'000}));
  if (q < 0) {
    return Status::InvalidArgument(w + ": 'num_questions' must be >= 0");
  }
  e.num_questions = static_cast<int>(q);
  INFX_RETURN_IF_ERROR(ParseEvalPoints(n, w, e));
  INFX_ASSIGN_OR_RETURN(int64_t min_conc, yamlf::Int(n, "min_concurrency", 1, w,
                                                     {1, kMaxConcurrency}));
  if (min_conc < 1) {
    return Status::InvalidArgument(w + ": 'min_concurrency' must be >= 1");
  }
  e.min_concurrency = static_cast<int>(min_conc);
  INFX_ASSIGN_OR_RETURN(e.min_score, ParseMinScore(n, "min_score", 0.90, w));
  if (const YAML::Node by_model = n["min_score_by_model"]) {
    const std::string wm = w + ": min_score_by_model";
    INFX_RETURN_IF_ERROR(yamlf::CheckMap(by_model, wm));
    for (const auto& kv : by_model) {
      const std::string model = kv.first.as<std::string>("");
      INFX_ASSIGN_OR_RETURN(e.min_score_by_model[model],
                            ParseMinScore(by_model, model, 0, wm));
    }
  }
  return e;
}

}  // namespace infx::sweep
