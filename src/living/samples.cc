#include "living/samples.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "frontier/frontier.h"

namespace infx::living {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

double Value(const store::PointMetrics& m, std::string_view metric) {
  if (m.completed == 0) return kNan;  // a failed point measured nothing
  if (metric == "tput_per_gpu") return m.tput_per_gpu_total;
  if (metric == "interactivity") return m.interactivity_tok_s_user;
  if (metric == "median_ttft_ms") return m.median_ttft_ms;
  if (metric == "p99_ttft_ms") return m.p99_ttft_ms;
  if (metric == "median_tpot_ms") return m.median_tpot_ms;
  if (metric == "p99_tpot_ms") return m.p99_tpot_ms;
  return kNan;
}

// Sets values[repetition] = v, growing with NaN.
void Put(std::vector<double>* values, int repetition, double v) {
  const size_t i = static_cast<size_t>(std::max(repetition, 0));
  if (values->size() <= i) values->resize(i + 1, kNan);
  (*values)[i] = v;
}

std::string FormatLevel(double x) {
  return std::floor(x) == x ? fmt::format("{:.0f}", x) : fmt::format("{}", x);
}

struct Scenario {
  std::string model;
  int isl = 0, osl = 0;
  auto operator<=>(const Scenario&) const = default;
};

std::string ModelOf(const RunData& run, const std::string& config_key) {
  const store::ConfigRecord* c = run.Config(config_key);
  if (!c || !c->details.is_object()) return "";
  const auto m = c->details.find("model");
  return m != c->details.end() && m->is_string() ? m->get<std::string>() : "";
}

// Merges `more` into `into`; a differing value is appended ("a, b").
void MergeAttributes(const Attributes& more, Attributes* into) {
  for (const auto& [k, v] : more) {
    auto [it, added] = into->try_emplace(k, v);
    if (!added && it->second != v && it->second.find(v) == std::string::npos) {
      it->second += ", " + v;
    }
  }
}

void AddFrontierSeries(const RunData& run,
                       const std::vector<double>& iso_levels, RunSamples* out) {
  if (iso_levels.empty()) return;
  // scenario -> repetition -> curve points; scenario -> its configs
  std::map<Scenario, std::map<int, std::vector<frontier::CurvePoint>>> groups;
  std::map<Scenario, std::set<std::string>> configs;
  for (const auto& p : run.points) {
    if (p.metrics.completed == 0) continue;
    const Scenario s{ModelOf(run, p.config_key), p.key.isl, p.key.osl};
    groups[s][p.repetition].push_back(
        {p.metrics.interactivity_tok_s_user, p.metrics.tput_per_gpu_total,
         p.config_key, static_cast<double>(p.key.concurrency), p.point_id});
    configs[s].insert(p.config_key);
  }
  for (const auto& [scenario, reps] : groups) {
    const std::string label = fmt::format("{}{}isl{}-osl{}", scenario.model,
                                          scenario.model.empty() ? "" : "/",
                                          scenario.isl, scenario.osl);
    Attributes attributes;
    for (const auto& c : configs[scenario]) {
      MergeAttributes(run.Attributes(c), &attributes);
    }
    for (const auto& [rep, curve_points] : reps) {
      const auto curve = frontier::MonotoneCurve::Fit(
          frontier::ParetoFrontier(curve_points, true));
      for (double level : iso_levels) {
        const auto y = curve.At(level);
        if (!y) continue;
        const std::string key =
            fmt::format("frontier/{}@{}tok/s/user", label, FormatLevel(level));
        SeriesSamples& s = out->series[key];
        s.series = key;
        s.attributes = attributes;
        Put(&s.metrics["tput_per_gpu"], rep, *y);
      }
    }
  }
}

}  // namespace

RunSamples BuildRunSamples(const RunData& run,
                           const std::vector<double>& iso_levels) {
  RunSamples out;
  out.run = run.run;
  std::map<std::string, Attributes> attributes;  // by config key
  for (const auto& p : run.points) {
    SeriesSamples& s = out.series[p.series_key];
    if (s.series.empty()) {
      s.series = p.series_key;
      s.config_key = p.config_key;
      auto [it, added] = attributes.try_emplace(p.config_key);
      if (added) it->second = run.Attributes(p.config_key);
      s.attributes = it->second;
    }
    s.canary = s.canary || p.canary;
    for (const auto& m : ComparedMetrics()) {
      Put(&s.metrics[std::string(m.name)], p.repetition,
          Value(p.metrics, m.name));
    }
  }
  AddFrontierSeries(run, iso_levels, &out);
  return out;
}

Result<RunSamples> LoadRunSamples(store::ResultsStore& store, int64_t run_id,
                                  const std::vector<double>& iso_levels) {
  INFX_ASSIGN_OR_RETURN(RunData run, LoadRun(store, run_id));
  return BuildRunSamples(run, iso_levels);
}

}  // namespace infx::living
