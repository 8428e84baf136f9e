#include "plan/dominance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "common/table.h"

namespace infx::plan {
namespace {

constexpr int kGridPoints = 48;

// Best throughput among kept candidates other than `skip` at `x`.
double BestOther(const std::vector<Candidate>& all, const Candidate* skip,
                 double x, const Candidate** best) {
  double y = 0;
  for (const Candidate& o : all) {
    if (&o == skip || !o.kept()) continue;
    if (auto v = ThroughputAt(o, x); v && *v > y) {
      y = *v;
      if (best != nullptr) *best = &o;
    }
  }
  return y;
}

std::string HeuristicNote(const PlanRequest& r, const Candidate& c,
                          const std::vector<Candidate>& all) {
  const perf::Parallelism& p = c.parallelism;
  if (p.pp > 1 && p.gpus() <= r.hardware.gpus_per_node) {
    for (const Candidate& o : all) {
      if (o.kept() && o.parallelism.pp == 1 && !o.disaggregated &&
          o.weight_precision == c.weight_precision) {
        return "heuristic cut, PP inside one node where TP alone fits: ";
      }
    }
  }
  if (p.dp_attention) {
    const bool gqa = r.model.attention.kind == model::AttentionKind::kGqa;
    if (!r.model.moe || (gqa && r.model.attention.num_kv_heads >= p.tp)) {
      return "heuristic cut, DP-attention where it cannot help (no "
             "replicated KV cache to save): ";
    }
  }
  if (c.disaggregated && c.gpus <= r.hardware.gpus_per_node) {
    return "heuristic cut, prefill/decode disaggregation inside one node: ";
  }
  return "";
}

std::pair<double, double> InteractivityRange(
    const std::vector<Candidate>& all) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = 0;
  for (const Candidate& c : all) {
    if (!c.kept()) continue;
    for (const perf::ServingPoint& p : c.curve) {
      lo = std::min(lo, p.interactivity_tok_s_user);
      hi = std::max(hi, p.interactivity_tok_s_user);
    }
  }
  return {lo, hi};
}

double LogSpread(double a, double b) {
  return std::abs(std::log(std::max(a, 1e-9)) - std::log(std::max(b, 1e-9)));
}

}  // namespace

std::optional<double> ThroughputAt(const Candidate& c, double x) {
  const auto& pts = c.curve;  // rising concurrency = falling interactivity
  if (pts.empty()) return std::nullopt;
  if (x > pts.front().interactivity_tok_s_user) return std::nullopt;
  if (x <= pts.back().interactivity_tok_s_user) {
    return pts.back().total_tok_s_per_gpu;
  }
  for (size_t i = 1; i < pts.size(); ++i) {
    const perf::ServingPoint& fast = pts[i - 1];
    const perf::ServingPoint& slow = pts[i];
    if (x <= fast.interactivity_tok_s_user &&
        x >= slow.interactivity_tok_s_user) {
      const double span =
          fast.interactivity_tok_s_user - slow.interactivity_tok_s_user;
      const double t =
          span > 0 ? (x - slow.interactivity_tok_s_user) / span : 0.0;
      return slow.total_tok_s_per_gpu +
             t * (fast.total_tok_s_per_gpu - slow.total_tok_s_per_gpu);
    }
  }
  return pts.back().total_tok_s_per_gpu;
}

void CutDominated(const PlanRequest& request, std::vector<Candidate>& all,
                  double margin) {
  std::vector<std::string> reasons(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    const Candidate& c = all[i];
    if (!c.kept() || c.curve.empty()) continue;
    double closest = std::numeric_limits<double>::infinity();
    const perf::ServingPoint* at = nullptr;
    const Candidate* by = nullptr;
    bool dominated = true;
    for (const perf::ServingPoint& p : c.curve) {
      const Candidate* best = nullptr;
      const double f = BestOther(all, &c, p.interactivity_tok_s_user, &best);
      const double gap = f > 0 ? 1.0 - p.total_tok_s_per_gpu / f : -1.0;
      if (gap <= margin) {
        dominated = false;
        break;
      }
      if (gap < closest) {
        closest = gap;
        at = &p;
        by = best;
      }
    }
    if (!dominated || at == nullptr || by == nullptr) continue;
    reasons[i] = HeuristicNote(request, c, all) + "every point is more than " +
                 FormatFixed(100 * margin, 0) +
                 "% below the predicted frontier; closest at " +
                 FormatFixed(at->interactivity_tok_s_user, 1) +
                 " tok/s/user, " + FormatFixed(at->total_tok_s_per_gpu, 0) +
                 " vs " +
                 FormatFixed(at->total_tok_s_per_gpu / (1 - closest), 0) +
                 " tok/s/GPU (" + FormatFixed(100 * closest, 0) + "% below, " +
                 by->Label() + ")";
  }
  // Apply after the pass so the order of candidates does not matter.
  for (size_t i = 0; i < all.size(); ++i) {
    if (reasons[i].empty()) continue;
    all[i].cut = CutKind::kDominated;
    all[i].reason = std::move(reasons[i]);
  }
}

void ScoreContributions(std::vector<Candidate>& all) {
  const auto [lo, hi] = InteractivityRange(all);
  if (!(hi > 0) || !(lo < hi)) return;
  std::vector<double> grid(kGridPoints);
  for (int g = 0; g < kGridPoints; ++g) {
    grid[g] = lo * std::pow(hi / lo, g / (kGridPoints - 1.0));
  }
  double frontier_area = 0;
  for (double x : grid) frontier_area += BestOther(all, nullptr, x, nullptr);
  for (Candidate& c : all) {
    if (!c.kept()) continue;
    double gain = 0;
    double close = 0;
    int defined = 0;
    for (double x : grid) {
      const auto y = ThroughputAt(c, x);
      if (!y) continue;
      const double others = BestOther(all, &c, x, nullptr);
      gain += std::max(0.0, *y - others);
      const double f = std::max(*y, others);
      close += f > 0 ? *y / f : 0;
      ++defined;
    }
    c.frontier_gain = frontier_area > 0 ? gain / frontier_area : 0;
    c.frontier_closeness = defined > 0 ? close / defined : 0;
  }
}

PlanPoint ToPlanPoint(const Candidate& c, const perf::ServingPoint& p) {
  PlanPoint out;
  out.config = c.Label();
  out.concurrency = p.concurrency;
  out.interactivity_tok_s_user = p.interactivity_tok_s_user;
  out.total_tok_s_per_gpu = p.total_tok_s_per_gpu;
  out.output_tok_s_per_gpu = p.output_tok_s_per_gpu;
  out.ttft_ms = p.ttft_ms;
  out.tpot_ms = p.tpot_ms;
  return out;
}

std::vector<PlanPoint> PredictedFrontier(const std::vector<Candidate>& kept) {
  std::vector<PlanPoint> all;
  for (const Candidate& c : kept) {
    for (const perf::ServingPoint& p : c.curve) {
      all.push_back(ToPlanPoint(c, p));
    }
  }
  std::sort(all.begin(), all.end(), [](const PlanPoint& a, const PlanPoint& b) {
    if (a.interactivity_tok_s_user != b.interactivity_tok_s_user) {
      return a.interactivity_tok_s_user > b.interactivity_tok_s_user;
    }
    return a.total_tok_s_per_gpu > b.total_tok_s_per_gpu;
  });
  std::vector<PlanPoint> front;
  double best = -1;
  for (const PlanPoint& p : all) {
    if (p.total_tok_s_per_gpu > best) {
      front.push_back(p);
      best = p.total_tok_s_per_gpu;
    }
  }
  std::reverse(front.begin(), front.end());
  return front;
}

std::vector<PlanPoint> PickBudget(const std::vector<Candidate>& kept,
                                  const std::vector<PlanPoint>& frontier,
                                  int budget) {
  std::vector<PlanPoint> picks;
  if (budget <= 0) return picks;
  std::vector<bool> taken(frontier.size(), false);
  // Frontier ends first, then the point farthest (log interactivity) from
  // every pick.
  while (static_cast<int>(picks.size()) < budget &&
         picks.size() < frontier.size()) {
    size_t choice = 0;
    double far = -1;
    for (size_t i = 0; i < frontier.size(); ++i) {
      if (taken[i]) continue;
      double d = std::numeric_limits<double>::infinity();
      for (const PlanPoint& p : picks) {
        d = std::min(d, LogSpread(p.interactivity_tok_s_user,
                                  frontier[i].interactivity_tok_s_user));
      }
      if (picks.empty()) d = (i == 0 || i + 1 == frontier.size()) ? 1 : 0;
      if (d > far) {
        far = d;
        choice = i;
      }
    }
    taken[choice] = true;
    picks.push_back(frontier[choice]);
  }
  // Then the kept points nearest the frontier, to test the margin.
  std::vector<std::pair<double, PlanPoint>> rest;
  std::set<std::pair<std::string, int64_t>> seen;
  for (const PlanPoint& p : picks) seen.insert({p.config, p.concurrency});
  for (const Candidate& c : kept) {
    for (const perf::ServingPoint& p : c.curve) {
      if (seen.count({c.Label(), p.concurrency}) > 0) continue;
      double f = 0;
      for (const Candidate& o : kept) {
        if (auto v = ThroughputAt(o, p.interactivity_tok_s_user)) {
          f = std::max(f, *v);
        }
      }
      rest.push_back(
          {f > 0 ? p.total_tok_s_per_gpu / f : 0, ToPlanPoint(c, p)});
    }
  }
  std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) {
    return a.first > b.first;
  });
  for (const auto& [score, p] : rest) {
    if (static_cast<int>(picks.size()) >= budget) break;
    picks.push_back(p);
  }
  std::sort(picks.begin(), picks.end(),
            [](const PlanPoint& a, const PlanPoint& b) {
              return a.interactivity_tok_s_user < b.interactivity_tok_s_user;
            });
  return picks;
}

}  // namespace infx::plan
