#include "calibrate/fit_output.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "common/table.h"

namespace infx::calibrate {
namespace {

std::string Pct(double fraction) {
  return fmt::format("{:+.1f}%", 100 * fraction);
}

std::string Conc(int64_t c) { return c > 0 ? std::to_string(c) : "max"; }

void EmitFit(YAML::Emitter& y, const FitResult& fit, const FitSource& src) {
  y << YAML::Key << "fit" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "store" << YAML::Value << src.store;
  y << YAML::Key << "run" << YAML::Value << src.run_id;
  y << YAML::Key << "points" << YAML::Value << src.points;
  y << YAML::Key << "median_abs_error" << YAML::Value << fit.median_abs_error;
  y << YAML::Key << "median_abs_error_default" << YAML::Value
    << fit.median_abs_error_default;
  y << YAML::Key << "loo_median_abs_error" << YAML::Value
    << fit.loo_median_abs_error;
  y << YAML::Key << "intervals" << YAML::Value << YAML::BeginMap;
  for (const FactorFit& f : fit.factors) {
    y << YAML::Key << f.name << YAML::Value << YAML::Flow << YAML::BeginMap;
    y << YAML::Key << "ci_low" << YAML::Value << f.ci_low;
    y << YAML::Key << "ci_high" << YAML::Value << f.ci_high;
    y << YAML::Key << "identifiable" << YAML::Value << f.identifiable;
    if (!f.reason.empty() && !f.identifiable) {
      y << YAML::Key << "reason" << YAML::Value << f.reason;
    }
    y << YAML::EndMap;
  }
  y << YAML::EndMap << YAML::EndMap;
}

}  // namespace

std::string FitYaml(const FitResult& fit, const FitSource& source) {
  YAML::Emitter y;
  y.SetDoublePrecision(6);
  y << YAML::Comment(
      "infx calibration (docs/calibration.md), written by infx calibrate");
  y << YAML::BeginMap;
  y << YAML::Key << "hardware" << YAML::Value << fit.hardware;
  y << YAML::Key << "engine" << YAML::Value << fit.engine;
  if (!fit.engine_version.empty()) {
    y << YAML::Key << "engine_version" << YAML::Value << fit.engine_version;
  }
  y << YAML::Key << "factors" << YAML::Value << YAML::BeginMap;
  for (const FactorFit& f : fit.factors) {
    y << YAML::Key << f.name << YAML::Value << f.value;
  }
  y << YAML::EndMap;
  EmitFit(y, fit, source);
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

nlohmann::json FitJson(const FitResult& fit, const FitSource& source) {
  nlohmann::json factors = nlohmann::json::object();
  for (const FactorFit& f : fit.factors) {
    factors[f.name] = {{"value", f.value},
                       {"default", f.default_value},
                       {"ci_low", f.ci_low},
                       {"ci_high", f.ci_high},
                       {"identifiable", f.identifiable}};
    if (!f.identifiable) factors[f.name]["reason"] = f.reason;
  }
  nlohmann::json residuals = nlohmann::json::array();
  for (const PointResidual& r : fit.residuals) {
    nlohmann::json j = {{"config_key", r.config_key},
                        {"isl", r.isl},
                        {"osl", r.osl},
                        {"concurrency", r.concurrency},
                        {"measured_tput_per_gpu_output", r.measured},
                        {"predicted_default", r.predicted_default},
                        {"predicted", r.predicted},
                        {"error_default", r.error_default},
                        {"error", r.error}};
    if (r.tpot_measured_ms > 0) {
      j["tpot_measured_ms"] = r.tpot_measured_ms;
      j["tpot_predicted_ms"] = r.tpot_predicted_ms;
    }
    if (r.has_loo) j["loo_error"] = r.loo_error;
    residuals.push_back(j);
  }
  nlohmann::json out = {
      {"hardware", fit.hardware},
      {"engine", fit.engine},
      {"engine_version", fit.engine_version},
      {"store", source.store},
      {"run_id", source.run_id},
      {"points", source.points},
      {"skipped", source.skipped},
      {"factors", factors},
      {"residuals", residuals},
      {"median_abs_error", fit.median_abs_error},
      {"median_abs_error_default", fit.median_abs_error_default},
      {"median_abs_error_tpot", fit.median_abs_error_tpot},
      {"leave_one_config_out",
       {{"configs", fit.loo_configs},
        {"median_abs_error", fit.loo_median_abs_error}}},
      {"solver", fit.solver_summary}};
  if (!source.evaluated_file.empty()) {
    out["evaluated_file"] = source.evaluated_file;
  }
  return out;
}

std::string FitText(const FitResult& fit, const FitSource& source) {
  std::ostringstream out;
  const bool given = !source.evaluated_file.empty();
  out << fmt::format(
      "calibration of {} / {}{} {} run {} ({} points)\n\n", fit.hardware,
      fit.engine, fit.engine_version.empty() ? "" : " " + fit.engine_version,
      given ? "from " + source.evaluated_file + ", not fitted, on" : "from",
      source.run_id, source.points);
  Table factors(given ? std::vector<std::string>{"factor", "default", "given"}
                      : std::vector<std::string>{"factor", "default", "fitted",
                                                 "95% low", "95% high",
                                                 "identifiable"});
  for (const FactorFit& f : fit.factors) {
    std::vector<std::string> row = {f.name,
                                    fmt::format("{:.4g}", f.default_value),
                                    fmt::format("{:.4g}", f.value)};
    if (!given) {
      row.insert(row.end(), {fmt::format("{:.4g}", f.ci_low),
                             fmt::format("{:.4g}", f.ci_high),
                             f.identifiable ? "yes" : "no: " + f.reason});
    }
    factors.AddRow(std::move(row));
  }
  factors.Print(out);
  Table res({"config", "isl/osl", "conc", "measured", "default", "fitted",
             "err default", "err fitted", "err held out"});
  for (const PointResidual& r : fit.residuals) {
    res.AddRow({r.config_key, fmt::format("{}/{}", r.isl, r.osl),
                Conc(r.concurrency), FormatFixed(r.measured, 1),
                FormatFixed(r.predicted_default, 1),
                FormatFixed(r.predicted, 1), Pct(r.error_default), Pct(r.error),
                r.has_loo ? Pct(r.loo_error) : "-"});
  }
  out << "\n";
  res.Print(out);
  if (given) {
    out << fmt::format(
        "\nmedian |error| of output tok/s/GPU: {:.1f}% with defaults, {:.1f}% "
        "with {}\n",
        100 * fit.median_abs_error_default, 100 * fit.median_abs_error,
        source.evaluated_file);
  } else {
    out << fmt::format(
        "\nmedian |error| of output tok/s/GPU: {:.1f}% with defaults, {:.1f}% "
        "fitted, {:.1f}% held out ({} configs left out in turn)\n",
        100 * fit.median_abs_error_default, 100 * fit.median_abs_error,
        100 * fit.loo_median_abs_error, fit.loo_configs);
  }
  for (const std::string& s : source.skipped) out << "skipped: " << s << "\n";
  return out.str();
}

}  // namespace infx::calibrate
