// Frontier search against the full grid: for each matrix, every point of
// the grid is measured on an in-process emulator (the emulator's own
// scheduler and step-cost model, run in virtual time, with its seeded
// multiplicative step noise, `--noise`), then the same matrix is searched
// with the old `--plan` (grid-cull, at 25% and at its default 50% of the
// grid) and with the adaptive search (`--plan`, a quarter of the grid), and
// the SLA search. Prints per model x workload: points measured and the
// share of the full grid's frontier hypervolume reached; per config: the
// SLA boundary found against the grid's.
//
//   build/infx_frontier_search_benchmark [--noise 0.02] [MATRIX.yaml ...]
//
// Every measurement is a pure function of (matrix seed, point), so both
// searches see exactly the values the full grid saw at the same points.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "emulator/scheduler.h"
#include "emulator/step_cost.h"
#include "perf/cost_model.h"
#include "perf/memory.h"
#include "search/frontier_search.h"
#include "search/hypervolume.h"
#include "search/sla.h"
#include "sweep/adaptive_sweep.h"
#include "sweep/matrix.h"
#include "sweep/plan_sweep.h"
#include "sweep/predict.h"

namespace {

using namespace infx;
using PointId = std::tuple<int, int, int>;  // (config, workload, conc)

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  const double f = pos - i;
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

// One closed-loop point on the emulator's scheduler in virtual time.
std::optional<search::Observation> Simulate(const sweep::Matrix& m, int config,
                                            int workload, int conc,
                                            double noise) {
  const auto& cfg = m.configs[config];
  auto d = sweep::DeploymentFor(cfg, m.target.emulator, m.hardware_file);
  if (!d.ok()) return std::nullopt;
  const perf::MemoryPlan memory = perf::PlanMemory(*d);
  if (!memory.fits) return std::nullopt;
  emulator::Scheduler s({m.target.emulator.max_num_seqs,
                         m.target.emulator.max_batched_tokens,
                         memory.kv_capacity_tokens / 16, 16});
  emulator::PerfStepCostModel cost(perf::BuildCostModel(*d));
  const sweep::Workload& w = m.workloads[workload];
  std::mt19937_64 rng(m.seed * 1000003 + config * 7919 + workload * 104729 +
                      conc);
  std::uniform_int_distribution<int64_t> in(
      std::max<int64_t>(1, static_cast<int64_t>(w.isl * w.range_ratio)), w.isl);
  std::uniform_int_distribution<int64_t> out(
      std::max<int64_t>(1, static_cast<int64_t>(w.osl * w.range_ratio)), w.osl);
  std::normal_distribution<double> z(0, 1);
  struct Req {
    double arrival = 0, first = 0, last = 0;
    int64_t in = 0, tokens = 0;
  };
  const int total = m.prompts.For(conc);
  std::vector<Req> reqs;
  auto submit = [&](double now) {
    Req r;
    r.arrival = now;
    r.in = in(rng);
    s.Add({reqs.size(), r.in, out(rng)});
    reqs.push_back(r);
  };
  double now = 0;
  for (int i = 0; i < std::min(conc, total); ++i) submit(now);
  std::vector<emulator::TokenEvent> events;
  while (!s.idle()) {
    const auto& plan = s.Schedule();
    now += cost.StepSeconds(plan.shape) * std::max(0.05, 1 + noise * z(rng));
    events.clear();
    s.Complete(events);
    for (const auto& e : events) {
      Req& r = reqs[e.id];
      if (e.index == 0) r.first = now;
      r.last = now;
      ++r.tokens;
      if (e.finished && static_cast<int>(reqs.size()) < total) submit(now);
    }
  }
  std::vector<double> ttft, tpot, e2el;
  double tokens = 0;
  for (const auto& r : reqs) {
    ttft.push_back(1e3 * (r.first - r.arrival));
    e2el.push_back(1e3 * (r.last - r.arrival));
    if (r.tokens > 1) tpot.push_back(1e3 * (r.last - r.first) / (r.tokens - 1));
    tokens += static_cast<double>(r.in + r.tokens);
  }
  search::Observation o;
  const double median_tpot = Percentile(tpot, 0.5);
  o.x = median_tpot > 0 ? 1000.0 / median_tpot : 0;
  o.y = tokens / now / cfg.gpus();
  o.metrics = {{"median_ttft_ms", Percentile(ttft, 0.5)},
               {"p99_ttft_ms", Percentile(ttft, 0.99)},
               {"median_tpot_ms", median_tpot},
               {"p99_tpot_ms", Percentile(tpot, 0.99)},
               {"median_e2el_ms", Percentile(e2el, 0.5)},
               {"p99_e2el_ms", Percentile(e2el, 0.99)},
               {"tput_per_gpu_total", o.y},
               {"interactivity_tok_s_user", o.x}};
  return o;
}

struct Bench {
  sweep::Matrix m;
  double noise = 0;
  std::map<PointId, std::optional<search::Observation>> cache;
  std::optional<search::Observation> Measure(int c, int w, int conc) {
    auto it = cache.find({c, w, conc});
    if (it != cache.end()) return it->second;
    return cache[{c, w, conc}] = Simulate(m, c, w, conc, noise);
  }
  std::string Scenario(int c, int w) const {
    return fmt::format("{} {}/{}", m.configs[c].model, m.workloads[w].isl,
                       m.workloads[w].osl);
  }
};

// Hypervolume and points per scenario of a set of measured points.
struct Tally {
  std::map<std::string, std::vector<search::HvPoint>> pts;
  std::map<std::string, int> count;
};

Tally TallyOf(Bench& b, const std::set<PointId>& measured) {
  Tally t;
  for (auto [c, w, conc] : measured) {
    const std::string s = b.Scenario(c, w);
    ++t.count[s];
    if (auto o = b.Measure(c, w, conc)) t.pts[s].push_back({o->x, o->y});
  }
  return t;
}

// The old `--plan` (grid-cull): planner cut, coarse levels, gap refinement.
std::set<PointId> GridCull(Bench& b, int budget) {
  sweep::PlanSweepOptions o;
  o.budget_points = budget;
  const auto init = sweep::PlanInitialPoints(b.m, o);
  std::set<PointId> done;
  std::set<std::tuple<int, int, int>> attempted;
  for (const auto& p : init.points) {
    done.insert({p.config_index, p.workload_index, p.concurrency});
    attempted.insert({p.config_index, p.workload_index, p.concurrency});
  }
  int used = static_cast<int>(done.size());
  std::set<int> dropped;
  for (int round = 0; round < o.max_rounds && used < budget; ++round) {
    std::vector<sweep::MeasuredPoint> measured;
    for (auto [c, w, conc] : done) {
      if (auto obs = b.Measure(c, w, conc)) {
        measured.push_back({c, w, conc, obs->x, obs->y});
      }
    }
    std::vector<std::string> notes;
    const int per_round =
        std::max(1, (budget - used) / std::max(1, o.max_rounds - round));
    auto more = sweep::RefinePoints(b.m, measured, attempted, per_round, o,
                                    &dropped, &notes);
    if (more.empty()) break;
    for (const auto& p : more) {
      done.insert({p.config_index, p.workload_index, p.concurrency});
      attempted.insert({p.config_index, p.workload_index, p.concurrency});
    }
    used += static_cast<int>(more.size());
  }
  return done;
}

std::set<PointId> Adaptive(Bench& b, int budget, double share,
                           std::vector<std::string>* notes) {
  const auto curves = sweep::BuildSearchCurves(b.m);
  search::SearchOptions so;
  so.budget_points = budget;
  so.scenario_share = share;
  search::FrontierSearch fs(curves.curves, so);
  std::set<PointId> done;
  for (auto next = fs.Next(4); !next.empty(); next = fs.Next(4)) {
    for (const auto& cand : next) {
      const auto [c, w] = curves.keys[cand.curve];
      done.insert({c, w, cand.concurrency});
      fs.Observe(cand.curve, cand.concurrency,
                 b.Measure(c, w, cand.concurrency));
    }
  }
  *notes = fs.Notes();
  return done;
}

// Highest grid level passing the SLA below the lowest failing one.
std::optional<int> GridBoundary(Bench& b, int c, int w,
                                const std::vector<int>& levels,
                                const std::vector<search::SlaConstraint>& sla) {
  std::optional<int> best;
  for (int conc : levels) {
    auto o = b.Measure(c, w, conc);
    if (!o || search::SlaMargin(o->metrics, sla) > 0) break;
    best = conc;
  }
  return best;
}

int IndexOf(const std::vector<int>& levels, std::optional<int> v) {
  if (!v) return -1;
  return static_cast<int>(std::lower_bound(levels.begin(), levels.end(), *v) -
                          levels.begin());
}

void SlaTable(Bench& b, const std::string& sla_text) {
  auto sla = search::ParseSla(sla_text).value();
  const auto curves = sweep::BuildSearchCurves(b.m);
  const int grid = static_cast<int>(sweep::ExpandPoints(b.m).size());
  search::SlaSearch ss(curves.curves, sla, std::max(1, grid / 3));
  for (auto next = ss.Next(); !next.empty(); next = ss.Next()) {
    for (auto [curve, conc] : next) {
      const auto [c, w] = curves.keys[curve];
      auto o = b.Measure(c, w, conc);
      if (std::getenv("INFX_BENCH_VERBOSE") && o) {
        auto p = curves.curves[curve].predict(conc);
        std::printf(
            "    probe %s c=%d p99_ttft %.0f (pred median %.0f) "
            "median_tpot %.1f (pred %.1f)\n",
            b.m.configs[c].Key().c_str(), conc, o->metrics["p99_ttft_ms"],
            p ? p->metrics["median_ttft_ms"] : 0, o->metrics["median_tpot_ms"],
            p ? p->metrics["median_tpot_ms"] : 0);
      }
      ss.Observe(curve, conc, o);
    }
  }
  std::printf("  SLA %s: %d of %d grid points measured\n", sla_text.c_str(),
              ss.points_used(), grid);
  int within = 0, within_interp = 0;
  for (size_t i = 0; i < curves.keys.size(); ++i) {
    const auto [c, w] = curves.keys[i];
    const auto& levels = curves.curves[i].levels;
    const auto g = GridBoundary(b, c, w, levels, sla);
    const auto r = ss.Result(static_cast<int>(i));
    const bool ok =
        std::abs(IndexOf(levels, g) - IndexOf(levels, r.best_concurrency)) <= 1;
    const bool ok_interp =
        std::abs(IndexOf(levels, g) - IndexOf(levels, r.boundary_level)) <= 1;
    within += ok;
    within_interp += ok_interp;
    auto str = [](std::optional<int> v) {
      return v ? std::to_string(*v) : std::string("-");
    };
    std::printf(
        "    %-44s %-12s grid c=%-5s | measured pass c=%-5s %-6s | "
        "interpolated %6.1f -> c=%-5s %-6s | %d pts\n",
        b.m.configs[c].Key().c_str(), b.m.workloads[w].Label().c_str(),
        str(g).c_str(), str(r.best_concurrency).c_str(), ok ? "ok" : "MISSED",
        r.interpolated.value_or(0), str(r.boundary_level).c_str(),
        ok_interp ? "ok" : "MISSED", r.points);
  }
  if (auto best = ss.Best()) {
    const auto [c, w] = curves.keys[*best];
    const auto r = ss.Result(*best);
    std::printf("    best under SLA: %s at c=%d, %.0f tok/s/GPU\n",
                b.m.configs[c].Key().c_str(), *r.best_concurrency, r.best->y);
  }
  std::printf(
      "  SLA boundary within one grid step: measured pass %d of %zu configs, "
      "interpolated %d of %zu\n",
      within, curves.keys.size(), within_interp, curves.keys.size());
}

// The full grid's frontier per scenario: each point's exclusive share of
// the hypervolume, and the best share reachable with k points (greedy).
void Dump(Bench& b, const std::set<PointId>& grid) {
  std::map<std::string, std::vector<std::pair<PointId, search::HvPoint>>> by;
  for (auto id : grid) {
    auto [c, w, conc] = id;
    if (auto o = b.Measure(c, w, conc)) {
      by[b.Scenario(c, w)].push_back({id, {o->x, o->y}});
    }
  }
  for (const auto& [s, pts] : by) {
    std::vector<search::HvPoint> all;
    for (const auto& p : pts) all.push_back(p.second);
    const double hv = search::Hypervolume(all);
    std::printf("    %s frontier:\n", s.c_str());
    for (size_t i = 0; i < pts.size(); ++i) {
      std::vector<search::HvPoint> rest;
      for (size_t j = 0; j < pts.size(); ++j) {
        if (j != i) rest.push_back(pts[j].second);
      }
      const double share = 1 - search::Hypervolume(rest) / hv;
      if (share <= 0) continue;
      auto [c, w, conc] = pts[i].first;
      std::printf("      %-40s c=%-5d x=%8.1f y=%8.1f exclusive %.2f%%\n",
                  b.m.configs[c].Key().c_str(), conc, pts[i].second.x,
                  pts[i].second.y, 100 * share);
    }
    std::vector<search::HvPoint> chosen;
    std::string line;
    for (int k = 1; k <= 8; ++k) {
      double best = -1;
      search::HvPoint bp;
      for (const auto& p : all) {
        double g = search::HypervolumeImprovement(chosen, p);
        if (g > best) best = g, bp = p;
      }
      chosen.push_back(bp);
      line +=
          fmt::format(" {}:{:.1f}%", k, 100 * search::Hypervolume(chosen) / hv);
    }
    std::printf("      greedy best-of-k:%s\n", line.c_str());
  }
}

// The most hypervolume any k grid points reach, as a share of the full
// grid's: exhaustive over the full frontier's points (any subset is
// dominated by one of those); nullopt when there are too many subsets.
std::optional<double> BestOfK(const std::vector<search::HvPoint>& all, int k) {
  std::vector<search::HvPoint> front;
  for (const auto& p : all) {
    bool dominated = false;
    for (const auto& q : all) {
      dominated =
          dominated || (q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y));
    }
    if (!dominated) front.push_back(p);
  }
  const int n = static_cast<int>(front.size());
  if (k >= n) return 1.0;
  double subsets = 1;
  for (int i = 0; i < k; ++i) subsets = subsets * (n - i) / (i + 1);
  if (subsets > 2e6) return std::nullopt;
  std::vector<int> pick(k);
  for (int i = 0; i < k; ++i) pick[i] = i;
  double best = 0;
  std::vector<search::HvPoint> chosen(k);
  while (true) {
    for (int i = 0; i < k; ++i) chosen[i] = front[pick[i]];
    best = std::max(best, search::Hypervolume(chosen));
    int i = k - 1;
    while (i >= 0 && pick[i] == n - k + i) --i;
    if (i < 0) break;
    ++pick[i];
    for (int j = i + 1; j < k; ++j) pick[j] = pick[j - 1] + 1;
  }
  return best / search::Hypervolume(all);
}

void RunMatrix(const std::string& path, const std::string& sla, double noise,
               double share) {
  auto loaded = sweep::LoadMatrixFile(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 loaded.status().message().c_str());
    return;
  }
  Bench b{std::move(loaded).value(), noise, {}};
  std::set<PointId> grid;
  for (const auto& p : sweep::ExpandPoints(b.m)) {
    grid.insert({p.config_index, p.workload_index, p.concurrency});
  }
  const int n = static_cast<int>(grid.size());
  const Tally full = TallyOf(b, grid);
  const Tally cull25 = TallyOf(b, GridCull(b, n / 4));
  const Tally cull50 = TallyOf(b, GridCull(b, n / 2));
  std::vector<std::string> notes;
  const Tally adaptive = TallyOf(b, Adaptive(b, n / 4, share, &notes));
  std::printf("\n%s: %d grid points, emulator noise %.3f\n", path.c_str(), n,
              noise);
  std::printf("  %-28s %5s | %-16s | %-16s | %-22s | %s\n", "model workload",
              "grid", "grid-cull 25%", "grid-cull 50%", "adaptive (share)",
              "best k grid pts");
  auto cell = [&](const Tally& t, const std::string& s) {
    const double hv = search::Hypervolume(full.pts.at(s));
    const auto it = t.pts.find(s);
    const double got = it == t.pts.end() ? 0 : search::Hypervolume(it->second);
    const int pts = t.count.count(s) ? t.count.at(s) : 0;
    return std::make_pair(pts, hv > 0 ? 100 * got / hv : 0.0);
  };
  for (const auto& [s, count] : full.count) {
    const auto c25 = cell(cull25, s), c50 = cell(cull50, s),
               ad = cell(adaptive, s);
    std::printf(
        "  %-28s %5d | %3d pts %6.2f%% | %3d pts %6.2f%% | %3d pts (%4.1f%%) "
        "%6.2f%% | %s\n",
        s.c_str(), count, c25.first, c25.second, c50.first, c50.second,
        ad.first, 100.0 * ad.first / count, ad.second,
        [&] {
          auto o = BestOfK(full.pts.at(s), ad.first);
          return o ? fmt::format("{:6.2f}%", 100 * *o) : std::string("-");
        }()
            .c_str());
  }
  for (const auto& line : notes) std::printf("    %s\n", line.c_str());
  if (std::getenv("INFX_BENCH_VERBOSE")) Dump(b, grid);
  SlaTable(b, sla);
}

}  // namespace

int main(int argc, char** argv) {
  double noise = 0.02, share = 0.25;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--noise" && i + 1 < argc) {
      noise = std::stod(argv[++i]);
    } else if (a == "--share" && i + 1 < argc) {
      share = std::stod(argv[++i]);
    } else {
      args.push_back(a);
    }
  }
  // PATH or PATH::SLA; the SLAs default to ones whose boundaries fall
  // inside the grids of the example matrices.
  if (args.empty()) {
    const std::string dir = INFX_SOURCE_DIR "/examples/";
    args = {dir + "quickstart.yaml::p99_ttft_ms<=250,median_tpot_ms<=30",
            dir + "search-dense.yaml::p99_ttft_ms<=2000,median_tpot_ms<=40",
            dir + "search-moe.yaml::p99_ttft_ms<=3000,median_tpot_ms<=60"};
  }
  for (const auto& a : args) {
    const size_t sep = a.find("::");
    RunMatrix(
        a.substr(0, sep),
        sep == std::string::npos ? "median_tpot_ms<=40" : a.substr(sep + 2),
        noise, share);
  }
  return 0;
}
