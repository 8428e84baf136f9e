#include "sweep/plan_sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "frontier/frontier.h"
#include "sweep/predict.h"

namespace infx::sweep {
namespace {

using Scenario = std::pair<std::string, int>;  // (model, workload index)

const std::vector<int>& ConfigLevels(const Matrix& m, int config) {
  return config < static_cast<int>(m.config_concurrencies.size()) &&
                 !m.config_concurrencies[config].empty()
             ? m.config_concurrencies[config]
             : m.concurrencies;
}

// Every other level, plus the last (levels ascending).
std::vector<int> Coarse(const std::vector<int>& levels, int stride) {
  std::vector<int> out;
  for (size_t i = 0; i < levels.size(); i += stride) out.push_back(levels[i]);
  if (!levels.empty() && out.back() != levels.back()) {
    out.push_back(levels.back());
  }
  return out;
}

// y / frontier(x). Below the frontier's lowest interactivity the frontier
// offers its slowest point's throughput (serving users faster than needed
// is allowed); beyond its highest, nothing: 1.
double Closeness(const frontier::MonotoneCurve& curve, double x, double y) {
  if (curve.empty() || x > curve.x_max()) return 1.0;
  auto f = curve.At(std::max(x, curve.x_min()));
  if (!f || *f <= 0) return 1.0;
  return y / *f;
}

std::vector<Point> PointsFor(const Matrix& m, int config, int workload,
                             const std::vector<int>& concs) {
  std::vector<Point> out;
  for (int c : concs) {
    for (int r = 0; r < m.repetitions; ++r) {
      out.push_back(Point{config, workload, c, r, m.prompts.For(c)});
    }
  }
  return out;
}

// Grid level of `config` strictly between lo and hi nearest their geometric
// mean, else the integer geometric mean when it is strictly between; 0 when
// nothing fits or it was attempted.
int Between(const Matrix& m, int config, int workload, int lo, int hi,
            const std::set<std::tuple<int, int, int>>& attempted) {
  if (lo > hi) std::swap(lo, hi);
  const double mid = std::sqrt(static_cast<double>(lo) * hi);
  int best = 0;
  for (int c : ConfigLevels(m, config)) {
    if (c <= lo || c >= hi || attempted.count({config, workload, c})) continue;
    if (!best || std::abs(std::log(c / mid)) < std::abs(std::log(best / mid))) {
      best = c;
    }
  }
  if (best) return best;
  const int g = static_cast<int>(std::lround(mid));
  if (g > lo && g < hi && !attempted.count({config, workload, g})) return g;
  return 0;
}

// The measured concurrency of `config` next to `conc` in direction `dir`
// (+1 higher, -1 lower), or the grid end beyond it when none was measured.
int Neighbour(const Matrix& m, const std::vector<MeasuredPoint>& pts,
              int config, int workload, int conc, int dir) {
  int best = 0;
  for (const auto& p : pts) {
    if (p.config_index != config || p.workload_index != workload) continue;
    if (dir > 0 && p.concurrency > conc && (!best || p.concurrency < best)) {
      best = p.concurrency;
    }
    if (dir < 0 && p.concurrency < conc && (!best || p.concurrency > best)) {
      best = p.concurrency;
    }
  }
  if (best) return best;
  const auto& levels = ConfigLevels(m, config);
  if (levels.empty()) return 0;
  return dir > 0 ? levels.back() + 1 : std::max(0, levels.front() - 1);
}

}  // namespace

InitialPlan PlanInitialPoints(const Matrix& m, const PlanSweepOptions& o) {
  InitialPlan plan;
  const int grid = static_cast<int>(ExpandPoints(m).size());
  const int budget =
      o.budget_points > 0 ? o.budget_points : std::max(1, grid / 2);
  // Predicted points per scenario, for the predicted frontier.
  std::map<Scenario, std::vector<frontier::CurvePoint>> predicted;
  std::map<std::pair<int, int>, std::vector<frontier::CurvePoint>> by_config;
  for (size_t c = 0; c < m.configs.size(); ++c) {
    for (size_t w = 0; w < m.workloads.size(); ++w) {
      for (int conc : ConfigLevels(m, static_cast<int>(c))) {
        auto sp = PredictPoint(m, static_cast<int>(c), m.workloads[w], conc);
        if (!sp.ok()) break;
        frontier::CurvePoint cp{sp->interactivity_tok_s_user,
                                sp->total_tok_s_per_gpu, m.configs[c].Key(),
                                static_cast<double>(conc), 0};
        predicted[{m.configs[c].model, static_cast<int>(w)}].push_back(cp);
        by_config[{static_cast<int>(c), static_cast<int>(w)}].push_back(cp);
      }
    }
  }
  std::map<Scenario, frontier::MonotoneCurve> curves;
  for (auto& [s, pts] : predicted) {
    curves[s] = frontier::MonotoneCurve::Fit(
        frontier::ParetoFrontier(pts, /*higher_x_better=*/true));
  }
  // Keep configs near the predicted frontier, at coarse levels.
  std::vector<std::pair<int, int>> kept;  // (config, workload)
  for (size_t c = 0; c < m.configs.size(); ++c) {
    for (size_t w = 0; w < m.workloads.size(); ++w) {
      auto it = by_config.find({static_cast<int>(c), static_cast<int>(w)});
      if (it == by_config.end()) {  // not predictable: keep
        kept.push_back({static_cast<int>(c), static_cast<int>(w)});
        continue;
      }
      const auto& curve = curves[{m.configs[c].model, static_cast<int>(w)}];
      double best = 0;
      for (const auto& p : it->second) {
        best = std::max(best, Closeness(curve, p.x, p.y));
      }
      if (best < 1.0 - o.predicted_margin) {
        plan.notes.push_back(fmt::format(
            "plan: {} {} left out: predicted at most {:.0f}% of the "
            "frontier",
            m.configs[c].Key(), m.workloads[w].Label(), best * 100));
        continue;
      }
      kept.push_back({static_cast<int>(c), static_cast<int>(w)});
    }
  }
  const int initial_budget =
      std::max(1, static_cast<int>(budget * o.initial_share));
  for (int stride = 2; stride <= 64; stride *= 2) {
    plan.points.clear();
    for (const auto& [c, w] : kept) {
      auto pts = PointsFor(m, c, w, Coarse(ConfigLevels(m, c), stride));
      plan.points.insert(plan.points.end(), pts.begin(), pts.end());
    }
    if (static_cast<int>(plan.points.size()) <= initial_budget) break;
  }
  if (static_cast<int>(plan.points.size()) > budget) {
    plan.notes.push_back(fmt::format(
        "plan: budget {} is below one point per kept config at its ends; "
        "measuring the first {}",
        budget, budget));
    plan.points.resize(budget);
  }
  return plan;
}

std::vector<Point> RefinePoints(
    const Matrix& m, const std::vector<MeasuredPoint>& measured,
    const std::set<std::tuple<int, int, int>>& attempted, int max_points,
    const PlanSweepOptions& o, std::set<int>* dropped,
    std::vector<std::string>* notes) {
  std::map<Scenario, std::vector<frontier::CurvePoint>> scen;
  for (const auto& p : measured) {
    if (dropped->count(p.config_index)) continue;
    scen[{m.configs[p.config_index].model, p.workload_index}].push_back(
        {p.interactivity, p.throughput, std::to_string(p.config_index),
         static_cast<double>(p.concurrency), 0});
  }
  // Candidate additions with the gap they resolve.
  std::vector<std::pair<double, Point>> candidates;
  for (auto& [s, pts] : scen) {
    auto front = frontier::ParetoFrontier(pts, true);
    auto curve = frontier::MonotoneCurve::Fit(front);
    // Drop configs whose every point is well below the frontier.
    std::map<int, double> best;
    for (const auto& p : pts) {
      const int c = std::stoi(p.config_key);
      best[c] = std::max(best[c], Closeness(curve, p.x, p.y));
    }
    for (const auto& [c, closeness] : best) {
      if (closeness < 1.0 - o.drop_margin) {
        dropped->insert(c);
        notes->push_back(fmt::format(
            "refine: dropped {}: measured at most {:.0f}% of the frontier",
            m.configs[c].Key(), closeness * 100));
      }
    }
    // Gaps between adjacent frontier points (x ascending).
    for (size_t i = 0; i + 1 < front.size(); ++i) {
      const auto& a = front[i];      // lower interactivity, higher load
      const auto& b = front[i + 1];  // higher interactivity, lower load
      const double gap = std::abs(std::log(b.x / a.x)) +
                         std::abs(std::log(a.y / std::max(1e-9, b.y)));
      if (gap < o.resolved_gap) continue;
      const int ca = std::stoi(a.config_key), cb = std::stoi(b.config_key);
      const int conc_a = static_cast<int>(a.concurrency);
      const int conc_b = static_cast<int>(b.concurrency);
      auto propose = [&](int c, int conc, int dir) {
        if (dropped->count(c)) return;
        const int other = c == ca && c == cb
                              ? (dir < 0 ? conc_b : conc_a)
                              : Neighbour(m, measured, c, s.second, conc, dir);
        const int add = Between(m, c, s.second, conc, other, attempted);
        if (add > 0) {
          candidates.push_back(
              {gap, Point{c, s.second, add, 0, m.prompts.For(add)}});
        }
      };
      propose(ca, conc_a, -1);  // a at lower load moves toward b
      if (cb != ca) propose(cb, conc_b, +1);
    }
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<Point> out;
  std::set<std::tuple<int, int, int>> taken;
  for (const auto& [gap, p] : candidates) {
    if (static_cast<int>(out.size()) >= max_points) break;
    if (!taken.insert({p.config_index, p.workload_index, p.concurrency})
             .second) {
      continue;
    }
    for (int r = 0; r < m.repetitions; ++r) {
      Point q = p;
      q.repetition = r;
      out.push_back(q);
    }
  }
  return out;
}

}  // namespace infx::sweep
