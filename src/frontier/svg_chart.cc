// RenderSvgChart (declared in frontier/format.h): a dependency-free SVG.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/markup.h"
#include "frontier/format.h"

namespace infx::frontier {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                    "#bcbd22", "#17becf"};

// Tick step of 1, 2 or 5 times a power of ten giving about `target` ticks.
double NiceStep(double range, int target) {
  if (range <= 0) return 1;
  const double raw = range / target;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

std::string TickLabel(double v) {
  if (std::abs(v) >= 10000) return fmt::format("{:.0f}k", v / 1000);
  if (std::abs(v) >= 10 || v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

struct Frame {
  double left = 80, right = 200, top = 40, bottom = 60;  // margins, px
  double width = 0, height = 0;
  double x_max = 1, y_max = 1;
  double X(double x) const { return left + x / x_max * (width - left - right); }
  double Y(double y) const {
    return height - bottom - y / y_max * (height - top - bottom);
  }
};

Frame MakeFrame(const ScenarioFrontier& s, const ChartOptions& chart,
                bool with_predicted) {
  Frame f;
  f.width = chart.width_px;
  f.height = chart.height_px;
  double x_max = 0, y_max = 0;
  for (const auto& c : s.curves) {
    for (const auto& p : c.measured) {
      if (std::isfinite(p.x)) x_max = std::max(x_max, p.x);
      if (std::isfinite(p.y)) y_max = std::max(y_max, p.y);
    }
    if (!with_predicted) continue;
    for (const auto& p : c.predicted) {
      if (std::isfinite(p.x)) x_max = std::max(x_max, p.x);
      if (std::isfinite(p.y)) y_max = std::max(y_max, p.y);
    }
  }
  f.x_max = x_max > 0 ? x_max * 1.08 : 1;
  f.y_max = y_max > 0 ? y_max * 1.1 : 1;
  return f;
}

void DrawAxes(std::string& svg, const Frame& f, const AnalysisOptions& o) {
  const double x0 = f.X(0), x1 = f.X(f.x_max), y0 = f.Y(0), y1 = f.Y(f.y_max);
  svg += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
      "fill=\"none\" stroke=\"#444\"/>\n",
      x0, y1, x1 - x0, y0 - y1);
  const double xs = NiceStep(f.x_max, 8), ys = NiceStep(f.y_max, 6);
  for (double v = 0; v <= f.x_max + 1e-9; v += xs) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#eee\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
        "text-anchor=\"middle\" font-size=\"11\">{4}</text>\n",
        f.X(v), y0, y1, y0 + 16, TickLabel(v));
  }
  for (double v = 0; v <= f.y_max + 1e-9; v += ys) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" "
        "stroke=\"#eee\"/><text x=\"{3:.1f}\" y=\"{4:.1f}\" "
        "text-anchor=\"end\" font-size=\"11\">{5}</text>\n",
        x0, f.Y(v), x1, x0 - 6, f.Y(v) + 4, TickLabel(v));
  }
  svg += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "font-size=\"13\">{}</text>\n",
      (x0 + x1) / 2, f.height - 18, XmlEscape(std::string(XMetricLabel(o.x))));
  svg += fmt::format(
      "<text transform=\"translate(18,{:.1f}) rotate(-90)\" "
      "text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
      (y0 + y1) / 2, XmlEscape(std::string(YMetricLabel(o.y))));
}

void DrawIsoLines(std::string& svg, const Frame& f, const AnalysisOptions& o) {
  for (double level : o.iso_levels) {
    if (level <= 0 || level > f.x_max) continue;
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n",
        f.X(level), f.Y(0), f.Y(f.y_max));
  }
}

void DrawCurve(std::string& svg, const Frame& f, const ConfigCurve& c,
               const char* color, bool with_predicted) {
  std::string path;
  for (const auto& p : c.measured) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    path += fmt::format("{}{:.1f},{:.1f} ", path.empty() ? "M" : "L", f.X(p.x),
                        f.Y(p.y));
  }
  svg += fmt::format("<g><title>{}</title>\n", XmlEscape(c.config_key));
  if (!path.empty()) {
    svg += fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
        path, color);
  }
  for (const auto& p : c.measured) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"><title>{} "
        "conc {}: x {:.2f}, y {:.1f}</title></circle>\n",
        f.X(p.x), f.Y(p.y), color, XmlEscape(c.config_key), p.concurrency, p.x,
        p.y);
  }
  if (with_predicted) {
    for (const auto& p : c.predicted) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\" "
          "fill=\"none\" stroke=\"{}\"><title>predicted {} conc {}</title>"
          "</rect>\n",
          f.X(p.x) - 3.5, f.Y(p.y) - 3.5, color, XmlEscape(c.config_key),
          p.concurrency);
    }
  }
  svg += "</g>\n";
}

void DrawFrontier(std::string& svg, const Frame& f, const ScenarioFrontier& s) {
  if (s.frontier.empty()) return;
  std::string path;
  if (s.frontier.size() == 1) {
    const auto& p = s.frontier[0];
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"7\" fill=\"none\" "
        "stroke=\"#000\" stroke-width=\"2\"/>\n",
        f.X(p.x), f.Y(p.y));
    return;
  }
  constexpr int kSamples = 200;
  const double lo = s.curve.x_min(), hi = s.curve.x_max();
  for (int i = 0; i <= kSamples; ++i) {
    const double x = lo + (hi - lo) * i / kSamples;
    auto y = s.curve.At(std::min(x, hi));
    if (!y) continue;
    path += fmt::format("{}{:.1f},{:.1f} ", path.empty() ? "M" : "L", f.X(x),
                        f.Y(*y));
  }
  svg += fmt::format(
      "<path d=\"{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"3\" "
      "stroke-opacity=\"0.75\"><title>Pareto frontier</title></path>\n",
      path);
}

void DrawLegend(std::string& svg, const Frame& f, const ScenarioFrontier& s) {
  double y = f.top + 6;
  const double x = f.width - f.right + 14;
  svg += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
      "stroke=\"#000\" stroke-width=\"3\"/><text x=\"{:.1f}\" y=\"{:.1f}\" "
      "font-size=\"11\">frontier</text>\n",
      x, y, x + 18, y, x + 24, y + 4);
  for (size_t i = 0; i < s.curves.size(); ++i) {
    y += 16;
    if (y > f.height - f.bottom) {
      svg += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">"
          "+{} more</text>\n",
          x, y + 4, s.curves.size() - i);
      break;
    }
    svg += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/><text "
        "x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>\n",
        x + 9, y, kPalette[i % std::size(kPalette)], x + 24, y + 4,
        XmlEscape(s.curves[i].config_key));
  }
}

}  // namespace

std::string RenderSvgChart(const ScenarioFrontier& scenario,
                           const AnalysisOptions& options,
                           const ChartOptions& chart) {
  const Frame f = MakeFrame(scenario, chart, chart.show_predicted);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      "<text x=\"{2:.1f}\" y=\"22\" font-size=\"15\" "
      "font-weight=\"bold\">{3}</text>\n",
      chart.width_px, chart.height_px, f.left,
      XmlEscape(chart.title.empty() ? scenario.Label() : chart.title));
  DrawAxes(svg, f, options);
  DrawIsoLines(svg, f, options);
  for (size_t i = 0; i < scenario.curves.size(); ++i) {
    DrawCurve(svg, f, scenario.curves[i], kPalette[i % std::size(kPalette)],
              chart.show_predicted);
  }
  DrawFrontier(svg, f, scenario);
  DrawLegend(svg, f, scenario);
  svg += "</svg>\n";
  return svg;
}

}  // namespace infx::frontier
