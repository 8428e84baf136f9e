#include "frontier/accuracy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace infx::frontier {
namespace {

// Counts outcomes whose boolean `field` is true; nullopt when any outcome
// lacks it (records written by something other than the eval module).
std::optional<FilterAccuracy> CountFilter(const nlohmann::json& outcomes,
                                          const char* field) {
  if (!outcomes.is_array() || outcomes.empty()) return std::nullopt;
  int64_t correct = 0;
  for (const auto& o : outcomes) {
    if (!o.is_object()) return std::nullopt;
    auto it = o.find(field);
    if (it == o.end() || !it->is_boolean()) return std::nullopt;
    correct += it->get<bool>() ? 1 : 0;
  }
  return SummarizeCorrect(correct, static_cast<int64_t>(outcomes.size()));
}

nlohmann::json FilterJson(const std::optional<FilterAccuracy>& a) {
  if (!a) return nullptr;
  return {{"accuracy", a->accuracy},
          {"stderr", a->standard_error},
          {"correct", a->correct},
          {"n", a->n}};
}

}  // namespace

FilterAccuracy SummarizeCorrect(int64_t correct, int64_t n) {
  FilterAccuracy a;
  a.correct = correct;
  a.n = n;
  if (n <= 0) return a;
  const double p = static_cast<double>(correct) / static_cast<double>(n);
  a.accuracy = p;
  if (n < 2) return a;
  // Sum of squared deviations of n Bernoulli values is n p (1 - p); sample
  // variance divides it by n - 1, the standard error by n once more.
  a.standard_error = std::sqrt(p * (1 - p) / static_cast<double>(n - 1));
  return a;
}

const EvalAccuracy* RunAccuracy::AtPoint(const std::string& config_key,
                                         double concurrency) const {
  const EvalAccuracy* found = nullptr;
  for (const auto& e : evals) {
    if (e.config_key == config_key && e.concurrency > 0 &&
        e.concurrency == concurrency) {
      found = &e;  // evals are in eval_id order: the last is the latest
    }
  }
  return found;
}

std::optional<bool> RunAccuracy::ConfigPasses(
    const std::string& config_key) const {
  std::optional<bool> result;
  for (const auto& e : evals) {
    if (e.config_key != config_key) continue;
    result = result.value_or(true) && e.pass;
  }
  return result;
}

std::vector<std::string> RunAccuracy::FailedConfigs() const {
  std::set<std::string> failed;
  for (const auto& e : evals) {
    if (!e.pass) failed.insert(e.config_key);
  }
  return {failed.begin(), failed.end()};
}

double MinScoreOf(const store::ConfigRecord* config) {
  if (config == nullptr) return kDefaultMinScore;
  auto it = config->details.find("eval_min_score");
  if (it == config->details.end() || !it->is_number()) return kDefaultMinScore;
  return it->get<double>();
}

RunAccuracy SummarizeEvals(const std::vector<store::ConfigRecord>& configs,
                           const std::vector<store::PointRecord>& points,
                           const std::vector<store::EvalRecord>& evals) {
  std::map<std::string, const store::ConfigRecord*> config_by_key;
  for (const auto& c : configs) config_by_key[c.config_key] = &c;
  std::map<int64_t, int> concurrency_of;
  for (const auto& p : points) concurrency_of[p.point_id] = p.key.concurrency;

  RunAccuracy out;
  for (const auto& r : evals) {
    EvalAccuracy e;
    e.eval_id = r.eval_id;
    e.config_key = r.config_key;
    e.point_id = r.point_id;
    if (r.point_id) {
      auto it = concurrency_of.find(*r.point_id);
      if (it != concurrency_of.end()) e.concurrency = it->second;
    }
    e.task = r.task;
    e.headline = {r.accuracy, r.accuracy_stderr, 0, r.num_questions};
    e.headline.correct = static_cast<int64_t>(
        std::llround(r.accuracy * static_cast<double>(r.num_questions)));
    e.strict_match = CountFilter(r.outcomes, "strict_correct");
    e.flexible_extract = CountFilter(r.outcomes, "flexible_correct");
    auto config = config_by_key.find(r.config_key);
    e.min_score =
        MinScoreOf(config == config_by_key.end() ? nullptr : config->second);
    if (e.strict_match || e.flexible_extract) {
      e.pass =
          (!e.strict_match || e.strict_match->accuracy >= e.min_score) &&
          (!e.flexible_extract || e.flexible_extract->accuracy >= e.min_score);
    } else {
      e.pass = e.headline.accuracy >= e.min_score;
    }
    out.evals.push_back(std::move(e));
  }
  std::stable_sort(
      out.evals.begin(), out.evals.end(),
      [](const auto& a, const auto& b) { return a.eval_id < b.eval_id; });
  return out;
}

PointStatus StatusAt(const RunAccuracy& accuracy, const std::string& config_key,
                     double concurrency) {
  if (const EvalAccuracy* e = accuracy.AtPoint(config_key, concurrency)) {
    return e->pass ? PointStatus::kPass : PointStatus::kFail;
  }
  return accuracy.ConfigPasses(config_key) == false ? PointStatus::kConfigFail
                                                    : PointStatus::kNone;
}

std::string StatusName(PointStatus status) {
  switch (status) {
    case PointStatus::kPass:
      return "pass";
    case PointStatus::kFail:
      return "fail";
    case PointStatus::kConfigFail:
      return "config_fail";
    case PointStatus::kNone:
      break;
  }
  return "";
}

std::string StatusCell(PointStatus status) {
  switch (status) {
    case PointStatus::kPass:
      return "PASS";
    case PointStatus::kFail:
      return "FAIL";
    case PointStatus::kConfigFail:
      return "FAIL (config)";
    case PointStatus::kNone:
      break;
  }
  return "-";
}

std::string Verdict(bool pass) { return pass ? "PASS" : "FAIL"; }

std::string AccuracyCell(const std::optional<FilterAccuracy>& a) {
  if (!a) return "-";
  return fmt::format("{:.3f} +- {:.3f}", a->accuracy, a->standard_error);
}

nlohmann::json EvalAccuracyJson(const EvalAccuracy& e) {
  return {{"eval_id", e.eval_id},
          {"config_key", e.config_key},
          {"concurrency", e.concurrency > 0 ? nlohmann::json(e.concurrency)
                                            : nlohmann::json(nullptr)},
          {"point_id",
           e.point_id ? nlohmann::json(*e.point_id) : nlohmann::json(nullptr)},
          {"task", e.task},
          {"strict_match", FilterJson(e.strict_match)},
          {"flexible_extract", FilterJson(e.flexible_extract)},
          {"num_questions", e.headline.n},
          {"min_score", e.min_score},
          {"pass", e.pass}};
}

}  // namespace infx::frontier
