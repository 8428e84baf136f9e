#include "stats/change_points.h"

#include <algorithm>
#include <cmath>

#include "stats/hypothesis_tests.h"

namespace infx::stats {
namespace {

// W[a][b] = sum_{a <= i < j < b} |z_i - z_j| over series[begin, end),
// indices relative to begin, stored row-major with stride n + 1.
std::vector<double> WithinSums(const std::vector<double>& z, size_t begin,
                               size_t end) {
  const size_t n = end - begin, stride = n + 1;
  std::vector<double> w(stride * stride, 0.0);
  for (size_t b = 2; b <= n; ++b) {
    const size_t last = b - 1;  // new column
    double column = 0;          // sum_{i=a}^{b-2} |z_i - z_last|
    for (size_t a = b - 1; a-- > 0;) {
      column += std::fabs(z[begin + a] - z[begin + last]);
      w[a * stride + b] = w[a * stride + b - 1] + column;
    }
  }
  return w;
}

struct Moments {
  double mean = 0, std = 0, n = 0;
};
Moments MomentsOf(const std::vector<double>& z, size_t begin, size_t end) {
  Moments m;
  m.n = static_cast<double>(end - begin);
  if (end <= begin) return m;
  for (size_t i = begin; i < end; ++i) m.mean += z[i];
  m.mean /= m.n;
  double squares = 0;
  for (size_t i = begin; i < end; ++i)
    squares += (z[i] - m.mean) * (z[i] - m.mean);
  m.std = std::sqrt(squares / m.n);
  return m;
}

// Statistics of a change point at `index` between [begin, index) and
// [index, end), Otava's TTestSignificanceTester.compare.
ChangePoint Evaluate(const std::vector<double>& z, size_t begin, size_t index,
                     size_t end, double q_hat) {
  ChangePoint cp;
  cp.index = index;
  cp.q_hat = q_hat;
  cp.before_begin = begin;
  cp.after_end = end;
  const Moments left = MomentsOf(z, begin, index);
  const Moments right = MomentsOf(z, index, end);
  cp.mean_before = left.mean;
  cp.mean_after = right.mean;
  cp.std_before = left.n >= 2 ? left.std : 0;
  cp.std_after = right.n >= 2 ? right.std : 0;
  cp.p_value = 1.0;
  if (left.n + right.n > 2) {
    const TTestResult t = StudentTTestFromStats(
        left.mean, cp.std_before, left.n, right.mean, cp.std_after, right.n);
    if (t.valid && !std::isnan(t.p_value)) cp.p_value = t.p_value;
  }
  return cp;
}

// Boundaries [begin, cps..., end) as intervals.
std::vector<std::pair<size_t, size_t>> Intervals(
    const std::vector<ChangePoint>& cps, size_t begin, size_t end) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t from = begin;
  for (const auto& cp : cps) {
    if (cp.index > from) out.push_back({from, cp.index});
    from = cp.index;
  }
  if (end > from) out.push_back({from, end});
  return out;
}

// Hierarchical e-divisive bisection of series[begin, end) (Otava's
// ChangePointDetector.get_change_points).
std::vector<ChangePoint> Bisect(const std::vector<double>& z, size_t begin,
                                size_t end, double max_p) {
  std::vector<ChangePoint> cps;
  while (true) {
    const auto intervals = Intervals(cps, begin, end);
    bool found = false;
    SplitCandidate best;
    std::pair<size_t, size_t> where;
    for (const auto& iv : intervals) {
      if (iv.second - iv.first < 2) continue;
      const SplitCandidate c = BestSplit(z, iv.first, iv.second);
      if (!found || c.q_hat > best.q_hat) {
        best = c;
        where = iv;
        found = true;
      }
    }
    if (!found) break;
    ChangePoint cp =
        Evaluate(z, where.first, best.index, where.second, best.q_hat);
    if (cp.p_value > max_p) break;
    cps.push_back(cp);
    std::sort(cps.begin(), cps.end(),
              [](const auto& x, const auto& y) { return x.index < y.index; });
  }
  return cps;
}

void Recompute(const std::vector<double>& z, std::vector<ChangePoint>* cps) {
  for (size_t i = 0; i < cps->size(); ++i) {
    const size_t begin = i == 0 ? 0 : (*cps)[i - 1].index;
    const size_t end = i + 1 == cps->size() ? z.size() : (*cps)[i + 1].index;
    (*cps)[i] = Evaluate(z, begin, (*cps)[i].index, end, (*cps)[i].q_hat);
  }
}

double Magnitude(const ChangePoint& cp) {
  const double forward =
      cp.mean_before == 0 ? 0 : cp.mean_after / cp.mean_before - 1;
  const double backward =
      cp.mean_after == 0 ? 0 : cp.mean_before / cp.mean_after - 1;
  return std::max(std::fabs(forward), std::fabs(backward));
}

}  // namespace

double ChangePoint::RelativeChange() const {
  return mean_before == 0 ? 0 : mean_after / mean_before - 1;
}

SplitCandidate BestSplit(const std::vector<double>& z, size_t begin,
                         size_t end) {
  const size_t n = end - begin, stride = n + 1;
  const std::vector<double> w = WithinSums(z, begin, end);
  SplitCandidate best{begin + 1, -INFINITY};
  for (size_t tau = 1; tau < n; ++tau) {
    const double nx = static_cast<double>(tau);
    const double within_x = w[0 * stride + tau];
    for (size_t kappa = tau + 1; kappa <= n; ++kappa) {
      const double ny = static_cast<double>(kappa - tau);
      const double within_y = w[tau * stride + kappa];
      const double cross = w[0 * stride + kappa] - within_x - within_y;
      double q = 2.0 / (nx + ny) * cross;
      if (nx > 1) q -= 2.0 * ny / ((nx + ny) * (nx - 1)) * within_x;
      if (ny > 1) q -= 2.0 * nx / ((nx + ny) * (ny - 1)) * within_y;
      if (q > best.q_hat) best = {begin + tau, q};
    }
  }
  return best;
}

std::vector<ChangePoint> DetectChangePoints(const std::vector<double>& z,
                                            const ChangePointOptions& o) {
  const double max_p = o.max_p_value;
  const double first_pass =
      max_p < 0.05 ? max_p * 10 : (max_p < 0.5 ? max_p * 2 : max_p);
  const size_t window = std::max<size_t>(o.window, 2);
  const size_t step = window / 2;
  std::vector<ChangePoint> cps;
  for (size_t start = 0; start < z.size();) {
    const size_t end = std::min(start + window, z.size());
    const auto found = Bisect(z, start, end, first_pass);
    for (const auto& cp : found) {
      const bool dup = std::any_of(cps.begin(), cps.end(), [&](const auto& c) {
        return c.index == cp.index;
      });
      if (!dup) cps.push_back(cp);
    }
    const size_t last = found.empty() ? 0 : found.back().index;
    start = std::max(last, start + step);
  }
  std::sort(cps.begin(), cps.end(),
            [](const auto& x, const auto& y) { return x.index < y.index; });
  Recompute(z, &cps);
  // Merge step.
  while (!cps.empty()) {
    auto weakest = std::max_element(
        cps.begin(), cps.end(),
        [](const auto& x, const auto& y) { return x.p_value < y.p_value; });
    if (weakest->p_value < max_p) {
      weakest = std::min_element(cps.begin(), cps.end(),
                                 [](const auto& x, const auto& y) {
                                   return Magnitude(x) < Magnitude(y);
                                 });
      if (Magnitude(*weakest) > o.min_magnitude) break;
    }
    cps.erase(weakest);
    Recompute(z, &cps);
  }
  return cps;
}

}  // namespace infx::stats
