#include "frontier/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <tuple>

namespace infx::frontier {
namespace {

using store::ConfigRecord;
using store::PointMetrics;
using store::PointRecord;

struct ScenarioKey {
  std::string model;
  int isl = 0;
  int osl = 0;
  auto operator<=>(const ScenarioKey&) const = default;
};

// Repetitions of one load level of one config.
struct LoadKey {
  std::string config_key;
  double range_ratio = 0;
  int concurrency = 0;
  double request_rate = 0;
  auto operator<=>(const LoadKey&) const = default;
};

struct Repeated {
  std::vector<PointMetrics> reps;
  int64_t first_point_id = 0;
};

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ModelOf(const ConfigRecord* config) {
  if (config == nullptr) return "";
  auto it = config->details.find("model");
  if (it == config->details.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

double XOf(const PointMetrics& m, XMetric x) {
  switch (x) {
    case XMetric::kInteractivity:
      return m.interactivity_tok_s_user;
    case XMetric::kE2el:
      return m.median_e2el_ms;
    case XMetric::kTtft:
      return m.median_ttft_ms;
  }
  return 0;
}

// Throughput metrics; power metrics go through PowerY.
double YOf(const PointMetrics& m, YMetric y) {
  switch (y) {
    case YMetric::kOutput:
      return m.tput_per_gpu_output;
    case YMetric::kInput:
      return m.tput_per_gpu_input;
    default:
      return m.tput_per_gpu_total;
  }
}

// Median of one metric over repetitions (robust to one noisy repetition).
double MedianField(const std::vector<PointMetrics>& reps,
                   double PointMetrics::*field) {
  std::vector<double> v;
  for (const auto& m : reps) v.push_back(m.*field);
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  if (n == 0) return 0;
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The per-metric median of a point's repetitions.
PointMetrics MedianOfRepetitions(const std::vector<PointMetrics>& reps) {
  PointMetrics m;
  for (double PointMetrics::*f :
       {&PointMetrics::tput_per_gpu_total, &PointMetrics::tput_per_gpu_output,
        &PointMetrics::tput_per_gpu_input,
        &PointMetrics::interactivity_tok_s_user, &PointMetrics::median_e2el_ms,
        &PointMetrics::median_ttft_ms}) {
    m.*f = MedianField(reps, f);
  }
  return m;
}

// Field names of predicted points, as documented in store::ConfigRecord.
const char* XField(XMetric x) {
  switch (x) {
    case XMetric::kInteractivity:
      return "interactivity_tok_s_user";
    case XMetric::kE2el:
      return "median_e2el_ms";
    case XMetric::kTtft:
      return "median_ttft_ms";
  }
  return "";
}

// Power metrics are modelled from the total throughput (PowerY).
const char* YField(YMetric y) {
  switch (y) {
    case YMetric::kOutput:
      return "tput_per_gpu_output";
    case YMetric::kInput:
      return "tput_per_gpu_input";
    default:
      return "tput_per_gpu_total";
  }
}

double AllInWatts(const std::string& hardware, const PriceBook& prices);

// The catalog's figure for a power metric at `tok_s_per_gpu` (total).
std::optional<double> ModelledPowerY(double tok_s_per_gpu, YMetric y,
                                     double all_in_w) {
  return y == YMetric::kTokensPerMw
             ? TokensPerSecondPerMw(tok_s_per_gpu, all_in_w)
             : JoulesPerToken(tok_s_per_gpu, all_in_w);
}

// A power metric's y for one load level: the median of the repetitions'
// measured values when every repetition has valid power ("measured"), else
// the catalog's all-in watts at the median throughput ("catalog"). J/token
// is all-in: the GPU energy per input+output token x the facility factor,
// so both sources mean the same thing. nullopt: neither is known.
std::optional<std::pair<double, std::string>> PowerY(
    const std::vector<PointMetrics>& reps, double tput_per_gpu_total, YMetric y,
    double all_in_w) {
  std::vector<double> measured;
  for (const PointMetrics& m : reps) {
    const store::PointPower& p = m.power;
    const double v = y == YMetric::kTokensPerMw
                         ? p.tokens_per_mw
                         : p.joules_per_total_token * p.facility_factor;
    if (!p.valid || !std::isfinite(v) || v <= 0) break;
    measured.push_back(v);
  }
  if (!measured.empty() && measured.size() == reps.size()) {
    std::sort(measured.begin(), measured.end());
    const size_t n = measured.size();
    const double median =
        n % 2 ? measured[n / 2] : (measured[n / 2 - 1] + measured[n / 2]) / 2;
    return std::pair{median, std::string("measured")};
  }
  auto modelled = ModelledPowerY(tput_per_gpu_total, y, all_in_w);
  if (!modelled) return std::nullopt;
  return std::pair{*modelled, std::string("catalog")};
}

std::optional<double> NumberField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// Predictions for this scenario: entries without isl/osl apply to all.
std::vector<CurvePoint> Predicted(const ConfigRecord* config,
                                  const ScenarioKey& scenario,
                                  const AnalysisOptions& options,
                                  const PriceBook& prices) {
  std::vector<CurvePoint> out;
  if (config == nullptr) return out;
  auto it = config->details.find("predicted_points");
  if (it == config->details.end() || !it->is_array()) return out;
  for (const auto& p : *it) {
    if (!p.is_object()) continue;
    auto isl = NumberField(p, "isl");
    auto osl = NumberField(p, "osl");
    if ((isl && *isl != scenario.isl) || (osl && *osl != scenario.osl)) {
      continue;
    }
    auto x = NumberField(p, XField(options.x));
    auto y = NumberField(p, YField(options.y));
    if (y && IsPowerMetric(options.y)) {
      y = ModelledPowerY(*y, options.y, AllInWatts(config->hardware, prices));
    }
    if (!x || !y) continue;
    CurvePoint point;
    point.x = *x;
    point.y = *y;
    point.config_key = config->config_key;
    point.concurrency = NumberField(p, "concurrency").value_or(0);
    if (IsPowerMetric(options.y)) point.y_source = "catalog";
    out.push_back(std::move(point));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.concurrency < b.concurrency;
  });
  return out;
}

double AllInWatts(const std::string& hardware, const PriceBook& prices) {
  auto it = prices.find(Lower(hardware));
  return it == prices.end() ? 0 : it->second.all_in_power_watts;
}

// Of a point's y, or of its total throughput when y is a power metric.
PointEconomics EconomicsFor(const CurvePoint& p, const std::string& hardware,
                            const PriceBook& prices, YMetric metric) {
  const double y = IsPowerMetric(metric) ? p.tput_per_gpu_total : p.y;
  auto it = prices.find(Lower(hardware));
  if (it == prices.end()) return {};
  return {CostPerMillionTokensUsd(y, it->second.usd_per_gpu_hour),
          TokensPerSecondPerMw(y, it->second.all_in_power_watts)};
}

const ConfigCurve* CurveOf(const ScenarioFrontier& s, const std::string& key) {
  for (const auto& c : s.curves) {
    if (c.config_key == key) return &c;
  }
  return nullptr;
}

// Frontier, curve, economics and iso rows from the scenario's curves.
void FinishScenario(ScenarioFrontier& s, const AnalysisOptions& options,
                    const PriceBook& prices) {
  std::vector<CurvePoint> all;
  for (const auto& c : s.curves) {
    all.insert(all.end(), c.measured.begin(), c.measured.end());
  }
  s.frontier = ParetoFrontier(std::move(all), HigherXIsBetter(options.x),
                              HigherYIsBetter(options.y));
  s.curve = MonotoneCurve::Fit(s.frontier);
  s.economics.clear();
  for (const auto& p : s.frontier) {
    const ConfigCurve* c = CurveOf(s, p.config_key);
    s.economics.push_back(
        EconomicsFor(p, c ? c->hardware : "", prices, options.y));
  }
  s.iso.clear();
  std::vector<double> levels = options.iso_levels;
  const bool none_in_range =
      std::none_of(levels.begin(), levels.end(),
                   [&](double x) { return s.curve.At(x).has_value(); });
  s.iso_from_data = options.iso_levels_are_defaults && !levels.empty() &&
                    !s.curve.empty() && none_in_range;
  if (s.iso_from_data) {
    levels = IsoLevelsFromData(s.curve.x_min(), s.curve.x_max());
  }
  for (const IsoValue& v : IsoValues(s.curve, levels)) {
    IsoRow row{v.x, v.y, "", {}};
    if (v.y && !s.frontier.empty()) {
      auto nearest =
          std::min_element(s.frontier.begin(), s.frontier.end(),
                           [&](const auto& a, const auto& b) {
                             return std::abs(a.x - v.x) < std::abs(b.x - v.x);
                           });
      row.config_key = nearest->config_key;
      const ConfigCurve* c = CurveOf(s, row.config_key);
      if (!IsPowerMetric(options.y)) {
        CurvePoint at;
        at.y = *v.y;
        row.economics =
            EconomicsFor(at, c ? c->hardware : "", prices, options.y);
      }
    }
    s.iso.push_back(row);
  }
}

}  // namespace

std::vector<double> IsoLevelsFromData(double x_min, double x_max) {
  auto round2 = [](double x) {
    if (x <= 0) return x;
    const double scale = std::pow(10, std::floor(std::log10(x)) - 1);
    return std::round(x / scale) * scale;
  };
  std::vector<double> out;
  for (double f : {0.25, 0.5, 0.75}) {
    double level = round2(x_min + f * (x_max - x_min));
    if (level < x_min || level > x_max) level = x_min + f * (x_max - x_min);
    if (out.empty() || level != out.back()) out.push_back(level);
  }
  return out;
}

std::string ScenarioFrontier::Label() const {
  std::string label = fmt::format("isl={} osl={}", isl, osl);
  return model.empty() ? label : model + " " + label;
}

RunAnalysis AnalyzePoints(int64_t run_id,
                          const std::vector<store::ConfigRecord>& configs,
                          const std::vector<store::PointRecord>& points,
                          const AnalysisOptions& options,
                          const PriceBook& prices,
                          const std::vector<store::EvalRecord>& evals) {
  RunAnalysis analysis;
  analysis.run_id = run_id;
  analysis.options = options;
  analysis.accuracy = SummarizeEvals(configs, points, evals);
  std::set<std::string> excluded;
  if (options.exclude_failed_accuracy) {
    for (const auto& key : analysis.accuracy.FailedConfigs()) {
      excluded.insert(key);
    }
    analysis.excluded_configs.assign(excluded.begin(), excluded.end());
  }
  std::map<std::string, const ConfigRecord*> config_by_key;
  for (const auto& c : configs) config_by_key[c.config_key] = &c;
  auto find_config = [&](const std::string& key) -> const ConfigRecord* {
    auto it = config_by_key.find(key);
    return it == config_by_key.end() ? nullptr : it->second;
  };

  // Step 1: repetitions per (scenario, config, load); their median is used.
  std::map<ScenarioKey, std::map<LoadKey, Repeated>> grouped;
  PredictionMatcher predictions;
  for (const PointRecord& p : points) {
    if (p.key.run_id != run_id || p.metrics.completed <= 0) continue;
    if (excluded.count(p.key.config_key)) continue;
    if (!p.metrics.valid) {
      analysis.invalid_points.push_back({p.key, p.metrics.invalid_reasons});
      if (!options.include_invalid) continue;
    }
    ScenarioKey sk{ModelOf(find_config(p.key.config_key)), p.key.isl,
                   p.key.osl};
    LoadKey lk{p.key.config_key, p.key.range_ratio, p.key.concurrency,
               p.key.request_rate};
    predictions.Add(run_id, p);
    Repeated& rep = grouped[sk][lk];
    if (rep.reps.empty()) rep.first_point_id = p.point_id;
    rep.reps.push_back(p.metrics);
  }

  // Step 2: one curve per config, then the frontier across configs.
  for (const auto& [sk, loads] : grouped) {
    ScenarioFrontier s;
    s.model = sk.model;
    s.isl = sk.isl;
    s.osl = sk.osl;
    for (const auto& [lk, rep] : loads) {
      if (s.curves.empty() || s.curves.back().config_key != lk.config_key) {
        const ConfigRecord* c = find_config(lk.config_key);
        s.curves.push_back({lk.config_key,
                            c ? c->hardware : "",
                            c ? c->num_gpus : 1,
                            {},
                            Predicted(c, sk, options, prices)});
      }
      const PointMetrics median = MedianOfRepetitions(rep.reps);
      const double load = lk.concurrency > 0 ? lk.concurrency : lk.request_rate;
      CurvePoint point;
      point.x = XOf(median, options.x);
      point.y = YOf(median, options.y);
      point.config_key = lk.config_key;
      point.concurrency = load;
      point.point_id = rep.first_point_id;
      point.tput_per_gpu_total = median.tput_per_gpu_total;
      if (auto m = PowerY(rep.reps, 0, YMetric::kTokensPerMw, 0);
          m && m->second == "measured") {
        point.measured_tok_s_per_mw = m->first;
      }
      if (IsPowerMetric(options.y)) {
        auto y = PowerY(rep.reps, median.tput_per_gpu_total, options.y,
                        AllInWatts(s.curves.back().hardware, prices));
        if (!y) continue;  // no power measured and no catalog watts
        std::tie(point.y, point.y_source) = *y;
      }
      s.curves.back().measured.push_back(std::move(point));
    }
    for (auto& c : s.curves) {
      std::stable_sort(c.measured.begin(), c.measured.end(),
                       [](const auto& a, const auto& b) {
                         return a.concurrency < b.concurrency;
                       });
    }
    FinishScenario(s, options, prices);
    analysis.scenarios.push_back(std::move(s));
  }
  analysis.predictions = predictions.Match(
      [&](int64_t, const std::string& key) { return find_config(key); });
  return analysis;
}

Result<RunAnalysis> AnalyzeRun(store::ResultsStore& store, int64_t run_id,
                               const AnalysisOptions& options,
                               const PriceBook& prices) {
  INFX_RETURN_IF_ERROR(store.GetRun(run_id).status());
  INFX_ASSIGN_OR_RETURN(auto configs, store.ListConfigs(run_id));
  INFX_ASSIGN_OR_RETURN(auto points, store.ListPoints(run_id));
  INFX_ASSIGN_OR_RETURN(auto evals, store.ListEvals(run_id));
  return AnalyzePoints(run_id, configs, points, options, prices, evals);
}

Result<ScenarioFrontier> ConfigOnlyScenario(const ScenarioFrontier& scenario,
                                            const std::string& config_key,
                                            const AnalysisOptions& options,
                                            const PriceBook& prices) {
  const ConfigCurve* c = CurveOf(scenario, config_key);
  if (c == nullptr) {
    return Status::NotFound(fmt::format("no config '{}' in scenario {}",
                                        config_key, scenario.Label()));
  }
  ScenarioFrontier s;
  s.model = scenario.model;
  s.isl = scenario.isl;
  s.osl = scenario.osl;
  s.curves.push_back(*c);
  FinishScenario(s, options, prices);
  return s;
}

}  // namespace infx::frontier
