#include "plan/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/markup.h"
#include "common/table.h"

namespace infx::plan {
namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 560;
constexpr double kLeft = 80;
constexpr double kRight = 230;  // room for the legend
constexpr double kTop = 50;
constexpr double kBottom = 60;
const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                "#bcbd22", "#17becf"};

struct Axis {
  double lo = 0;
  double hi = 1;
  double step = 1;
};

// 0 to a round number above `max`, with a 1-2-5 tick step.
Axis NiceAxis(double max) {
  Axis a;
  if (!(max > 0)) return a;
  const double raw = max / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  a.step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  a.hi = std::ceil(max / a.step) * a.step;
  return a;
}

std::string Num(double v) {
  if (std::abs(v) >= 1000) return FormatFixed(v, 0);
  if (std::abs(v) >= 10) return FormatFixed(v, 0);
  return FormatFixed(v, 1);
}

struct Frame {
  Axis x;
  Axis y;
  double px(double v) const {
    return kLeft + (v - x.lo) / (x.hi - x.lo) * (kWidth - kLeft - kRight);
  }
  double py(double v) const {
    return kHeight - kBottom -
           (v - y.lo) / (y.hi - y.lo) * (kHeight - kTop - kBottom);
  }
};

void DrawAxes(const ChartSpec& c, const Frame& f, std::ostringstream& o) {
  o << "<text x=\"" << kWidth / 2 << "\" y=\"28\" text-anchor=\"middle\" "
    << "font-size=\"18\">" << XmlEscape(c.title) << "</text>\n";
  for (double v = f.x.lo; v <= f.x.hi + 1e-9; v += f.x.step) {
    o << "<line x1=\"" << f.px(v) << "\" y1=\"" << kTop << "\" x2=\"" << f.px(v)
      << "\" y2=\"" << kHeight - kBottom
      << "\" stroke=\"#e5e5e5\"/>\n<text x=\"" << f.px(v) << "\" y=\""
      << kHeight - kBottom + 18 << "\" text-anchor=\"middle\">" << Num(v)
      << "</text>\n";
  }
  for (double v = f.y.lo; v <= f.y.hi + 1e-9; v += f.y.step) {
    o << "<line x1=\"" << kLeft << "\" y1=\"" << f.py(v) << "\" x2=\""
      << kWidth - kRight << "\" y2=\"" << f.py(v)
      << "\" stroke=\"#e5e5e5\"/>\n<text x=\"" << kLeft - 8 << "\" y=\""
      << f.py(v) + 4 << "\" text-anchor=\"end\">" << Num(v) << "</text>\n";
  }
  o << "<text x=\"" << (kLeft + kWidth - kRight) / 2 << "\" y=\""
    << kHeight - 15 << "\" text-anchor=\"middle\">" << XmlEscape(c.x_label)
    << "</text>\n<text transform=\"translate(20,"
    << (kTop + kHeight - kBottom) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">" << XmlEscape(c.y_label)
    << "</text>\n";
}

void DrawSeries(const ChartSeries& s, const std::string& color, int index,
                const Frame& f, std::ostringstream& o) {
  const double width = s.emphasized ? 3 : 1.5;
  o << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\""
    << width << "\" points=\"";
  for (const auto& [x, y] : s.points) o << f.px(x) << "," << f.py(y) << " ";
  o << "\"/>\n";
  for (const auto& [x, y] : s.points) {
    o << "<circle cx=\"" << f.px(x) << "\" cy=\"" << f.py(y) << "\" r=\""
      << (s.emphasized ? 3.5 : 2.5) << "\" fill=\"" << color << "\"/>\n";
  }
  const double ly = kTop + 16.0 * index;
  o << "<line x1=\"" << kWidth - kRight + 15 << "\" y1=\"" << ly - 4
    << "\" x2=\"" << kWidth - kRight + 35 << "\" y2=\"" << ly - 4
    << "\" stroke=\"" << color << "\" stroke-width=\"" << width
    << "\"/>\n<text x=\"" << kWidth - kRight + 40 << "\" y=\"" << ly << "\">"
    << XmlEscape(s.name) << "</text>\n";
}

}  // namespace

std::string RenderSvgChart(const ChartSpec& chart) {
  double max_x = 0;
  double max_y = 0;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      max_x = std::max(max_x, x);
      max_y = std::max(max_y, y);
    }
  }
  const Frame f{NiceAxis(max_x), NiceAxis(max_y)};
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth
    << "\" height=\"" << kHeight << "\" viewBox=\"0 0 " << kWidth << " "
    << kHeight << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  DrawAxes(chart, f, o);
  int index = 0;
  int color = 0;
  for (const ChartSeries& s : chart.series) {
    if (s.points.empty()) continue;
    const std::string c =
        s.emphasized ? "#000000" : kPalette[color++ % std::size(kPalette)];
    DrawSeries(s, c, index++, f, o);
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace infx::plan
