#include "chart/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>

#include "common/markup.h"

namespace infx::chart {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                    "#bcbd22", "#17becf"};
constexpr double kLegendRow = 16;

// The fitted axes and the plot area's pixel edges.
struct Frame {
  AxisRange x;
  AxisRange y;
  double left = 0, right = 0, top = 0, bottom = 0;
  double X(double v) const { return ToPixel(x, v, left, right); }
  double Y(double v) const { return ToPixel(y, v, bottom, top); }
};

bool Drawable(const Chart& c, const Point& p) {
  return Drawable(c.x.scale, p.x) && Drawable(c.y.scale, p.y);
}

bool HasDrawable(const Chart& c, const Series& s) {
  return std::any_of(s.points.begin(), s.points.end(),
                     [&](const Point& p) { return Drawable(c, p); });
}

Frame MakeFrame(const Chart& c) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_min = kInf, x_max = -kInf, y_min = kInf, y_max = -kInf;
  for (const Series& s : c.series) {
    for (const Point& p : s.points) {
      if (!Drawable(c, p)) continue;
      x_min = std::min(x_min, p.x);
      x_max = std::max(x_max, p.x);
      y_min = std::min(y_min, p.y);
      y_max = std::max(y_max, p.y);
    }
  }
  Frame f;
  f.x = FitAxis(c.x, x_min, x_max);
  f.y = FitAxis(c.y, y_min, y_max);
  f.left = c.margins.left;
  f.right = c.width_px - c.margins.right;
  f.top = c.margins.top;
  f.bottom = c.height_px - c.margins.bottom;
  return f;
}

void DrawAxes(std::string& svg, const Chart& c, const Frame& f) {
  if (!c.title.empty()) {
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"15\" "
        "font-weight=\"bold\">{}</text>\n",
        f.left, f.top - 18, XmlEscape(c.title));
  }
  for (double v : f.x.ticks) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#e5e5e5\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
        "text-anchor=\"middle\" font-size=\"11\">{4}</text>\n",
        f.X(v), f.bottom, f.top, f.bottom + 16, TickLabel(v));
  }
  for (double v : f.y.ticks) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" "
        "stroke=\"#e5e5e5\"/><text x=\"{3:.1f}\" y=\"{4:.1f}\" "
        "text-anchor=\"end\" font-size=\"11\">{5}</text>\n",
        f.left, f.Y(v), f.right, f.left - 6, f.Y(v) + 4, TickLabel(v));
  }
  svg += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
      "fill=\"none\" stroke=\"#444\"/>\n",
      f.left, f.top, f.right - f.left, f.bottom - f.top);
  svg += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "font-size=\"13\">{}</text>\n",
      (f.left + f.right) / 2, c.height_px - 18.0, XmlEscape(c.x.label));
  svg += fmt::format(
      "<text transform=\"translate(18,{:.1f}) rotate(-90)\" "
      "text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
      (f.top + f.bottom) / 2, XmlEscape(c.y.label));
}

void DrawGuides(std::string& svg, const Chart& c, const Frame& f) {
  for (double g : c.x_guides) {
    if (!Drawable(c.x.scale, g) || g <= f.x.lo || g > f.x.hi) continue;
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#999\" stroke-dasharray=\"4 4\"/>\n",
        f.X(g), f.bottom, f.top);
  }
}

// One marker centred at (x, y); `inner` goes inside the element (a title).
void DrawMarker(std::string& svg, Marker m, double size, double x, double y,
                const std::string& color, const std::string& inner) {
  std::string head;
  const char* tag = "circle";
  switch (m) {
    case Marker::kNone:
      return;
    case Marker::kDot:
      head = fmt::format("cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"", x,
                         y, size, color);
      break;
    case Marker::kRing:
      head = fmt::format(
          "cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"1.5\"",
          x, y, size, color);
      break;
    case Marker::kSquare:
      tag = "rect";
      head = fmt::format(
          "x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"none\" "
          "stroke=\"{}\" stroke-width=\"1.5\"",
          x - size, y - size, 2 * size, 2 * size, color);
      break;
  }
  if (inner.empty()) {
    svg += fmt::format("<{} {}/>\n", tag, head);
  } else {
    svg += fmt::format("<{0} {1}>{2}</{0}>\n", tag, head, inner);
  }
}

std::string Title(const std::string& text) {
  return text.empty() ? "" : "<title>" + XmlEscape(text) + "</title>";
}

void DrawSeries(std::string& svg, const Chart& c, const Frame& f,
                const Series& s, const std::string& color) {
  svg += "<g>" + Title(s.name) + "\n";
  std::string points;
  int drawable = 0;
  for (const Point& p : s.points) {
    if (!Drawable(c, p)) continue;
    points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ",
                          f.X(p.x), f.Y(p.y));
    ++drawable;
  }
  if (s.line_width > 0 && drawable >= 2) {
    svg += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"{}\"",
        points, XmlEscape(color), s.line_width);
    if (s.line_opacity < 1) {
      svg += fmt::format(" stroke-opacity=\"{}\"", s.line_opacity);
    }
    svg += "/>\n";
  }
  for (const Point& p : s.points) {
    if (!Drawable(c, p)) continue;
    DrawMarker(svg, s.marker, s.marker_size, f.X(p.x), f.Y(p.y),
               XmlEscape(color), Title(p.tooltip));
  }
  svg += "</g>\n";
}

// `listed` holds the legend's series indices, colors[i] each series' color.
void DrawLegend(std::string& svg, const Chart& c, const Frame& f,
                const std::vector<size_t>& listed,
                const std::vector<std::string>& colors) {
  const double x = c.width_px - c.margins.right + 14;
  double y = f.top + 6;
  for (size_t n = 0; n < listed.size(); ++n, y += kLegendRow) {
    if (y > f.bottom) {
      svg += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">+{} more</text>\n",
          x, y + 4, listed.size() - n);
      break;
    }
    const Series& s = c.series[listed[n]];
    const std::string color = XmlEscape(colors[listed[n]]);
    if (s.line_width > 0) {
      svg += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
          "stroke=\"{}\" stroke-width=\"{}\"/>",
          x, y, x + 18, y, color, std::min(s.line_width, 3.0));
    }
    DrawMarker(svg, s.marker, std::min(s.marker_size, 4.5), x + 9, y, color,
               "");
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\">{}</text>\n", x + 24,
        y + 4, XmlEscape(s.name));
  }
}

}  // namespace

const char* PaletteColor(size_t index) {
  return kPalette[index % std::size(kPalette)];
}

std::string RenderSvg(const Chart& chart) {
  const Frame f = MakeFrame(chart);
  std::vector<size_t> drawn;  // series with drawable points, list order
  std::vector<std::string> colors(chart.series.size());
  size_t next_color = 0;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    if (!HasDrawable(chart, s)) continue;
    drawn.push_back(i);
    colors[i] = s.color.empty() ? PaletteColor(next_color++) : s.color;
  }
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
      chart.width_px, chart.height_px);
  DrawAxes(svg, chart, f);
  DrawGuides(svg, chart, f);
  std::vector<size_t> by_layer = drawn;
  std::stable_sort(by_layer.begin(), by_layer.end(), [&](size_t a, size_t b) {
    return chart.series[a].layer < chart.series[b].layer;
  });
  for (size_t i : by_layer)
    DrawSeries(svg, chart, f, chart.series[i], colors[i]);
  std::vector<size_t> listed;
  std::copy_if(drawn.begin(), drawn.end(), std::back_inserter(listed),
               [&](size_t i) { return chart.series[i].in_legend; });
  DrawLegend(svg, chart, f, listed, colors);
  svg += "</svg>\n";
  return svg;
}

}  // namespace infx::chart
