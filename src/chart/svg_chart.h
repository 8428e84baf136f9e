// A small XY chart written as a self-contained SVG document: linear or log
// axes with round ticks and grid lines, series drawn as lines and/or
// markers (each with an optional hover tooltip), dashed vertical guides, a
// legend, a title and axis labels. All text is XML-escaped. It knows
// nothing about what it plots: `infx plan --chart` and the frontier charts
// (`infx frontier --chart`, the HTML report) build a Chart and render it.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "chart/axis.h"

namespace infx::chart {

enum class Marker {
  kNone,
  kDot,     // filled circle
  kRing,    // hollow circle
  kSquare,  // hollow square
};

struct Point {
  double x = 0;
  double y = 0;
  std::string tooltip;  // "" = none; shown on hover
};

struct Series {
  std::string name;           // legend text and the tooltip of the whole series
  std::vector<Point> points;  // drawn in this order
  std::string color;          // "" = the next PaletteColor
  double line_width = 1.5;    // 0 = markers only
  double line_opacity = 1;
  Marker marker = Marker::kDot;
  double marker_size = 3.5;  // radius, or half the side of a square
  bool in_legend = true;
  // Series are drawn by ascending layer, in list order within a layer, so a
  // series can be listed first in the legend yet drawn over the others.
  int layer = 0;
};

// Space around the plot area, pixels. The right margin holds the legend.
struct Margins {
  double left = 80, right = 230, top = 50, bottom = 60;
};

struct Chart {
  std::string title;
  AxisSpec x;  // x.label / y.label are the axis titles
  AxisSpec y;
  std::vector<Series> series;
  // Dashed vertical lines at these x values; ones outside the x axis range
  // are not drawn.
  std::vector<double> x_guides;
  int width_px = 900;
  int height_px = 560;
  Margins margins;
};

// The palette for series without a color: 10 distinct colors, cycling.
const char* PaletteColor(size_t index);

// The whole <svg> element (no XML declaration, so it can also be inlined in
// HTML). Axes fit every drawable point of every series (finite, and
// positive on a log axis); other points are skipped. Series without
// drawable points are not drawn, not listed and take no palette color.
// Legend entries that do not fit beside the plot are summarized as
// "+N more".
std::string RenderSvg(const Chart& chart);

}  // namespace infx::chart
