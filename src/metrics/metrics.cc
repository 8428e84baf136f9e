#include "metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>
#include <utility>

namespace infx::metrics {
namespace {

constexpr double kNsPerMs = 1e6;

int64_t Origin(const RequestRecord& r) {
  return r.scheduled_ns != 0 ? r.scheduled_ns : r.send_ns;
}

bool IsCancelled(const RequestRecord& r) {
  return r.error == ErrorKind::kCancelled ||
         (r.error == ErrorKind::kNone && r.end_ns == 0);
}

// InferenceX: intvty = 1000 / tpot_ms for each TPOT statistic.
double Inverse(double tpot_ms) { return tpot_ms > 0 ? 1000.0 / tpot_ms : 0.0; }

Stats InteractivityFrom(const Stats& tpot, const std::vector<double>& tpots) {
  Stats s;
  s.count = tpot.count;
  if (s.count == 0) return s;
  s.mean = Inverse(tpot.mean);
  s.median = Inverse(tpot.median);
  s.min = Inverse(tpot.max);
  s.max = Inverse(tpot.min);
  for (const auto& [p, v] : tpot.percentiles)
    s.percentiles.emplace_back(p, Inverse(v));
  // std has no InferenceX counterpart: the std of per-request 1000/TPOT.
  std::vector<double> per_request;
  for (double t : tpots) per_request.push_back(Inverse(t));
  s.std = Summarize(per_request, {}).std;
  return s;
}

}  // namespace

double PercentileSorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  double idx = std::clamp(p, 0.0, 100.0) / 100.0 * (sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(idx));
  size_t hi = static_cast<size_t>(std::ceil(idx));
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo);
}

Stats Summarize(std::vector<double> values, const std::vector<double>& ps) {
  Stats s;
  s.count = values.size();
  for (double p : ps) s.percentiles.emplace_back(p, 0.0);
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / values.size();
  double sq = 0;
  for (double v : values) sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sq / values.size());
  s.median = PercentileSorted(values, 50);
  s.min = values.front();
  s.max = values.back();
  for (auto& [p, v] : s.percentiles) v = PercentileSorted(values, p);
  return s;
}

std::optional<double> TtftMs(const RequestRecord& r) {
  if (!r.ok() || r.first_token_ns == 0) return std::nullopt;
  return (r.first_token_ns - Origin(r)) / kNsPerMs;
}

std::optional<double> E2elMs(const RequestRecord& r) {
  if (!r.ok()) return std::nullopt;
  return (r.end_ns - Origin(r)) / kNsPerMs;
}

std::optional<double> TpotMs(const RequestRecord& r) {
  auto ttft = TtftMs(r);
  auto e2el = E2elMs(r);
  int64_t out = r.OutputTokens();
  if (!ttft || !e2el || out < 2) return std::nullopt;
  return (*e2el - *ttft) / static_cast<double>(out - 1);
}

std::vector<double> ItlMs(const RequestRecord& r) {
  std::vector<double> out;
  for (size_t i = 1; i < r.chunk_ns.size(); ++i) {
    out.push_back((r.chunk_ns[i] - r.chunk_ns[i - 1]) / kNsPerMs);
  }
  return out;
}

std::vector<double> ItlPerTokenMs(const RequestRecord& r) {
  std::vector<double> out;
  for (size_t i = 1; i < r.chunk_ns.size(); ++i) {
    int32_t n = r.chunk_tokens.empty() ? 1 : std::max(1, r.chunk_tokens[i]);
    double gap = (r.chunk_ns[i] - r.chunk_ns[i - 1]) / kNsPerMs;
    for (int32_t k = 0; k < n; ++k) out.push_back(gap / n);
  }
  return out;
}

Result<GoodputSlo> ParseGoodput(const std::vector<std::string>& items) {
  GoodputSlo slo;
  for (const std::string& item : items) {
    std::string spaced = item;
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    std::istringstream in(spaced);
    std::string part;
    while (in >> part) {
      size_t colon = part.find(':');
      auto bad = [&](const std::string& why) {
        return Status::InvalidArgument("--goodput '" + part + "': " + why);
      };
      if (colon == std::string::npos) return bad("expected NAME:MILLISECONDS");
      std::string name = part.substr(0, colon);
      std::string value_text = part.substr(colon + 1);
      char* end = nullptr;
      double value = std::strtod(value_text.c_str(), &end);
      if (value_text.empty() || *end != '\0' || !(value > 0)) {
        return bad("limit must be a positive number of milliseconds");
      }
      if (name == "ttft") {
        slo.ttft_ms = value;
      } else if (name == "tpot") {
        slo.tpot_ms = value;
      } else if (name == "e2el") {
        slo.e2el_ms = value;
      } else {
        return bad("unknown metric '" + name + "' (ttft, tpot, e2el)");
      }
    }
  }
  return slo;
}

bool MeetsSlo(const RequestRecord& r, const GoodputSlo& slo) {
  if (!r.ok()) return false;
  // vLLM counts TPOT as 0 for single-token outputs.
  if (slo.ttft_ms && TtftMs(r).value_or(0) > *slo.ttft_ms) return false;
  if (slo.tpot_ms && TpotMs(r).value_or(0) > *slo.tpot_ms) return false;
  if (slo.e2el_ms && E2elMs(r).value_or(0) > *slo.e2el_ms) return false;
  return true;
}

namespace {

// Samples gathered in one pass over the measured records.
struct Samples {
  std::vector<double> ttfts, tpots, itls, itls_tok, e2els, lags, read_lags;
  int64_t start = 0, end = 0, good = 0;
  int64_t token_events = 0, shared_read_events = 0;
  std::vector<std::pair<int64_t, int>> in_flight;  // (time, +1/-1)
};

// Timing of every sent request: the run's span, lags, concurrency steps.
void AddTiming(const RequestRecord& r, Samples& s) {
  if (r.send_ns == 0) return;
  s.lags.push_back((r.send_ns - Origin(r)) / kNsPerMs);
  s.read_lags.push_back(r.max_read_lag_ns / kNsPerMs);
  s.token_events += static_cast<int64_t>(r.chunk_ns.size());
  s.shared_read_events += r.shared_read_events;
  if (s.start == 0 || Origin(r) < s.start) s.start = Origin(r);
  if (r.end_ns != 0) {
    s.end = std::max(s.end, r.end_ns);
    s.in_flight.emplace_back(r.send_ns, 1);
    s.in_flight.emplace_back(r.end_ns, -1);
  }
}

// Counts and latency samples of one completed request.
void AddCompleted(const RequestRecord& r, const MetricsOptions& options,
                  BenchMetrics& m, Samples& s) {
  ++m.completed;
  m.total_input_tokens += r.PromptTokens();
  m.total_output_tokens += r.OutputTokens();
  if (r.prompt_len_exact && r.prompt_len > 0 && r.usage_prompt_tokens >= 0) {
    ++m.prompt_tokens_checked;
    m.client_prompt_tokens += r.prompt_len;
    m.server_prompt_tokens += r.usage_prompt_tokens;
    if (r.usage_prompt_tokens != r.prompt_len) ++m.prompt_token_mismatches;
    if (r.usage_prompt_tokens < r.prompt_len) ++m.prompts_truncated;
  }
  if (auto v = TtftMs(r)) s.ttfts.push_back(*v);
  if (auto v = TpotMs(r)) s.tpots.push_back(*v);
  if (auto v = E2elMs(r)) s.e2els.push_back(*v);
  for (double v : ItlMs(r)) s.itls.push_back(v);
  for (double v : ItlPerTokenMs(r)) s.itls_tok.push_back(v);
  if (!options.goodput.empty() && MeetsSlo(r, options.goodput)) ++s.good;
}

void SetThroughputs(const MetricsOptions& options, int64_t good,
                    BenchMetrics& m) {
  if (m.duration_s > 0) {
    m.request_throughput = m.completed / m.duration_s;
    m.input_throughput = m.total_input_tokens / m.duration_s;
    m.output_throughput = m.total_output_tokens / m.duration_s;
    m.total_token_throughput =
        (m.total_input_tokens + m.total_output_tokens) / m.duration_s;
    if (!options.goodput.empty()) m.request_goodput = good / m.duration_s;
  } else if (!options.goodput.empty()) {
    m.request_goodput = 0;
  }
  m.input_throughput_per_gpu = m.input_throughput / m.num_gpus;
  m.output_throughput_per_gpu = m.output_throughput / m.num_gpus;
  m.total_token_throughput_per_gpu = m.total_token_throughput / m.num_gpus;
}

// Busiest one-second bucket of output tokens (vLLM), from chunk times.
double MaxOutputTokensPerSecond(const std::vector<RequestRecord>& records,
                                int64_t start) {
  std::map<int64_t, double> per_second;
  for (const RequestRecord& r : records) {
    if (r.warmup || !r.ok()) continue;
    for (size_t i = 0; i < r.chunk_ns.size(); ++i) {
      int64_t bucket = (r.chunk_ns[i] - start) / 1'000'000'000;
      per_second[bucket] += r.chunk_tokens.empty() ? 1 : r.chunk_tokens[i];
    }
  }
  double most = 0;
  for (const auto& [bucket, tokens] : per_second) most = std::max(most, tokens);
  return most;
}

int64_t MaxConcurrent(std::vector<std::pair<int64_t, int>> steps) {
  std::sort(steps.begin(), steps.end());  // ends before starts at ties
  int64_t current = 0, most = 0;
  for (const auto& [t, delta] : steps) {
    current += delta;
    most = std::max(most, current);
  }
  return most;
}

}  // namespace

BenchMetrics ComputeMetrics(const std::vector<RequestRecord>& records,
                            const MetricsOptions& options) {
  BenchMetrics m;
  m.num_gpus = std::max(1, options.num_gpus);
  Samples s;
  for (const RequestRecord& r : records) {
    if (r.warmup) continue;
    AddTiming(r, s);
    if (IsCancelled(r)) {
      ++m.cancelled;
    } else if (!r.ok()) {
      ++m.failed;
      ++m.failures_by_kind[std::string(ErrorKindName(r.error))];
    } else {
      AddCompleted(r, options, m, s);
    }
  }
  m.duration_s = s.end > s.start ? (s.end - s.start) / 1e9 : 0;
  SetThroughputs(options, s.good, m);
  const auto& ps = options.percentiles;
  m.ttft_ms = Summarize(s.ttfts, ps);
  m.tpot_ms = Summarize(s.tpots, ps);
  m.itl_ms = Summarize(s.itls, ps);
  m.itl_per_token_ms = Summarize(s.itls_tok, ps);
  m.e2el_ms = Summarize(s.e2els, ps);
  m.interactivity = InteractivityFrom(m.tpot_ms, s.tpots);
  m.client_lag_ms = Summarize(s.lags, ps);
  m.client_read_lag_ms = Summarize(s.read_lags, ps);
  m.client_token_events = s.token_events;
  m.client_shared_read_events = s.shared_read_events;
  m.max_output_tokens_per_s = MaxOutputTokensPerSecond(records, s.start);
  m.max_concurrent_requests = MaxConcurrent(std::move(s.in_flight));
  return m;
}

}  // namespace infx::metrics
