#include "telemetry/power_integration.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace infx::telemetry {
namespace {

struct Point {
  double t;  // seconds from the window start
  double w;
  double e =
      std::numeric_limits<double>::quiet_NaN();  // cumulative energy counter, J
                                                 // (NaN: none)
};

double Interpolate(const std::vector<Point>& p, double t) {
  auto right = std::lower_bound(
      p.begin(), p.end(), t, [](const Point& a, double x) { return a.t < x; });
  if (right != p.end() && right->t == t) return right->w;
  const Point& r = *right;
  const Point& l = *(right - 1);
  return l.w + (t - l.t) / (r.t - l.t) * (r.w - l.w);
}

double P90(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = 0.9 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (rank - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

PowerResult IntegratePower(const std::vector<PowerSample>& samples,
                           int64_t start_ns, int64_t end_ns,
                           const PowerIntegrationOptions& options) {
  PowerResult r;
  const auto reason = [&](std::string why) {
    if (std::find(r.invalid_reasons.begin(), r.invalid_reasons.end(), why) ==
        r.invalid_reasons.end()) {
      r.invalid_reasons.push_back(std::move(why));
    }
  };
  if (end_ns <= start_ns) {
    reason("invalid_benchmark_window");
    return r;
  }
  const double window = static_cast<double>(end_ns - start_ns) * 1e-9;
  r.window_s = window;
  const double gap = options.max_gap_s;
  std::map<std::string, std::vector<Point>> by_gpu;
  for (const PowerSample& s : samples) {
    const double t = static_cast<double>(s.t_ns - start_ns) * 1e-9;
    if (t < -gap || t > window + gap) continue;  // far outside: no effect
    if (!std::isfinite(s.watts) || s.watts < 0) {
      reason("invalid_power_sample");
      continue;
    }
    by_gpu[s.gpu].push_back({t, s.watts, s.energy_j.value_or(NAN)});
  }
  if (by_gpu.empty()) {
    reason("no_power_samples_in_window");
    return r;
  }
  if (options.expected_num_gpus > 0 &&
      static_cast<int>(by_gpu.size()) != options.expected_num_gpus) {
    reason(fmt::format("gpu_count_mismatch: {} observed, {} expected",
                       by_gpu.size(), options.expected_num_gpus));
  }
  double p90_max = 0;
  for (auto& [gpu, points] : by_gpu) {
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& a, const Point& b) { return a.t < b.t; });
    // Samples with equal times are averaged (low-resolution timestamps).
    std::vector<Point> p;
    std::vector<int> n;
    for (const Point& x : points) {
      if (!p.empty() && p.back().t == x.t) {
        p.back().w += x.w;
        ++n.back();
      } else {
        p.push_back(x);
        n.push_back(1);
      }
    }
    for (size_t i = 0; i < p.size(); ++i) p[i].w /= n[i];
    bool counter = true;
    for (const Point& x : p) counter = counter && std::isfinite(x.e);
    GpuPower g;
    g.gpu = gpu;
    std::vector<double> inside;
    for (const Point& x : p) {
      if (x.t >= 0 && x.t <= window) inside.push_back(x.w);
    }
    g.samples = static_cast<int>(inside.size());
    for (size_t i = 1; i < p.size(); ++i) {
      g.max_gap_s = std::max(g.max_gap_s, p[i].t - p[i - 1].t);
    }
    if (p.front().t > 0 || p.back().t < window) {
      reason(
          fmt::format("window_not_bracketed: gpu {} samples cover "
                      "{:.3f}..{:.3f} s of a 0..{:.3f} s window",
                      gpu, p.front().t, p.back().t, window));
      r.gpus.push_back(std::move(g));
      continue;
    }
    if (g.max_gap_s > gap) {
      reason(fmt::format("sample_gap: gpu {} has a {:.3f} s gap (max {} s)",
                         gpu, g.max_gap_s, gap));
    }
    std::vector<Point> clipped = {{0, Interpolate(p, 0)}};
    for (const Point& x : p) {
      if (x.t > 0 && x.t < window) clipped.push_back(x);
    }
    clipped.push_back({window, Interpolate(p, window)});
    for (size_t i = 1; i < clipped.size(); ++i) {
      g.energy_j += (clipped[i].t - clipped[i - 1].t) *
                    (clipped[i].w + clipped[i - 1].w) / 2;
    }
    g.trapezoid_energy_j = g.energy_j;
    if (counter) {
      std::vector<Point> e = p;
      for (Point& x : e) x.w = x.e;  // interpolate the counter
      const double de = Interpolate(e, window) - Interpolate(e, 0);
      if (de >= 0) {
        g.energy_j = de;
        g.from_counter = true;
      } else {
        reason(fmt::format("energy_counter_reset: gpu {}", gpu));
      }
    }
    g.avg_w = g.energy_j / window;
    if (inside.empty()) inside = {clipped.front().w, clipped.back().w};
    g.p90_w = P90(inside);
    p90_max = std::max(p90_max, g.p90_w);
    r.total_energy_j += g.energy_j;
    r.avg_total_gpu_power_w += g.avg_w;
    r.gpus.push_back(std::move(g));
  }
  r.avg_power_w = r.avg_total_gpu_power_w / static_cast<double>(r.gpus.size());
  r.p90_power_w = p90_max;
  r.valid = r.invalid_reasons.empty();
  return r;
}

EnergyFigures DeriveEnergy(const PowerResult& power, int64_t input_tokens,
                           int64_t output_tokens, int64_t completed,
                           double facility_factor) {
  EnergyFigures e;
  e.facility_factor = facility_factor;
  const double j = power.total_energy_j;
  const auto per = [j](int64_t n) {
    return n > 0 ? j / static_cast<double>(n) : 0.0;
  };
  e.joules_per_input_token = per(input_tokens);
  e.joules_per_output_token = per(output_tokens);
  e.joules_per_total_token = per(input_tokens + output_tokens);
  e.joules_per_successful_query = per(completed);
  const double all_in_w = power.avg_total_gpu_power_w * facility_factor;
  if (all_in_w > 0 && power.window_s > 0) {
    const double tok_s =
        static_cast<double>(input_tokens + output_tokens) / power.window_s;
    e.tokens_per_mw = tok_s / all_in_w * 1e6;
  }
  return e;
}

nlohmann::json PowerToJson(const PowerResult& power,
                           const EnergyFigures& energy) {
  std::string reasons;
  for (const std::string& r : power.invalid_reasons) {
    if (!reasons.empty()) reasons += "; ";
    reasons += r;
  }
  nlohmann::json j = {{"power_valid", power.valid ? 1 : 0},
                      {"power_invalid_reasons", reasons},
                      {"power_source", power.source},
                      {"power_window_s", power.window_s}};
  nlohmann::json gpus = nlohmann::json::array();
  for (const GpuPower& g : power.gpus) {
    gpus.push_back({{"gpu", g.gpu},
                    {"energy_j", g.energy_j},
                    {"trapezoid_energy_j", g.trapezoid_energy_j},
                    {"energy_from_counter", g.from_counter},
                    {"avg_w", g.avg_w},
                    {"p90_w", g.p90_w},
                    {"samples", g.samples},
                    {"max_gap_s", g.max_gap_s}});
  }
  j["power_gpus"] = std::move(gpus);
  if (!power.valid) return j;
  j["avg_power_w"] = power.avg_power_w;
  j["p90_power_w"] = power.p90_power_w;
  j["avg_total_gpu_power_w"] = power.avg_total_gpu_power_w;
  j["total_gpu_energy_j"] = power.total_energy_j;
  j["joules_per_input_token"] = energy.joules_per_input_token;
  j["joules_per_output_token"] = energy.joules_per_output_token;
  j["joules_per_total_token"] = energy.joules_per_total_token;
  j["joules_per_successful_query"] = energy.joules_per_successful_query;
  j["tokens_per_mw"] = energy.tokens_per_mw;
  j["facility_factor"] = energy.facility_factor;
  return j;
}

}  // namespace infx::telemetry
