#include "search/surrogate.h"

#include <algorithm>
#include <cmath>

namespace infx::search {

SurrogateEstimate CurveSurrogate::At(int concurrency, Residual prior) const {
  SurrogateEstimate e;
  if (residuals_.empty()) {
    e.mean = prior;
    e.sigma = std::hypot(o_.prior_sigma, o_.noise_sigma);
    return e;
  }
  const double lc = std::log2(std::max(1, concurrency));
  auto hi = residuals_.lower_bound(concurrency);
  if (hi == residuals_.end()) {
    e.mean = std::prev(hi)->second;
  } else if (hi->first == concurrency || hi == residuals_.begin()) {
    e.mean = hi->second;
  } else {
    auto lo = std::prev(hi);
    const double a = std::log2(lo->first), b = std::log2(hi->first);
    const double t = (lc - a) / (b - a);
    e.mean.log_x = lo->second.log_x + t * (hi->second.log_x - lo->second.log_x);
    e.mean.log_y = lo->second.log_y + t * (hi->second.log_y - lo->second.log_y);
  }
  double d = 1e9;
  for (const auto& [c, r] : residuals_) {
    d = std::min(d, std::abs(std::log2(c) - lc));
  }
  const double share = std::min(1.0, d / std::max(1e-9, o_.span_doublings));
  e.sigma = std::hypot(o_.noise_sigma, o_.prior_sigma * share);
  return e;
}

}  // namespace infx::search
