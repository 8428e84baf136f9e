#include "sweep/adaptive_sweep.h"

#include <fmt/format.h>

#include <memory>
#include <set>
#include <tuple>

#include "frontier/frontier.h"
#include "sweep/predict.h"
#include "sweep/rounds.h"
#include "sweep/validate.h"

namespace infx::sweep {
namespace {

using PointId = std::tuple<int, int, int>;  // (config, workload, conc)

const std::vector<int>& LevelsOf(const Matrix& m, int config) {
  return config < static_cast<int>(m.config_concurrencies.size()) &&
                 !m.config_concurrencies[config].empty()
             ? m.config_concurrencies[config]
             : m.concurrencies;
}

// The run's stored points by (config, workload, concurrency).
std::map<PointId, std::vector<store::PointRecord>> ByPoint(
    const Matrix& m, const std::vector<store::PointRecord>& points) {
  std::map<std::string, int> config_index;
  for (size_t i = 0; i < m.configs.size(); ++i) {
    config_index[m.configs[i].Key()] = static_cast<int>(i);
  }
  std::map<PointId, std::vector<store::PointRecord>> out;
  for (const auto& p : points) {
    auto c = config_index.find(p.key.config_key);
    for (size_t w = 0; c != config_index.end() && w < m.workloads.size(); ++w) {
      const Workload& wl = m.workloads[w];
      if (wl.isl == p.key.isl && wl.osl == p.key.osl &&
          wl.range_ratio == p.key.range_ratio) {
        out[{c->second, static_cast<int>(w), p.key.concurrency}].push_back(p);
      }
    }
  }
  return out;
}

std::optional<search::Observation> Observed(
    const std::map<PointId, std::vector<store::PointRecord>>& stored,
    PointId id) {
  auto it = stored.find(id);
  if (it == stored.end()) return std::nullopt;
  std::vector<const store::PointRecord*> reps;
  for (const auto& p : it->second) reps.push_back(&p);
  return ObservationOf(reps);
}

std::vector<Point> PointsOf(const Matrix& m, int config, int workload,
                            int conc) {
  std::vector<Point> out;
  for (int r = 0; r < m.repetitions; ++r) {
    out.push_back(Point{config, workload, conc, r, m.prompts.For(conc)});
  }
  return out;
}

int DefaultBudget(const PlanSweepOptions& plan, int grid, int divisor) {
  return plan.budget_points > 0 ? plan.budget_points
                                : std::max(1, grid / divisor);
}

// What a search run shares: the run, its target and the running total.
struct SearchRun {
  SweepOptions round_options;
  int64_t run_id = 0;
  std::unique_ptr<ServingTarget> target;
  std::vector<store::PointRecord> stored_before;
  SweepSummary total;
  void Note(const std::string& line) const {
    if (round_options.progress) *round_options.progress << line << "\n";
  }
};

Result<SearchRun> OpenSearchRun(const SweepOptions& options,
                                store::ResultsStore& store) {
  SearchRun r;
  INFX_ASSIGN_OR_RETURN(r.run_id, OpenRun(options, store));
  INFX_ASSIGN_OR_RETURN(r.target, MakeRunTarget(options, r.run_id));
  r.round_options = options;
  r.round_options.finish_run = false;
  INFX_ASSIGN_OR_RETURN(r.stored_before, store.ListPoints(r.run_id));
  return r;
}

// Measures (config, workload, conc) points; returns the stored points.
Result<std::map<PointId, std::vector<store::PointRecord>>> Measure(
    SearchRun& run, store::ResultsStore& store,
    const std::vector<PointId>& ids) {
  const Matrix& m = run.round_options.matrix;
  std::vector<Point> points;
  for (auto [c, w, conc] : ids) {
    auto more = PointsOf(m, c, w, conc);
    points.insert(points.end(), more.begin(), more.end());
  }
  INFX_ASSIGN_OR_RETURN(
      SweepSummary r,
      RunPoints(run.round_options, points, *run.target, store, run.run_id));
  AddRound(run.total, r);
  INFX_ASSIGN_OR_RETURN(auto stored, store.ListPoints(run.run_id));
  return ByPoint(m, stored);
}

// Evals, exact counts from the store, and the run closed.
Result<SweepSummary> Finish(const SweepOptions& options, SearchRun& run,
                            store::ResultsStore& store) {
  return CloseRoundedRun(options, *run.target, store, run.run_id,
                         static_cast<int>(run.stored_before.size()),
                         std::move(run.total));
}

// Resume: tells `search` (FrontierSearch or SlaSearch) what the run stored
// before this invocation, so it is not measured again.
template <typename Search>
void ObserveResumed(Search& search, const SearchCurves& curves, const Matrix& m,
                    const std::vector<store::PointRecord>& stored_before) {
  std::map<std::pair<int, int>, int> curve_of;
  for (size_t i = 0; i < curves.keys.size(); ++i) {
    curve_of[curves.keys[i]] = static_cast<int>(i);
  }
  const auto resumed = ByPoint(m, stored_before);
  for (const auto& [id, recs] : resumed) {
    const auto [c, w, conc] = id;
    search.Observe(curve_of[{c, w}], conc, Observed(resumed, id));
  }
}

bool Cancelled(const SweepOptions& o, const SweepSummary& total) {
  return total.interrupted || (o.cancel && o.cancel->load());
}

}  // namespace

SearchCurves BuildSearchCurves(const Matrix& matrix) {
  SearchCurves out;
  auto m = std::make_shared<const Matrix>(matrix);
  for (size_t c = 0; c < matrix.configs.size(); ++c) {
    for (size_t w = 0; w < matrix.workloads.size(); ++w) {
      search::CurveInput in;
      const Workload& wl = matrix.workloads[w];
      in.scenario =
          fmt::format("{} {}/{}", matrix.configs[c].model, wl.isl, wl.osl);
      in.label = fmt::format("{} {}", matrix.configs[c].Key(), wl.Label());
      in.levels = LevelsOf(matrix, static_cast<int>(c));
      const int ci = static_cast<int>(c), wi = static_cast<int>(w);
      in.predict = [m, ci, wi](int conc) -> std::optional<search::Observation> {
        auto sp = PredictPoint(*m, ci, m->workloads[wi], conc);
        if (!sp.ok()) return std::nullopt;
        search::Observation o;
        o.x = sp->interactivity_tok_s_user;
        o.y = sp->total_tok_s_per_gpu;
        o.metrics = {{"median_ttft_ms", sp->ttft_ms},
                     {"median_tpot_ms", sp->tpot_ms},
                     {"median_e2el_ms", sp->e2e_ms}};
        return o;
      };
      out.curves.push_back(std::move(in));
      out.keys.push_back({ci, wi});
    }
  }
  return out;
}

std::map<std::string, double> MetricsOf(const store::PointRecord& p) {
  std::map<std::string, double> out;
  if (p.metrics_json.is_object()) {
    for (const auto& [k, v] : p.metrics_json.items()) {
      if (v.is_number()) out[k] = v.get<double>();
    }
  }
  const store::PointMetrics& m = p.metrics;
  const std::pair<const char*, double> named[] = {
      {"tput_per_gpu_total", m.tput_per_gpu_total},
      {"tput_per_gpu_output", m.tput_per_gpu_output},
      {"tput_per_gpu_input", m.tput_per_gpu_input},
      {"interactivity_tok_s_user", m.interactivity_tok_s_user},
      {"mean_ttft_ms", m.mean_ttft_ms},
      {"median_ttft_ms", m.median_ttft_ms},
      {"p99_ttft_ms", m.p99_ttft_ms},
      {"mean_tpot_ms", m.mean_tpot_ms},
      {"median_tpot_ms", m.median_tpot_ms},
      {"p99_tpot_ms", m.p99_tpot_ms},
      {"mean_itl_ms", m.mean_itl_ms},
      {"median_itl_ms", m.median_itl_ms},
      {"p99_itl_ms", m.p99_itl_ms},
      {"mean_e2el_ms", m.mean_e2el_ms},
      {"median_e2el_ms", m.median_e2el_ms},
      {"p99_e2el_ms", m.p99_e2el_ms},
      {"request_throughput_rps", m.request_throughput_rps},
      {"duration_s", m.duration_s}};
  for (const auto& [k, v] : named) out[k] = v;
  return out;
}

std::optional<search::Observation> ObservationOf(
    const std::vector<const store::PointRecord*>& reps) {
  if (reps.empty()) return std::nullopt;
  search::Observation o;
  for (const auto* p : reps) {
    if (p->metrics.completed == 0 || !p->metrics.valid) return std::nullopt;
    o.x += p->metrics.interactivity_tok_s_user / reps.size();
    o.y += p->metrics.tput_per_gpu_total / reps.size();
    for (const auto& [k, v] : MetricsOf(*p)) o.metrics[k] += v / reps.size();
  }
  return o;
}

nlohmann::json FrontierSearchJson(const search::FrontierSearch& s,
                                  const SearchCurves& curves, const Matrix& m,
                                  int grid_points) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const auto& r : s.Report()) {
    scenarios.push_back(
        {{"scenario", r.scenario},
         {"points", r.points},
         {"grid_points", r.grid_points},
         {"hypervolume", r.measured_hv},
         {"predicted_grid_hypervolume", r.predicted_grid_hv},
         {"hypervolume_ratio",
          r.predicted_grid_hv > 0 ? r.measured_hv / r.predicted_grid_hv : 0}});
  }
  nlohmann::json dropped = nlohmann::json::array();
  for (const auto& [curve, why] : s.dropped()) {
    const auto [c, w] = curves.keys[curve];
    dropped.push_back({{"config", m.configs[c].Key()},
                       {"workload", m.workloads[w].Label()},
                       {"reason", why}});
  }
  nlohmann::json saturated = nlohmann::json::array();
  for (const auto& [curve, load] : s.saturated()) {
    const auto [c, w] = curves.keys[curve];
    saturated.push_back({{"config", m.configs[c].Key()},
                         {"workload", m.workloads[w].Label()},
                         {"concurrency", load}});
  }
  return {
      {"mode", "adaptive"},         {"points", s.points_used() * m.repetitions},
      {"grid_points", grid_points}, {"stop_reason", s.stop_reason()},
      {"scenarios", scenarios},     {"dropped", dropped},
      {"saturated", saturated}};
}

Result<SweepSummary> RunAdaptiveSweep(const SweepOptions& options,
                                      const PlanSweepOptions& plan,
                                      store::ResultsStore& store) {
  const Matrix& m = options.matrix;
  const int grid = static_cast<int>(ExpandPoints(m).size());
  const int budget = DefaultBudget(plan, grid, 4);
  INFX_ASSIGN_OR_RETURN(SearchRun run, OpenSearchRun(options, store));
  const SearchCurves curves = BuildSearchCurves(m);
  search::SearchOptions so;
  so.budget_points = std::max(1, budget / std::max(1, m.repetitions));
  so.gain_threshold = plan.gain_threshold;
  so.scenario_share = static_cast<double>(budget) / std::max(1, grid);
  search::FrontierSearch fs(curves.curves, so);
  ObserveResumed(fs, curves, m, run.stored_before);
  run.Note(fmt::format("search: adaptive, budget {} of the {}-point grid",
                       budget, grid));
  for (int round = 1; !Cancelled(options, run.total); ++round) {
    const auto next = fs.Next(std::max(1, plan.round_points));
    if (next.empty()) break;
    std::vector<PointId> ids;
    for (const auto& cand : next) {
      const auto [c, w] = curves.keys[cand.curve];
      ids.push_back({c, w, cand.concurrency});
    }
    run.Note(
        fmt::format("search round {}: {} point(s), best expected gain {:.4g}",
                    round, ids.size(), next.front().expected_gain));
    INFX_ASSIGN_OR_RETURN(auto stored, Measure(run, store, ids));
    for (size_t i = 0; i < ids.size(); ++i) {
      fs.Observe(next[i].curve, next[i].concurrency, Observed(stored, ids[i]));
    }
  }
  run.total.search = FrontierSearchJson(fs, curves, m, grid);
  run.total.search_notes = fs.Notes();
  return Finish(options, run, store);
}

namespace {

nlohmann::json SlaJson(const search::SlaSearch& s, const SearchCurves& curves,
                       const Matrix& m, const std::string& sla,
                       int grid_points) {
  auto catalog = MatrixHardware(m);
  auto cost = [&](int config, double tok_s_per_gpu) -> nlohmann::json {
    if (!catalog.ok()) return nullptr;
    auto hw = catalog->Find(m.configs[config].hardware);
    if (!hw.ok()) return nullptr;
    auto usd =
        frontier::CostPerMillionTokensUsd(tok_s_per_gpu, hw->usd_per_gpu_hour);
    return usd ? nlohmann::json(*usd) : nlohmann::json(nullptr);
  };
  nlohmann::json configs = nlohmann::json::array();
  for (size_t i = 0; i < curves.keys.size(); ++i) {
    const auto [c, w] = curves.keys[i];
    const auto r = s.Result(static_cast<int>(i));
    nlohmann::json j = {{"config", m.configs[c].Key()},
                        {"workload", m.workloads[w].Label()},
                        {"points", r.points},
                        {"saturated", r.saturated},
                        {"note", r.note},
                        {"max_concurrency", nullptr},
                        {"interpolated_concurrency", nullptr},
                        {"tput_per_gpu_total", nullptr},
                        {"usd_per_mtok", nullptr}};
    if (r.best_concurrency) j["max_concurrency"] = *r.best_concurrency;
    if (r.interpolated) j["interpolated_concurrency"] = *r.interpolated;
    if (r.best) {
      j["tput_per_gpu_total"] = r.best->y;
      j["usd_per_mtok"] = cost(c, r.best->y);
    }
    configs.push_back(j);
  }
  nlohmann::json best = nullptr;
  if (auto b = s.Best()) best = configs[*b];
  return {{"mode", "sla"},
          {"sla", sla},
          {"points", s.points_used() * m.repetitions},
          {"grid_points", grid_points},
          {"configs", configs},
          {"best", best}};
}

std::vector<std::string> SlaNotes(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& c : j["configs"]) {
    out.push_back(fmt::format(
        "sla {} {}: {} ({} point(s); {})", c["config"].get<std::string>(),
        c["workload"].get<std::string>(),
        c["max_concurrency"].is_null()
            ? std::string("no level meets the SLA")
            : fmt::format("max concurrency {} ({:.0f} tok/s/GPU)",
                          c["max_concurrency"].get<int>(),
                          c["tput_per_gpu_total"].get<double>()),
        c["points"].get<int>(), c["note"].get<std::string>()));
  }
  const auto& b = j["best"];
  out.push_back(
      b.is_null()
          ? std::string("sla: no config meets ") + j["sla"].get<std::string>()
          : fmt::format("sla: best config under {}: {} at c={}: {:.0f} "
                        "tok/s/GPU{}; {} of {} grid points measured",
                        j["sla"].get<std::string>(),
                        b["config"].get<std::string>(),
                        b["max_concurrency"].get<int>(),
                        b["tput_per_gpu_total"].get<double>(),
                        b["usd_per_mtok"].is_null()
                            ? std::string()
                            : fmt::format(", ${:.3f}/Mtok",
                                          b["usd_per_mtok"].get<double>()),
                        j["points"].get<int>(), j["grid_points"].get<int>()));
  return out;
}

}  // namespace

Result<SweepSummary> RunSlaSweep(const SweepOptions& options,
                                 const PlanSweepOptions& plan,
                                 store::ResultsStore& store) {
  const Matrix& m = options.matrix;
  INFX_ASSIGN_OR_RETURN(auto sla, search::ParseSla(plan.sla));
  const int grid = static_cast<int>(ExpandPoints(m).size());
  const int budget = DefaultBudget(plan, grid, 3);
  INFX_ASSIGN_OR_RETURN(SearchRun run, OpenSearchRun(options, store));
  const SearchCurves curves = BuildSearchCurves(m);
  search::SlaSearch ss(curves.curves, sla,
                       std::max(1, budget / std::max(1, m.repetitions)));
  ObserveResumed(ss, curves, m, run.stored_before);
  run.Note(fmt::format("search: sla {}, budget {} of the {}-point grid",
                       search::FormatSla(sla), budget, grid));
  for (int round = 1; !Cancelled(options, run.total); ++round) {
    const auto next = ss.Next();
    if (next.empty()) break;
    std::vector<PointId> ids;
    for (const auto& [curve, conc] : next) {
      const auto [c, w] = curves.keys[curve];
      ids.push_back({c, w, conc});
    }
    run.Note(fmt::format("sla round {}: {} point(s)", round, ids.size()));
    INFX_ASSIGN_OR_RETURN(auto stored, Measure(run, store, ids));
    for (size_t i = 0; i < ids.size(); ++i) {
      ss.Observe(next[i].first, next[i].second, Observed(stored, ids[i]));
    }
  }
  run.total.search = SlaJson(ss, curves, m, search::FormatSla(sla), grid);
  run.total.search_notes = SlaNotes(run.total.search);
  return Finish(options, run, store);
}

}  // namespace infx::sweep
