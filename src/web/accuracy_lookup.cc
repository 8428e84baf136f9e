#include "web/accuracy_lookup.h"

namespace infx::web {

AccuracyLookup::AccuracyLookup(const frontier::RunAccuracy& accuracy) {
  for (const auto& e : accuracy.evals) {
    Config& c = configs_[e.config_key];
    c.passes = c.passes.value_or(true) && e.pass;
    if (e.concurrency > 0) c.at.emplace_back(e.concurrency, e.pass);
  }
}

frontier::PointStatus AccuracyLookup::StatusAt(const std::string& config_key,
                                               double concurrency) const {
  auto it = configs_.find(config_key);
  if (it == configs_.end()) return frontier::PointStatus::kNone;
  const Config& c = it->second;
  // The latest eval at this concurrency decides, as RunAccuracy::AtPoint.
  for (auto e = c.at.rbegin(); e != c.at.rend(); ++e) {
    if (e->first == concurrency) {
      return e->second ? frontier::PointStatus::kPass
                       : frontier::PointStatus::kFail;
    }
  }
  return c.passes == false ? frontier::PointStatus::kConfigFail
                           : frontier::PointStatus::kNone;
}

const char* AccuracyLookup::NameAt(const std::string& config_key,
                                   double concurrency) const {
  switch (StatusAt(config_key, concurrency)) {
    case frontier::PointStatus::kPass:
      return "pass";
    case frontier::PointStatus::kFail:
      return "fail";
    case frontier::PointStatus::kConfigFail:
      return "config_fail";
    case frontier::PointStatus::kNone:
      break;
  }
  return "";
}

}  // namespace infx::web
