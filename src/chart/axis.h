// Chart axes: fitting a data range to an axis with round ticks, mapping data
// values to pixels on a linear or logarithmic scale, and tick labels.
// svg_chart.h draws with these; they are separate so that each rule can be
// tested on its own.
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <string>
#include <vector>

namespace infx::chart {

enum class Scale { kLinear, kLog };

// How one axis fits its data. The defaults give a linear axis from 0 (or
// the data minimum, if negative) to the data maximum rounded up to a tick.
struct AxisSpec {
  std::string label;
  Scale scale = Scale::kLinear;
  // Linear: about this many tick intervals, each 1, 2 or 5 times a power of
  // ten. Log: ignored (ticks are at powers of ten).
  int target_ticks = 5;
  // The data maximum is multiplied by this before the axis is fitted
  // (room above the highest point); 1 = none.
  double headroom = 1.0;
  // Linear: extend both ends outward to the next tick. Log: always (the
  // ends are powers of ten).
  bool end_on_tick = true;
};

// A fitted axis: data values lo..hi (lo < hi; both > 0 on a log scale) and
// the tick values in that range, ascending.
struct AxisRange {
  Scale scale = Scale::kLinear;
  double lo = 0;
  double hi = 1;
  std::vector<double> ticks;
};

// The smallest step of 1, 2 or 5 times a power of ten that splits `range`
// into at most `target` intervals. 1 when range or target is not positive.
double NiceStep(double range, int target);

// Fits `spec` to data spanning [data_min, data_max] (only finite values
// should be passed; for a log scale only positive ones). With no data
// (data_min > data_max) a linear axis is 0..1 and a log axis 1..10.
AxisRange FitAxis(const AxisSpec& spec, double data_min, double data_max);

// Maps data value v on `axis` to a pixel coordinate: axis.lo goes to
// pixel_lo, axis.hi to pixel_hi (pixel_hi < pixel_lo for a y axis, whose
// pixels grow downward). Values outside the range map outside the span.
// On a log scale v must be positive.
double ToPixel(const AxisRange& axis, double v, double pixel_lo,
               double pixel_hi);

// Whether v can be drawn on a `scale` axis: finite, and positive on a log
// scale.
bool Drawable(Scale scale, double v);

// Short tick text: 0 -> "0", 0.05 -> "0.05", 2.5 -> "2.5", 1234.4 -> "1234"
// (>= 10: no decimals), 12000 -> "12k", 12500 -> "12.5k" (>= 10000:
// thousands).
std::string TickLabel(double v);

}  // namespace infx::chart
