// Frontier hypervolume in (interactivity tok/s/user x throughput tok/s/GPU),
// both higher-is-better, with reference point (0, 0): the area of the union
// of the rectangles [0, x] x [0, y] over the points, i.e. the area the
// Pareto frontier dominates. The adaptive search (search/frontier_search.h)
// measures next where this area is expected to grow most.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

namespace infx::search {

struct HvPoint {
  double x = 0;  // interactivity, tok/s/user
  double y = 0;  // throughput, tok/s/GPU
};

// Area dominated by `points` above reference (0, 0). Points with a
// non-finite or non-positive coordinate add nothing. Empty => 0.
double Hypervolume(const std::vector<HvPoint>& points);

// Hypervolume(points + p) - Hypervolume(points): the area p alone adds.
// 0 when p is dominated (or not positive and finite).
double HypervolumeImprovement(const std::vector<HvPoint>& points, HvPoint p);

}  // namespace infx::search
