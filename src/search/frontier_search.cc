#include "search/frontier_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace infx::search {
namespace {

// Gauss-Hermite nodes and weights for a standard normal (5 points).
constexpr double kNodes[5] = {-2.8569700139, -1.3556261800, 0.0, 1.3556261800,
                              2.8569700139};
constexpr double kWeights[5] = {0.0112574113, 0.2220759220, 0.5333333333,
                                0.2220759220, 0.0112574113};
// Gain of a curve that cannot be predicted and has not been measured at one
// of its anchor levels (ends and middle): measured first.
constexpr double kMustMeasure = 1e300;

HvPoint Scaled(HvPoint p, double log_factor) {
  const double f = std::exp(log_factor);
  return {p.x * f, p.y * f};
}

bool OnFront(const std::vector<HvPoint>& front, HvPoint p) {
  for (const auto& q : front) {
    if (q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)) return false;
  }
  return true;
}

}  // namespace

FrontierSearch::FrontierSearch(std::vector<CurveInput> curves,
                               SearchOptions options)
    : o_(options) {
  for (auto& c : curves) {
    Curve cv{std::move(c), CurveSurrogate(o_.surrogate), {}, {}};
    std::sort(cv.in.levels.begin(), cv.in.levels.end());
    curves_.push_back(std::move(cv));
  }
  UpdateDrops();
}

std::optional<Observation> FrontierSearch::Predict(int curve, int conc) const {
  Curve& c = curves_[curve];
  auto it = c.prediction_cache.find(conc);
  if (it != c.prediction_cache.end()) return it->second;
  std::optional<Observation> p;
  if (c.in.predict) p = c.in.predict(conc);
  if (p && !(p->x > 0 && p->y > 0)) p.reset();
  c.prediction_cache[conc] = p;
  return p;
}

Residual FrontierSearch::Prior(const std::string& scenario) const {
  Residual sum;
  int n = 0;
  for (const auto& c : curves_) {
    if (c.in.scenario != scenario) continue;
    for (const auto& [conc, r] : c.surrogate.residuals()) {
      sum.log_x += r.log_x;
      sum.log_y += r.log_y;
      ++n;
    }
  }
  if (n > 0) sum.log_x /= n, sum.log_y /= n;
  return sum;
}

std::optional<std::pair<HvPoint, double>> FrontierSearch::Estimate(
    int curve, int conc) const {
  const Curve& c = curves_[curve];
  if (auto m = c.measured.find(conc); m != c.measured.end()) {
    if (!m->second) return std::nullopt;
    return std::make_pair(HvPoint{m->second->x, m->second->y}, 0.0);
  }
  const auto est = c.surrogate.At(conc, Prior(c.in.scenario));
  if (auto p = Predict(curve, conc)) {
    return std::make_pair(HvPoint{p->x * std::exp(est.mean.log_x),
                                  p->y * std::exp(est.mean.log_y)},
                          est.sigma);
  }
  // Not predictable: interpolate the measured points in log-log space.
  std::vector<std::pair<double, HvPoint>> pts;
  for (const auto& [k, obs] : c.measured) {
    if (obs) pts.push_back({std::log2(k), {obs->x, obs->y}});
  }
  if (pts.empty()) return std::nullopt;
  const double lc = std::log2(conc);
  HvPoint out = pts.front().second;
  if (lc >= pts.back().first) out = pts.back().second;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    if (lc >= pts[i].first && lc <= pts[i + 1].first) {
      const double t = (lc - pts[i].first) / (pts[i + 1].first - pts[i].first);
      auto mix = [t](double a, double b) {
        return std::exp(std::log(a) + t * (std::log(b) - std::log(a)));
      };
      out = {mix(pts[i].second.x, pts[i + 1].second.x),
             mix(pts[i].second.y, pts[i + 1].second.y)};
    }
  }
  return std::make_pair(out, o_.surrogate.prior_sigma);
}

std::vector<HvPoint> FrontierSearch::Front(const std::string& scenario) const {
  std::vector<HvPoint> out;
  for (const auto& c : curves_) {
    if (c.in.scenario != scenario) continue;
    for (const auto& [conc, obs] : c.measured) {
      if (obs) out.push_back({obs->x, obs->y});
    }
  }
  return out;
}

std::vector<int> FrontierSearch::Levels(int curve) const {
  const Curve& c = curves_[curve];
  const auto sat = saturated_.find(curve);
  const double cap = sat == saturated_.end() ? 1e18 : sat->second;
  const auto front = Front(c.in.scenario);
  auto on_front = [&](int level) {
    auto m = c.measured.find(level);
    return m != c.measured.end() && m->second &&
           OnFront(front, {m->second->x, m->second->y});
  };
  std::set<int> out;
  const auto& lv = c.in.levels;
  for (size_t i = 0; i < lv.size(); ++i) {
    if (lv[i] <= cap) out.insert(lv[i]);
    if (!o_.between_levels || i + 1 >= lv.size()) continue;
    const int mid = static_cast<int>(
        std::lround(std::sqrt(static_cast<double>(lv[i]) * lv[i + 1])));
    if (mid > lv[i] && mid < lv[i + 1] && mid <= cap &&
        (on_front(lv[i]) || on_front(lv[i + 1]))) {
      out.insert(mid);
    }
  }
  std::vector<int> v;
  for (int l : out) {
    if (!c.measured.count(l)) v.push_back(l);
  }
  return v;
}

Candidate FrontierSearch::Score(int curve, int conc,
                                const std::vector<HvPoint>& front) const {
  Candidate cand{curve, conc, 0, 0};
  const auto est = Estimate(curve, conc);
  if (!est) {
    const auto& lv = curves_[curve].in.levels;
    const bool anchor =
        !lv.empty() &&
        (conc == lv.front() || conc == lv.back() || conc == lv[lv.size() / 2]);
    if (anchor && !Predict(curve, conc)) {
      cand.expected_gain = cand.optimistic_gain = kMustMeasure;
    }
    return cand;
  }
  const auto [mean, sigma] = *est;
  for (int i = 0; i < 5; ++i) {
    cand.expected_gain +=
        kWeights[i] *
        HypervolumeImprovement(front, Scaled(mean, sigma * kNodes[i]));
  }
  cand.optimistic_gain =
      HypervolumeImprovement(front, Scaled(mean, sigma * o_.optimism_sigmas));
  return cand;
}

double FrontierSearch::PredictedGridHv(const std::string& scenario) const {
  std::vector<HvPoint> pts;
  for (size_t i = 0; i < curves_.size(); ++i) {
    if (curves_[i].in.scenario != scenario) continue;
    for (int level : curves_[i].in.levels) {
      if (auto e = Estimate(static_cast<int>(i), level)) {
        pts.push_back(e->first);
      }
    }
  }
  return Hypervolume(pts);
}

std::vector<Candidate> FrontierSearch::Candidates(int curve) const {
  const auto front = Front(curves_[curve].in.scenario);
  std::vector<Candidate> out;
  for (int level : Levels(curve)) out.push_back(Score(curve, level, front));
  return out;
}

std::vector<Candidate> FrontierSearch::Next(int max_points) {
  std::vector<Candidate> picks;
  const int room = std::min(max_points, o_.budget_points - points_used_);
  if (room <= 0) {
    stop_reason_ = fmt::format("budget spent ({} points)", points_used_);
    return picks;
  }
  std::map<std::string, std::vector<HvPoint>> fronts;
  std::map<std::string, double> scale;  // predicted full-grid hypervolume
  for (const auto& c : curves_) {
    if (fronts.count(c.in.scenario)) continue;
    fronts[c.in.scenario] = Front(c.in.scenario);
    scale[c.in.scenario] = std::max(1e-12, PredictedGridHv(c.in.scenario));
  }
  std::set<std::pair<int, int>> taken;
  std::map<std::string, int> room_of;  // scenario -> points it may still get
  if (o_.scenario_share > 0) {
    for (const auto& r : Report()) {
      room_of[r.scenario] = std::max(
          0, static_cast<int>(r.grid_points * o_.scenario_share + 1e-9) -
                 r.points);
    }
  }
  double best_rel = 0;
  bool capped = false;
  while (static_cast<int>(picks.size()) < room) {
    std::optional<Candidate> best;
    best_rel = 0;
    for (size_t i = 0; i < curves_.size(); ++i) {
      if (dropped_.count(static_cast<int>(i))) continue;
      const std::string& s = curves_[i].in.scenario;
      if (o_.scenario_share > 0 && room_of[s] <= 0) {
        capped = true;
        continue;
      }
      for (int level : Levels(static_cast<int>(i))) {
        if (taken.count({static_cast<int>(i), level})) continue;
        const Candidate c = Score(static_cast<int>(i), level, fronts[s]);
        const double rel = c.expected_gain / scale[s];
        if (rel > best_rel) best_rel = rel, best = c;
      }
    }
    if (!best || best_rel < o_.gain_threshold) break;
    picks.push_back(*best);
    --room_of[curves_[best->curve].in.scenario];
    taken.insert({best->curve, best->concurrency});
    // Believe the pick's mean until it is measured: the batch spreads.
    if (auto e = Estimate(best->curve, best->concurrency)) {
      fronts[curves_[best->curve].in.scenario].push_back(e->first);
    }
  }
  if (picks.empty() && capped && best_rel < o_.gain_threshold) {
    stop_reason_ = fmt::format(
        "budget spent: {} points, every scenario at its {:.0f}% share or "
        "below the gain threshold",
        points_used_, o_.scenario_share * 100);
  } else if (picks.empty()) {
    stop_reason_ = fmt::format(
        "expected gain below the threshold: best {:.3f}% of the predicted "
        "full-grid hypervolume < {:.3f}%",
        best_rel * 100, o_.gain_threshold * 100);
  }
  return picks;
}

void FrontierSearch::Observe(int curve, int conc,
                             std::optional<Observation> obs) {
  Curve& c = curves_[curve];
  ++points_used_;
  if (obs && !(obs->x > 0 && obs->y > 0)) obs.reset();
  c.measured[conc] = obs;
  if (obs) {
    if (auto p = Predict(curve, conc)) {
      c.surrogate.Add(conc, {std::log(obs->x / p->x), std::log(obs->y / p->y)});
    }
  }
  // Saturation: throughput flat while time per output token grows.
  if (!saturated_.count(curve)) {
    std::vector<LoadPoint> series;
    for (const auto& [k, o] : c.measured) {
      if (o) series.push_back({static_cast<double>(k), o->y, 1000.0 / o->x});
    }
    if (auto s = DetectSaturation(series, o_.saturation)) {
      saturated_[curve] = s->load;
    }
  }
  UpdateDrops();
}

void FrontierSearch::UpdateDrops() {
  for (size_t i = 0; i < curves_.size(); ++i) {
    const int ci = static_cast<int>(i);
    if (dropped_.count(ci)) continue;
    const auto front = Front(curves_[i].in.scenario);
    if (front.empty()) continue;
    const auto levels = Levels(ci);
    if (levels.empty()) continue;
    double best = 0;
    for (int level : levels) {
      best = std::max(best, Score(ci, level, front).optimistic_gain);
    }
    if (best > 0) continue;
    dropped_[ci] = fmt::format(
        "{}: optimistic curve (mean + {:.1f} sigma) stays under the measured "
        "frontier at every remaining concurrency ({}..{}) after {} point(s)",
        curves_[i].in.label, o_.optimism_sigmas, levels.front(), levels.back(),
        curves_[i].measured.size());
  }
}

std::vector<ScenarioReport> FrontierSearch::Report() const {
  std::vector<ScenarioReport> out;
  std::set<std::string> seen;
  for (const auto& c : curves_) {
    if (!seen.insert(c.in.scenario).second) continue;
    ScenarioReport r;
    r.scenario = c.in.scenario;
    r.measured_hv = Hypervolume(Front(c.in.scenario));
    r.predicted_grid_hv = PredictedGridHv(c.in.scenario);
    for (const auto& d : curves_) {
      if (d.in.scenario != c.in.scenario) continue;
      r.points += static_cast<int>(d.measured.size());
      r.grid_points += static_cast<int>(d.in.levels.size());
    }
    out.push_back(r);
  }
  return out;
}

std::vector<std::string> FrontierSearch::Notes() const {
  std::vector<std::string> out;
  for (const auto& [curve, why] : dropped_) out.push_back("dropped " + why);
  for (const auto& [curve, load] : saturated_) {
    out.push_back(fmt::format(
        "saturated {}: throughput/GPU flat within noise while latency grows "
        "from c={:g}; no higher load measured",
        curves_[curve].in.label, load));
  }
  for (const auto& r : Report()) {
    out.push_back(fmt::format(
        "{}: {} of {} grid points measured; hypervolume {:.4g} = {:.1f}% of "
        "the predicted full-grid {:.4g}",
        r.scenario, r.points, r.grid_points, r.measured_hv,
        r.predicted_grid_hv > 0 ? 100 * r.measured_hv / r.predicted_grid_hv
                                : 0.0,
        r.predicted_grid_hv));
  }
  if (!stop_reason_.empty()) out.push_back("stopped: " + stop_reason_);
  return out;
}

}  // namespace infx::search
