#include "stats/multiple_testing.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace infx::stats {

std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values) {
  std::vector<double> q(p_values.size(),
                        std::numeric_limits<double>::quiet_NaN());
  std::vector<size_t> order;
  for (size_t i = 0; i < p_values.size(); ++i) {
    if (!std::isnan(p_values[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return p_values[x] < p_values[y]; });
  const double m = static_cast<double>(order.size());
  double running_min = 1.0;
  for (size_t rank = order.size(); rank-- > 0;) {
    const double adjusted =
        p_values[order[rank]] * m / static_cast<double>(rank + 1);
    running_min = std::min(running_min, adjusted);
    q[order[rank]] = running_min;
  }
  return q;
}

}  // namespace infx::stats
