// RenderSvgChart (declared in frontier/format.h): a scenario as a
// chart::Chart, drawn by chart/svg_chart.h.
#include "chart/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "frontier/format.h"

namespace infx::frontier {
namespace {

// Measured points as dots joined by a line, each with its own tooltip.
chart::Series Measured(const ConfigCurve& c, const char* color,
                       bool failed_accuracy) {
  chart::Series s;
  const char* mark = failed_accuracy ? " (accuracy FAIL)" : "";
  s.name = c.config_key + mark;
  s.color = color;
  for (const CurvePoint& p : c.measured) {
    s.points.push_back(
        {p.x, p.y,
         fmt::format("{}{} conc {}: x {:.2f}, y {:.1f}", c.config_key, mark,
                     p.concurrency, p.x, p.y)});
  }
  return s;
}

// Planner predictions: hollow squares in the config's color, no legend row.
chart::Series Predicted(const ConfigCurve& c, const char* color) {
  chart::Series s;
  s.name = c.config_key;
  s.color = color;
  s.line_width = 0;
  s.marker = chart::Marker::kSquare;
  s.in_legend = false;
  for (const CurvePoint& p : c.predicted) {
    s.points.push_back(
        {p.x, p.y,
         fmt::format("predicted {} conc {}", c.config_key, p.concurrency)});
  }
  return s;
}

// The frontier: its monotone curve sampled as a thick black line (a ring
// when it is a single point), listed first and drawn over the configs.
chart::Series Frontier(const ScenarioFrontier& s) {
  chart::Series f;
  f.name = "Pareto frontier";
  f.color = "#000";
  f.layer = 1;
  if (s.frontier.size() == 1) {
    f.marker = chart::Marker::kRing;
    f.marker_size = 7;
    f.points.push_back({s.frontier[0].x, s.frontier[0].y, ""});
    return f;
  }
  f.line_width = 3;
  f.line_opacity = 0.75;
  f.marker = chart::Marker::kNone;
  constexpr int kSamples = 200;
  const double lo = s.curve.x_min(), hi = s.curve.x_max();
  for (int i = 0; i <= kSamples && !s.frontier.empty(); ++i) {
    const double x = lo + (hi - lo) * i / kSamples;
    if (auto y = s.curve.At(std::min(x, hi))) f.points.push_back({x, *y, ""});
  }
  return f;
}

}  // namespace

std::string RenderSvgChart(const ScenarioFrontier& scenario,
                           const AnalysisOptions& options,
                           const ChartOptions& chart_options) {
  chart::Chart c;
  c.title =
      chart_options.title.empty() ? scenario.Label() : chart_options.title;
  c.width_px = chart_options.width_px;
  c.height_px = chart_options.height_px;
  c.margins = {.left = 80, .right = 200, .top = 40, .bottom = 60};
  // Axes from 0 with headroom above the highest point, not rounded up.
  c.x = {.label = std::string(XMetricLabel(options.x)),
         .target_ticks = 8,
         .headroom = 1.08,
         .end_on_tick = false};
  c.y = {.label = std::string(YMetricLabel(options.y)),
         .target_ticks = 6,
         .headroom = 1.1,
         .end_on_tick = false};
  c.x_guides = options.iso_levels;
  c.series.push_back(Frontier(scenario));
  for (size_t i = 0; i < scenario.curves.size(); ++i) {
    const char* color = chart::PaletteColor(i);
    const auto& failed = chart_options.failed_accuracy_configs;
    const bool fails = std::find(failed.begin(), failed.end(),
                                 scenario.curves[i].config_key) != failed.end();
    c.series.push_back(Measured(scenario.curves[i], color, fails));
    if (chart_options.show_predicted) {
      c.series.push_back(Predicted(scenario.curves[i], color));
    }
  }
  return chart::RenderSvg(c);
}

}  // namespace infx::frontier
