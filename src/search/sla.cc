#include "search/sla.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace infx::search {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::vector<SlaConstraint>> ParseSla(std::string_view text) {
  std::vector<SlaConstraint> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view term = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? "" : text.substr(comma + 1);
    if (term.empty()) continue;
    size_t op = term.find("<=");
    const bool at_most = op != std::string_view::npos;
    if (!at_most) op = term.find(">=");
    if (op == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format(
          "--sla term '{}': expected METRIC<=VALUE or METRIC>=VALUE", term));
    }
    SlaConstraint c;
    c.metric = std::string(Trim(term.substr(0, op)));
    c.at_most = at_most;
    const std::string value(Trim(term.substr(op + 2)));
    char* end = nullptr;
    c.bound = std::strtod(value.c_str(), &end);
    if (c.metric.empty() || value.empty() ||
        end != value.c_str() + value.size() || !std::isfinite(c.bound) ||
        c.bound <= 0) {
      return Status::InvalidArgument(fmt::format(
          "--sla term '{}': needs a metric name and a positive number", term));
    }
    out.push_back(c);
  }
  if (out.empty()) return Status::InvalidArgument("--sla: no constraint given");
  return out;
}

std::string FormatSla(const std::vector<SlaConstraint>& sla) {
  std::string out;
  for (const auto& c : sla) {
    if (!out.empty()) out += ",";
    out += fmt::format("{}{}{:g}", c.metric, c.at_most ? "<=" : ">=", c.bound);
  }
  return out;
}

double SlaMargin(const std::map<std::string, double>& metrics,
                 const std::vector<SlaConstraint>& sla, std::string* missing) {
  double worst = -kInf;
  for (const auto& c : sla) {
    auto it = metrics.find(c.metric);
    if (it == metrics.end() || !std::isfinite(it->second)) {
      if (missing) *missing = c.metric;
      return kInf;
    }
    const double v = std::max(it->second, 1e-12);
    const double m = c.at_most ? std::log(v / c.bound) : std::log(c.bound / v);
    worst = std::max(worst, m);
  }
  return worst;
}

std::optional<double> PredictedMetric(const Observation& p,
                                      const std::string& metric) {
  if (auto it = p.metrics.find(metric); it != p.metrics.end()) {
    return it->second;
  }
  for (const char* kind : {"ttft", "tpot", "itl", "e2el"}) {
    if (metric.find(kind) == std::string::npos) continue;
    for (const auto& [name, value] : p.metrics) {
      if (name.find(kind) != std::string::npos) return value;
    }
  }
  return std::nullopt;
}

SlaSearch::SlaSearch(std::vector<CurveInput> curves,
                     std::vector<SlaConstraint> sla, int budget_points,
                     int max_points_per_curve, SaturationOptions saturation)
    : sla_(std::move(sla)),
      budget_(budget_points),
      per_curve_(max_points_per_curve),
      saturation_(saturation) {
  for (auto& c : curves) {
    Curve cv{std::move(c), {}, false, false, {}};
    std::sort(cv.in.levels.begin(), cv.in.levels.end());
    curves_.push_back(std::move(cv));
  }
}

double SlaSearch::Margin(const std::optional<Observation>& o) const {
  if (!o) return kInf;  // a failed point misses every SLA
  auto metrics = o->metrics;
  metrics.emplace("interactivity_tok_s_user", o->x);
  metrics.emplace("tput_per_gpu_total", o->y);
  return SlaMargin(metrics, sla_);
}

std::optional<int> SlaSearch::Probe(int ci) const {
  const Curve& c = curves_[ci];
  const auto& lv = c.in.levels;
  if (lv.empty()) return std::nullopt;
  std::optional<int> hi, lo;  // lowest failing, highest passing below it
  for (const auto& [k, o] : c.measured) {
    if (Margin(o) > 0 && (!hi || k < *hi)) hi = k;
  }
  for (const auto& [k, o] : c.measured) {
    if (Margin(o) <= 0 && (!hi || k < *hi) && (!lo || k > *lo)) lo = k;
  }
  std::vector<int> inside;
  for (int l : lv) {
    if ((!lo || l > *lo) && (!hi || l < *hi) && !c.measured.count(l)) {
      inside.push_back(l);
    }
  }
  if (inside.empty()) return std::nullopt;
  if (lo && hi && std::isfinite(Margin(c.measured.at(*hi)))) {
    // Interpolate the crossing between the bracket's ends.
    const double m_lo = Margin(c.measured.at(*lo));
    const double m_hi = Margin(c.measured.at(*hi));
    const double t = (0 - m_lo) / std::max(1e-12, m_hi - m_lo);
    const double lc = std::log(*lo) +
                      std::clamp(t, 0.0, 1.0) * (std::log(*hi) - std::log(*lo));
    return *std::min_element(inside.begin(), inside.end(), [&](int a, int b) {
      return std::abs(std::log(a) - lc) < std::abs(std::log(b) - lc);
    });
  }
  if (lo && hi) return inside[inside.size() / 2];
  // Open bracket: jump to the highest level estimated to pass.
  std::optional<int> pick;
  bool estimated = false;
  for (int l : inside) {
    auto m = EstimatedMargin(ci, l);
    estimated = estimated || m.has_value();
    if (m && *m <= 0) pick = l;
  }
  if (pick) return pick;
  if (!estimated) return inside[inside.size() / 2];
  return inside.front();  // nothing estimated to pass: the lowest level
}

std::optional<double> SlaSearch::EstimatedMargin(int ci, int level) const {
  const Curve& c = curves_[ci];
  std::optional<Observation> pred_l;
  if (c.in.predict) pred_l = c.in.predict(level);
  double worst = -kInf;
  bool known = false;
  for (const auto& k : sla_) {
    // Measured values of this metric, nearest `level` first (log distance).
    std::vector<std::pair<int, double>> seen;
    for (const auto& [at, o] : c.measured) {
      if (!o) continue;
      auto metrics = o->metrics;
      metrics.emplace("interactivity_tok_s_user", o->x);
      metrics.emplace("tput_per_gpu_total", o->y);
      auto it = metrics.find(k.metric);
      if (it != metrics.end() && it->second > 0)
        seen.push_back({at, it->second});
    }
    std::sort(seen.begin(), seen.end(), [&](const auto& a, const auto& b) {
      return std::abs(std::log(double(a.first) / level)) <
             std::abs(std::log(double(b.first) / level));
    });
    std::optional<double> v;
    if (seen.size() >= 2 && seen[0].first != seen[1].first) {
      // Secant in log-log space through the two nearest measurements.
      const double slope = std::log(seen[1].second / seen[0].second) /
                           std::log(double(seen[1].first) / seen[0].first);
      v = seen[0].second *
          std::exp(slope * std::log(double(level) / seen[0].first));
    } else if (pred_l) {
      auto p = PredictedMetric(*pred_l, k.metric);
      if (p && !seen.empty() && c.in.predict) {
        // The prediction scaled by the residual of the one measurement.
        auto pm = c.in.predict(seen[0].first);
        auto p0 = pm ? PredictedMetric(*pm, k.metric) : std::nullopt;
        if (p0 && *p0 > 0) v = *p * seen[0].second / *p0;
      } else if (p) {
        v = p;
      }
    }
    if (!v || !(*v > 0) || !std::isfinite(*v)) continue;
    known = true;
    worst = std::max(
        worst, k.at_most ? std::log(*v / k.bound) : std::log(k.bound / *v));
  }
  if (!known) return std::nullopt;
  return worst;
}

std::vector<std::pair<int, int>> SlaSearch::Next() {
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < curves_.size(); ++i) {
    Curve& c = curves_[i];
    if (c.done) continue;
    if (used_ + static_cast<int>(out.size()) >= budget_) break;
    if (per_curve_ > 0 && static_cast<int>(c.measured.size()) >= per_curve_) {
      c.done = true;
      c.note = fmt::format("point limit ({}) reached", per_curve_);
      continue;
    }
    auto p = Probe(static_cast<int>(i));
    if (!p) {
      c.done = true;
      if (c.note.empty()) c.note = "bracketed to adjacent grid levels";
      continue;
    }
    out.push_back({static_cast<int>(i), *p});
  }
  return out;
}

void SlaSearch::Observe(int curve, int conc, std::optional<Observation> obs) {
  Curve& c = curves_[curve];
  ++used_;
  c.measured[conc] = obs;
  std::vector<LoadPoint> series;
  for (const auto& [k, o] : c.measured) {
    if (o && o->x > 0) series.push_back({double(k), o->y, 1000.0 / o->x});
  }
  if (auto s = DetectSaturation(series, saturation_); s && Margin(obs) <= 0) {
    // Raising the load further only adds latency.
    c.done = c.saturated = true;
    c.note = fmt::format("saturated from c={:g}", s->load);
  }
}

SlaCurveResult SlaSearch::Result(int curve) const {
  const Curve& c = curves_[curve];
  SlaCurveResult r;
  r.saturated = c.saturated;
  r.note = c.note;
  r.points = static_cast<int>(c.measured.size());
  std::optional<int> hi;
  for (const auto& [k, o] : c.measured) {
    if (Margin(o) > 0 && (!hi || k < *hi)) hi = k;
  }
  for (const auto& [k, o] : c.measured) {
    if (Margin(o) <= 0 && (!hi || k < *hi)) r.best_concurrency = k, r.best = o;
  }
  if (r.best_concurrency && hi) {
    const double m_lo = Margin(c.measured.at(*r.best_concurrency));
    const double m_hi = Margin(c.measured.at(*hi));
    if (std::isfinite(m_hi) && m_hi > m_lo) {
      const double t = -m_lo / (m_hi - m_lo);
      r.interpolated =
          std::exp(std::log(*r.best_concurrency) +
                   t * (std::log(*hi) - std::log(*r.best_concurrency)));
    }
  }
  r.boundary_level = r.best_concurrency;
  if (r.interpolated) {
    for (int l : c.in.levels) {
      if (l <= *r.interpolated + 1e-9 && l < *hi && l > *r.boundary_level) {
        r.boundary_level = l;
      }
    }
  }
  int missing = 0;  // failed (or invalid) points
  for (const auto& [k, o] : c.measured) missing += !o;
  const std::string none =
      missing > 0 ? fmt::format(
                        "no level meets the SLA ({} failed or invalid "
                        "point(s) count as misses)",
                        missing)
                  : std::string("no level meets the SLA");
  if (!r.best_concurrency && r.note.empty()) r.note = none;
  if (!r.best_concurrency && !c.measured.empty() &&
      r.note.rfind("bracketed", 0) == 0) {
    r.note = none;
  }
  return r;
}

std::optional<int> SlaSearch::Best() const {
  std::optional<int> best;
  double best_y = 0;
  for (size_t i = 0; i < curves_.size(); ++i) {
    const auto r = Result(static_cast<int>(i));
    if (r.best && r.best->y > best_y) {
      best_y = r.best->y;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace infx::search
