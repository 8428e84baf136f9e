#include "chart/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace infx::chart {
namespace {

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}

// Character data may hold '&' only as one of the entities XmlEscape writes.
bool EntitiesOk(std::string_view text) {
  for (size_t i = text.find('&'); i != std::string_view::npos;
       i = text.find('&', i + 1)) {
    const std::string_view rest = text.substr(i);
    if (!rest.starts_with("&amp;") && !rest.starts_with("&lt;") &&
        !rest.starts_with("&gt;") && !rest.starts_with("&quot;")) {
      return false;
    }
  }
  return true;
}

// A small XML well-formedness check: one root element, every tag closed in
// order, attributes name="value" without '<' or stray '&', no '<' or stray
// '&' in text. Returns "" when well formed, else what is wrong.
std::string XmlProblem(const std::string& xml) {
  std::vector<std::string> open;
  int roots = 0;
  size_t i = 0;
  while (i < xml.size()) {
    const size_t lt = xml.find('<', i);
    const std::string_view text(
        xml.data() + i, (lt == std::string::npos ? xml.size() : lt) - i);
    if (!EntitiesOk(text)) return "bad entity in text";
    if (open.empty() && text.find_first_not_of(" \n") != std::string::npos) {
      return "text outside the root";
    }
    if (lt == std::string::npos) break;
    const size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag";
    std::string_view tag(xml.data() + lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string_view::npos) return "'<' inside a tag";
    i = gt + 1;
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) {
        return "mismatched </" + std::string(tag.substr(1)) + ">";
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with("/");
    if (self_closing) tag.remove_suffix(1);
    const size_t name_end = tag.find_first_of(" \n");
    const std::string name(tag.substr(0, name_end));
    if (name.empty()) return "empty tag name";
    // Attributes: name="value" pairs separated by spaces.
    std::string_view attrs =
        name_end == std::string_view::npos ? "" : tag.substr(name_end);
    while (true) {
      const size_t start = attrs.find_first_not_of(" \n");
      if (start == std::string_view::npos) break;
      attrs.remove_prefix(start);
      const size_t eq = attrs.find("=\"");
      if (eq == std::string_view::npos || eq == 0) {
        return "bad attribute in <" + name + ">";
      }
      const size_t close = attrs.find('"', eq + 2);
      if (close == std::string_view::npos) return "unterminated attribute";
      if (!EntitiesOk(attrs.substr(eq + 2, close - eq - 2))) {
        return "bad entity in an attribute of <" + name + ">";
      }
      attrs.remove_prefix(close + 1);
    }
    if (open.empty()) ++roots;
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> not closed";
  if (roots != 1) return "expected one root element";
  return "";
}

TEST(XmlProblemTest, CatchesMalformedDocuments) {
  EXPECT_EQ(XmlProblem("<svg><g><title>a &amp; b</title></g></svg>\n"), "");
  for (const char* bad : {"<svg><g></svg>", "<svg><text>a < b</text></svg>",
                          "<svg><text>a & b</text></svg>", "<svg x=\"a\"b\"/>",
                          "<svg/><svg/>", "<svg>", "text<svg/>"}) {
    EXPECT_NE(XmlProblem(bad), "") << bad;
  }
}

Series Line(const std::string& name, std::vector<Point> points) {
  Series s;
  s.name = name;
  s.points = std::move(points);
  return s;
}

TEST(SvgChartTest, EmptyChartIsWellFormedWithAxes) {
  const std::string svg = RenderSvg(Chart{});
  EXPECT_EQ(XmlProblem(svg), "");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.find("<?xml"), std::string::npos);  // inlinable in HTML
  EXPECT_GE(Count(svg, "stroke=\"#e5e5e5\""), 4u);  // grid lines
  EXPECT_EQ(Count(svg, "<polyline"), 0u);
  EXPECT_EQ(Count(svg, "<g>"), 0u);
}

TEST(SvgChartTest, EscapesEveryText) {
  Chart c;
  c.title = "A<B & \"C\"";
  c.x.label = "x<1>";
  c.y.label = "y&z";
  c.series.push_back(Line("tp<1>", {{1, 2, "conc <4> & up"}, {3, 4, ""}}));
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(XmlProblem(svg), "") << svg;
  EXPECT_NE(svg.find("A&lt;B &amp; &quot;C&quot;"), std::string::npos);
  EXPECT_NE(svg.find(">x&lt;1&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">y&amp;z</text>"), std::string::npos);
  EXPECT_EQ(Count(svg, "tp&lt;1&gt;"), 2u);  // group title and legend
  EXPECT_EQ(svg.find("tp<1>"), std::string::npos);
  EXPECT_NE(svg.find("<title>conc &lt;4&gt; &amp; up</title>"),
            std::string::npos);
}

TEST(SvgChartTest, MapsDataToThePlotArea) {
  // Defaults: 900x560, margins 80/230/50/60 -> plot x 80..670, y 500..50.
  Chart c;
  c.series.push_back(Line("s", {{0, 0, ""}, {50, 500, ""}, {100, 900, ""}}));
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(XmlProblem(svg), "");
  // x axis 0..100, y axis 0..1000.
  EXPECT_NE(svg.find("points=\"80.0,500.0 375.0,275.0 670.0,95.0\""),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find(">1000</text>"), std::string::npos);
  EXPECT_NE(svg.find("<circle cx=\"375.0\" cy=\"275.0\" r=\"3.5\""),
            std::string::npos);
}

TEST(SvgChartTest, LogAxisSkipsNonPositivePoints) {
  Chart c;
  c.x.scale = Scale::kLog;
  c.series.push_back(Line("s", {{0, 1, ""}, {10, 2, ""}, {1000, 3, ""}}));
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(XmlProblem(svg), "");
  // x axis 10..1000: 10 at the left edge, 1000 at the right.
  EXPECT_NE(svg.find("points=\"80.0,"), std::string::npos) << svg;
  EXPECT_NE(svg.find(" 670.0,"), std::string::npos);
  EXPECT_EQ(Count(svg, "<circle"), 2u + 1u);  // two points + legend
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);
}

TEST(SvgChartTest, MarkersLinesAndGuides) {
  Chart c;
  Series measured = Line("measured", {{10, 10, "a"}, {20, 20, "b"}});
  Series predicted = Line("predicted", {{15, 12, ""}, {25, 18, ""}});
  predicted.line_width = 0;
  predicted.marker = Marker::kSquare;
  predicted.in_legend = false;
  Series single = Line("one", {{30, 5, ""}});
  single.marker = Marker::kRing;
  single.marker_size = 7;
  c.series = {measured, predicted, single};
  c.x_guides = {5, 25, 0, 1000};  // 0 and 1000 are outside (0, 30]
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(XmlProblem(svg), "") << svg;
  EXPECT_EQ(Count(svg, "<polyline"), 1u);  // no line for 0 width or 1 point
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 2u);
  EXPECT_EQ(Count(svg, "width=\"7\" height=\"7\" fill=\"none\""), 2u);
  EXPECT_EQ(Count(svg, "r=\"7\" fill=\"none\""), 1u);
  EXPECT_EQ(Count(svg, "<title>a</title></circle>"), 1u);
  // Legend: measured and one, not predicted.
  EXPECT_NE(svg.find("font-size=\"11\">measured</text>"), std::string::npos);
  EXPECT_NE(svg.find("font-size=\"11\">one</text>"), std::string::npos);
  EXPECT_EQ(svg.find("font-size=\"11\">predicted</text>"), std::string::npos);
}

TEST(SvgChartTest, PaletteSkipsEmptyAndColoredSeries) {
  Chart c;
  c.series.push_back(Line("empty", {}));
  c.series.push_back(Line("nan", {{std::nan(""), 1, ""}}));
  Series black = Line("black", {{1, 1, ""}});
  black.color = "#000000";
  c.series.push_back(black);
  c.series.push_back(Line("first", {{2, 2, ""}}));
  c.series.push_back(Line("second", {{3, 3, ""}}));
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(svg.find(">empty<"), std::string::npos);
  EXPECT_EQ(svg.find(">nan<"), std::string::npos);
  // "first" takes the first palette color and the second legend row.
  EXPECT_NE(
      svg.find(std::string("fill=\"") + PaletteColor(0) +
               "\"/>\n<text x=\"708.0\" y=\"76.0\" font-size=\"11\">first<"),
      std::string::npos)
      << svg;
  // "second": its dot, the legend's line and dot.
  EXPECT_EQ(Count(svg, PaletteColor(1)), 3u);
  EXPECT_EQ(Count(svg, PaletteColor(2)), 0u);
  EXPECT_EQ(std::string(PaletteColor(10)), PaletteColor(0));
}

TEST(SvgChartTest, LayersOrderDrawingNotTheLegend) {
  Chart c;
  Series top = Line("top", {{1, 1, ""}, {2, 2, ""}});
  top.layer = 1;
  c.series = {top, Line("under", {{1, 2, ""}, {2, 1, ""}})};
  const std::string svg = RenderSvg(c);
  EXPECT_LT(svg.find("<g><title>under"), svg.find("<g><title>top"));
  EXPECT_LT(svg.find("font-size=\"11\">top</text>"),
            svg.find("font-size=\"11\">under</text>"));
}

TEST(SvgChartTest, LegendOverflowIsSummarized) {
  Chart c;
  for (int i = 0; i < 40; ++i) {
    c.series.push_back(Line("s" + std::to_string(i), {{1.0 * i, 1, ""}}));
  }
  const std::string svg = RenderSvg(c);
  EXPECT_EQ(XmlProblem(svg), "");
  // Rows at y = 56, 72, ... while y <= 500: 28 rows, then the summary.
  EXPECT_NE(svg.find(">s27</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">s28</text>"), std::string::npos);
  EXPECT_NE(svg.find(">+12 more</text>"), std::string::npos);
}

}  // namespace
}  // namespace infx::chart
