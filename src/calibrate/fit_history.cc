#include "calibrate/fit_history.h"

#include <fmt/format.h>

#include <set>
#include <sstream>

#include "common/table.h"

namespace infx::calibrate {
namespace {

double Number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The stored document's factors (an object; empty when malformed).
const nlohmann::json& FactorsOf(const store::CalibrationFitRecord& r) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  auto it = r.fit.find("factors");
  return it != r.fit.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace

store::CalibrationFitRecord FitRecord(const FitResult& fit,
                                      const nlohmann::json& json,
                                      int64_t run_id) {
  store::CalibrationFitRecord r;
  r.run_id = run_id;
  r.hardware = fit.hardware;
  r.engine = fit.engine;
  r.engine_version = fit.engine_version;
  r.fit = json;
  return r;
}

std::vector<store::CalibrationFitRecord> SelectFits(
    const std::vector<store::CalibrationFitRecord>& fits,
    const std::string& hardware, const std::string& engine) {
  std::vector<store::CalibrationFitRecord> out;
  for (const auto& f : fits) {
    if ((hardware.empty() || f.hardware == hardware) &&
        (engine.empty() || f.engine == engine)) {
      out.push_back(f);
    }
  }
  return out;
}

nlohmann::json FitHistoryJson(
    const std::vector<store::CalibrationFitRecord>& fits) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& f : fits) {
    nlohmann::json factors = nlohmann::json::object();
    for (const auto& [name, v] : FactorsOf(f).items()) {
      if (!v.is_object()) continue;
      factors[name] = {{"value", Number(v, "value")},
                       {"ci_low", Number(v, "ci_low")},
                       {"ci_high", Number(v, "ci_high")},
                       {"identifiable", v.value("identifiable", false)}};
    }
    rows.push_back({{"fit_id", f.fit_id},
                    {"run_id", f.run_id},
                    {"recorded_at", f.recorded_at},
                    {"hardware", f.hardware},
                    {"engine", f.engine},
                    {"engine_version", f.engine_version},
                    {"points", f.fit.value("points", 0)},
                    {"median_abs_error", Number(f.fit, "median_abs_error")},
                    {"factors", factors}});
  }
  return {{"fits", rows}};
}

std::string FitHistoryText(
    const std::vector<store::CalibrationFitRecord>& fits) {
  if (fits.empty()) return "no stored fits\n";
  std::vector<std::string> names;  // in first-seen order
  std::set<std::string> seen;
  for (const auto& f : fits) {
    for (const auto& [name, v] : FactorsOf(f).items()) {
      if (seen.insert(name).second) names.push_back(name);
    }
  }
  std::vector<std::string> headers = {"fit", "run",    "recorded",
                                      "for", "points", "median |err|"};
  headers.insert(headers.end(), names.begin(), names.end());
  Table t(headers);
  for (const auto& f : fits) {
    std::vector<std::string> row = {
        std::to_string(f.fit_id),
        std::to_string(f.run_id),
        f.recorded_at,
        f.hardware + " / " + f.engine +
            (f.engine_version.empty() ? "" : " " + f.engine_version),
        std::to_string(f.fit.value("points", 0)),
        fmt::format("{:.1f}%", 100 * Number(f.fit, "median_abs_error"))};
    const nlohmann::json& factors = FactorsOf(f);
    for (const std::string& name : names) {
      auto it = factors.find(name);
      if (it == factors.end() || !it->is_object()) {
        row.push_back("-");
        continue;
      }
      row.push_back(fmt::format("{:.4g}{}", Number(*it, "value"),
                                it->value("identifiable", false) ? "" : "*"));
    }
    t.AddRow(std::move(row));
  }
  std::ostringstream out;
  t.Print(out);
  out << "* not identified by that run's points (kept near its default)\n";
  return out.str();
}

}  // namespace infx::calibrate
