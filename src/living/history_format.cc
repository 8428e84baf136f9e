#include "living/history_format.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "chart/svg_chart.h"
#include "common/table.h"

namespace infx::living {
namespace {

nlohmann::json Number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string SuspectsText(const HistoryChangePoint& c) {
  std::string out;
  for (const auto& s : c.suspects) {
    out += (out.empty() ? "" : "; ") + FormatChange(s);
  }
  return out.empty() ? "no provenance change" : out;
}

std::string P(double p) {
  return p < 1e-4 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p);
}

}  // namespace

nlohmann::json HistoryJson(const History& h) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : h.points) {
    points.push_back({{"run", p.run_id},
                      {"started_at", p.started_at},
                      {"value", Number(p.value)},
                      {"repetitions", p.repetitions}});
  }
  nlohmann::json cps = nlohmann::json::array();
  for (const auto& c : h.change_points) {
    nlohmann::json suspects = nlohmann::json::array();
    for (const auto& s : c.suspects) {
      suspects.push_back({{"attribute", s.attribute},
                          {"before", s.before},
                          {"after", s.after},
                          {"text", FormatChange(s)}});
    }
    cps.push_back({{"run", c.run},
                   {"last_run_before", c.last_run_before},
                   {"before", Number(c.before)},
                   {"after", Number(c.after)},
                   {"change", Number(c.change)},
                   {"p_value", Number(c.p_value)},
                   {"alarm", !h.unstable},
                   {"suspects", suspects}});
  }
  return {{"series", h.series},     {"metric", h.metric},
          {"unstable", h.unstable}, {"noise", Number(h.noise)},
          {"runs", points},         {"change_points", cps}};
}

std::string FormatHistoryTable(const History& h) {
  std::map<size_t, const HistoryChangePoint*> at;
  for (const auto& c : h.change_points) at[c.index] = &c;
  std::string out = fmt::format(
      "{} {}: {} runs, noise {}{}\n", h.series, h.metric, h.points.size(),
      std::isfinite(h.noise) ? fmt::format("{:.2f}%", 100 * h.noise) : "-",
      h.unstable ? " (unstable: change points never alarm)" : "");
  Table t({"run", "started", "value", "reps", "change"});
  for (size_t i = 0; i < h.points.size(); ++i) {
    const auto& p = h.points[i];
    std::string change;
    if (auto it = at.find(i); it != at.end()) {
      const auto& c = *it->second;
      change = fmt::format("<- {:+.1f}% (median {:.2f} -> {:.2f}, p {}): {}",
                           100 * c.change, c.before, c.after, P(c.p_value),
                           SuspectsText(c));
    }
    t.AddRow({std::to_string(p.run_id), p.started_at, FormatFixed(p.value, 2),
              std::to_string(p.repetitions.size()), change});
  }
  out += t.ToString();
  out += fmt::format("{} change point(s)\n", h.change_points.size());
  return out;
}

std::string HistoryCsv(const History& h) {
  std::map<size_t, const HistoryChangePoint*> at;
  for (const auto& c : h.change_points) at[c.index] = &c;
  std::string out = "run,started_at,value,repetitions,change_point,change\n";
  for (size_t i = 0; i < h.points.size(); ++i) {
    const auto& p = h.points[i];
    auto it = at.find(i);
    out += fmt::format(
        "{},{},{},{},{},{}\n", p.run_id, p.started_at, p.value,
        p.repetitions.size(), it != at.end() ? 1 : 0,
        it != at.end() ? fmt::format("{}", it->second->change) : "");
  }
  return out;
}

std::string HistorySvg(const History& h) {
  chart::Chart c;
  c.title = fmt::format("{} — {}{}", h.series, h.metric,
                        h.unstable ? " (unstable)" : "");
  c.x.label = "run";
  c.y.label = h.metric;
  c.y.end_on_tick = true;
  chart::Series s;
  s.name = h.metric + " (median of repetitions)";
  for (const auto& p : h.points) {
    s.points.push_back(
        {static_cast<double>(p.run_id), p.value,
         fmt::format("run {} ({}): {:.3f}", p.run_id, p.started_at, p.value)});
  }
  c.series.push_back(std::move(s));
  for (const auto& cp : h.change_points) {
    c.x_guides.push_back(static_cast<double>(cp.run) - 0.5);
    chart::Series marker;
    marker.name =
        fmt::format("change at run {}: {:+.1f}%", cp.run, 100 * cp.change);
    marker.line_width = 0;
    marker.marker = chart::Marker::kRing;
    marker.marker_size = 6;
    marker.points.push_back({static_cast<double>(cp.run),
                             h.points[cp.index].value, SuspectsText(cp)});
    c.series.push_back(std::move(marker));
  }
  return chart::RenderSvg(c);
}

}  // namespace infx::living
