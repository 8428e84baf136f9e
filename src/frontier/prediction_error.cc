#include "frontier/prediction_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/table.h"

namespace infx::frontier {
namespace {

std::optional<double> NumberAt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> ErrorPct(const std::optional<double>& predicted,
                               double measured) {
  if (!predicted || !(measured > 0)) return std::nullopt;
  return (*predicted - measured) / measured * 100.0;
}

// The config's predicted point at (isl, osl, concurrency); entries without
// isl/osl apply to every workload.
const nlohmann::json* PredictionAt(const store::ConfigRecord& c, int64_t isl,
                                   int64_t osl, int64_t concurrency) {
  auto it = c.details.find("predicted_points");
  if (it == c.details.end() || !it->is_array()) return nullptr;
  for (const auto& pp : *it) {
    if (pp.is_object() && pp.value("concurrency", int64_t{-1}) == concurrency &&
        pp.value("isl", isl) == isl && pp.value("osl", osl) == osl) {
      return &pp;
    }
  }
  return nullptr;
}

nlohmann::json OrNull(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string Cell(const std::optional<double>& v, int decimals) {
  return v ? FormatFixed(*v, decimals) : "-";
}

std::string PctCell(const std::optional<double>& v) {
  return v ? fmt::format("{:+.1f}", *v) : "-";
}

}  // namespace

void PredictionMatcher::Add(int64_t run_id, const store::PointRecord& point) {
  if (point.metrics.completed <= 0) return;
  Sums& s = measured_[{run_id, point.key.config_key, point.key.isl,
                       point.key.osl, point.key.concurrency}];
  s.tput_per_gpu_total += point.metrics.tput_per_gpu_total;
  s.interactivity_tok_s_user += point.metrics.interactivity_tok_s_user;
  ++s.n;
}

std::vector<PredictionError> PredictionMatcher::Match(
    const ConfigLookup& config_of) const {
  std::vector<PredictionError> rows;
  for (const auto& [key, sums] : measured_) {
    const auto& [run_id, config_key, isl, osl, concurrency] = key;
    const store::ConfigRecord* c = config_of(run_id, config_key);
    if (c == nullptr) continue;
    const nlohmann::json* pp = PredictionAt(*c, isl, osl, concurrency);
    if (pp == nullptr) continue;
    PredictionError r;
    r.run_id = run_id;
    r.config_key = config_key;
    r.isl = isl;
    r.osl = osl;
    r.concurrency = concurrency;
    r.predicted = *pp;
    r.predicted_tput_per_gpu_total = NumberAt(*pp, "tput_per_gpu_total");
    r.predicted_interactivity_tok_s_user =
        NumberAt(*pp, "interactivity_tok_s_user");
    r.measured_tput_per_gpu_total = sums.tput_per_gpu_total / sums.n;
    r.measured_interactivity_tok_s_user =
        sums.interactivity_tok_s_user / sums.n;
    r.repetitions = sums.n;
    r.tput_error_pct =
        ErrorPct(r.predicted_tput_per_gpu_total, r.measured_tput_per_gpu_total);
    r.interactivity_error_pct = ErrorPct(r.predicted_interactivity_tok_s_user,
                                         r.measured_interactivity_tok_s_user);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<PredictionError> PredictionErrorsOf(
    int64_t run_id, const std::vector<store::ConfigRecord>& configs,
    const std::vector<store::PointRecord>& points) {
  PredictionMatcher matcher;
  for (const auto& p : points) matcher.Add(run_id, p);
  return matcher.Match([&](int64_t, const std::string& key) {
    for (const auto& c : configs) {
      if (c.config_key == key) return &c;
    }
    return static_cast<const store::ConfigRecord*>(nullptr);
  });
}

std::optional<double> MedianAbsTputErrorPct(
    const std::vector<PredictionError>& rows) {
  std::vector<double> v;
  for (const auto& r : rows) {
    if (r.tput_error_pct) v.push_back(std::abs(*r.tput_error_pct));
  }
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

nlohmann::json PredictionErrorJson(const PredictionError& r) {
  return {{"run_id", r.run_id},
          {"config_key", r.config_key},
          {"isl", r.isl},
          {"osl", r.osl},
          {"concurrency", r.concurrency},
          {"predicted", r.predicted},
          {"measured_tput_per_gpu_total", r.measured_tput_per_gpu_total},
          {"measured_interactivity_tok_s_user",
           r.measured_interactivity_tok_s_user},
          {"tput_error_pct", OrNull(r.tput_error_pct)},
          {"interactivity_error_pct", OrNull(r.interactivity_error_pct)}};
}

std::string FormatPredictionErrors(const std::vector<PredictionError>& rows) {
  if (rows.empty()) return "";
  Table t({"config", "isl/osl", "conc", "predicted tok/s/GPU",
           "measured tok/s/GPU", "error %", "predicted tok/s/user",
           "measured tok/s/user", "error %"});
  for (const auto& r : rows) {
    t.AddRow({r.config_key, fmt::format("{}/{}", r.isl, r.osl),
              std::to_string(r.concurrency),
              Cell(r.predicted_tput_per_gpu_total, 1),
              FormatFixed(r.measured_tput_per_gpu_total, 1),
              PctCell(r.tput_error_pct),
              Cell(r.predicted_interactivity_tok_s_user, 2),
              FormatFixed(r.measured_interactivity_tok_s_user, 2),
              PctCell(r.interactivity_error_pct)});
  }
  std::ostringstream out;
  t.Print(out);
  const auto median = MedianAbsTputErrorPct(rows);
  out << fmt::format("median |error| of tok/s/GPU: {} over {} points\n",
                     median ? fmt::format("{:.1f}%", *median) : "-",
                     rows.size());
  return out.str();
}

}  // namespace infx::frontier
