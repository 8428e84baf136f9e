#include "search/hypervolume.h"

#include <algorithm>
#include <cmath>

namespace infx::search {
namespace {

bool Usable(const HvPoint& p) {
  return std::isfinite(p.x) && std::isfinite(p.y) && p.x > 0 && p.y > 0;
}

}  // namespace

double Hypervolume(const std::vector<HvPoint>& points) {
  std::vector<HvPoint> pts;
  for (const auto& p : points) {
    if (Usable(p)) pts.push_back(p);
  }
  // Sweep x descending: each point adds the strip between its x and the
  // next smaller x, at the highest y seen so far.
  std::sort(pts.begin(), pts.end(),
            [](const HvPoint& a, const HvPoint& b) { return a.x > b.x; });
  double area = 0, y_max = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    y_max = std::max(y_max, pts[i].y);
    const double next_x = i + 1 < pts.size() ? pts[i + 1].x : 0.0;
    area += (pts[i].x - next_x) * y_max;
  }
  return area;
}

double HypervolumeImprovement(const std::vector<HvPoint>& points, HvPoint p) {
  if (!Usable(p)) return 0;
  for (const auto& q : points) {
    if (q.x >= p.x && q.y >= p.y) return 0;  // dominated: no area added
  }
  std::vector<HvPoint> with = points;
  with.push_back(p);
  return std::max(0.0, Hypervolume(with) - Hypervolume(points));
}

}  // namespace infx::search
