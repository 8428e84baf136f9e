// A tiny self-contained SVG line chart for `infx plan --chart`: linear
// axes with round ticks, one polyline per series, a legend. Deliberately
// small; measured-data frontier charts live in src/frontier.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace infx::plan {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y) in data units
  bool emphasized = false;  // drawn thick and black (the frontier)
};

struct ChartSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
};

// The whole SVG document. Series without points are skipped; an empty
// chart still renders axes.
std::string RenderSvgChart(const ChartSpec& chart);

}  // namespace infx::plan
