#include "telemetry/server_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "http/prometheus.h"
#include "telemetry/histogram.h"
#include "telemetry/metric_names.h"

namespace infx::telemetry {
namespace {

namespace c = canonical;

std::optional<double> Value(const Exposition& e, std::string_view name) {
  const MetricFamily* f = FindCanonical(e, name);
  if (f == nullptr) return std::nullopt;
  std::optional<double> v = FamilyValue(*f);
  if (v) *v *= MapMetricName(f->name)->scale;
  return v;
}

void GaugeStats(const std::vector<const Scrape*>& good, std::string_view name,
                std::optional<double>* mean, std::optional<double>* max) {
  double sum = 0;
  int n = 0;
  for (const Scrape* s : good) {
    std::optional<double> v = Value(s->exposition, name);
    if (!v || std::isnan(*v)) continue;
    sum += *v;
    ++n;
    *max = max->has_value() ? std::max(**max, *v) : *v;
  }
  if (n > 0) *mean = sum / n;
}

std::optional<double> Increase(const Scrape& first, const Scrape& last,
                               std::string_view name) {
  std::optional<double> a = Value(first.exposition, name);
  std::optional<double> b = Value(last.exposition, name);
  if (!b) return std::nullopt;
  return CounterIncrease(a.value_or(0), *b);
}

std::optional<LatencySummary> Latency(const Scrape& first, const Scrape& last,
                                      std::string_view name) {
  const MetricFamily* fb = FindCanonical(last.exposition, name);
  if (fb == nullptr) return std::nullopt;
  std::optional<HistogramData> b = MergedHistogram(*fb);
  if (!b) return std::nullopt;
  HistogramData h = *b;
  if (&first != &last) {
    if (const MetricFamily* fa = FindCanonical(first.exposition, name)) {
      if (std::optional<HistogramData> a = MergedHistogram(*fa)) {
        h = HistogramIncrease(*a, *b);
      }
    }
  }
  if (!(h.count > 0)) return std::nullopt;
  LatencySummary l;
  l.count = h.count;
  l.mean_ms = h.sum / h.count * 1e3;
  l.p50_ms = HistogramQuantile(h, 0.50) * 1e3;
  l.p90_ms = HistogramQuantile(h, 0.90) * 1e3;
  l.p99_ms = HistogramQuantile(h, 0.99) * 1e3;
  return l;
}

void Put(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v && std::isfinite(*v)) j[key] = *v;
}

std::string SeriesKey(const Sample& s) {
  std::string key = s.name;
  if (s.labels.empty()) return key;
  key += '{';
  for (size_t i = 0; i < s.labels.size(); ++i) {
    if (i > 0) key += ',';
    key += s.labels[i].name;
    key += "=\"";
    for (char ch : s.labels[i].value) {
      if (ch == '\\' || ch == '"') key += '\\';
      if (ch == '\n') {
        key += "\\n";
        continue;
      }
      key += ch;
    }
    key += '"';
  }
  key += '}';
  return key;
}

}  // namespace

const MetricFamily* FindCanonical(const Exposition& e,
                                  std::string_view canonical_name) {
  for (const MetricFamily& f : e.families) {
    std::optional<NameMapping> m = MapMetricName(f.name);
    if (m && m->canonical == canonical_name && !f.samples.empty()) return &f;
  }
  return nullptr;
}

ServerSummary Summarize(const std::vector<Scrape>& scrapes,
                        const ClientTokenCounts& client) {
  ServerSummary s;
  s.client_prompt_tokens = client.prompt_tokens;
  s.client_generation_tokens = client.generation_tokens;
  std::vector<const Scrape*> good;
  std::string first_error;
  for (const Scrape& sc : scrapes) {
    s.scrape_ms_max = std::max(s.scrape_ms_max, sc.duration_ms);
    if (sc.ok) {
      good.push_back(&sc);
      s.scrape_cpu_ms += sc.cpu_ms;
    } else {
      ++s.scrapes_failed;
      if (first_error.empty()) first_error = sc.error;
    }
  }
  s.scrapes_ok = static_cast<int>(good.size());
  if (scrapes.size() > 1) {
    s.span_s =
        static_cast<double>(scrapes.back().t_ns - scrapes.front().t_ns) * 1e-9;
  }
  if (good.empty()) {
    s.missing_reason = scrapes.empty() ? "no scrape was taken"
                                       : "no good scrape: " + first_error;
    return s;
  }
  s.available = true;
  if (s.scrapes_failed > 0) {
    s.missing_reason =
        fmt::format("{} of {} scrapes failed, first: {}", s.scrapes_failed,
                    scrapes.size(), first_error);
  }
  const Scrape& first = *good.front();
  const Scrape& last = *good.back();
  std::set<std::string> unmapped;
  for (const MetricFamily& f : last.exposition.families) {
    std::optional<NameMapping> m = MapMetricName(f.name);
    if (!m) {
      unmapped.insert(f.name);
    } else if (s.engine.empty() && m->engine != "dcgm") {
      s.engine = std::string(m->engine);
    }
  }
  s.unmapped_families.assign(unmapped.begin(), unmapped.end());
  GaugeStats(good, c::kRequestsRunning, &s.requests_running_mean,
             &s.requests_running_max);
  GaugeStats(good, c::kRequestsWaiting, &s.requests_waiting_mean,
             &s.requests_waiting_max);
  GaugeStats(good, c::kKvCacheUsage, &s.kv_cache_usage_mean,
             &s.kv_cache_usage_max);
  s.preemptions = Increase(first, last, c::kPreemptions);
  s.prompt_tokens = Increase(first, last, c::kPromptTokens);
  s.generation_tokens = Increase(first, last, c::kGenerationTokens);
  s.requests_succeeded = Increase(first, last, c::kRequestsSucceeded);
  s.prefix_cache_queries = Increase(first, last, c::kPrefixCacheQueries);
  s.prefix_cache_hits = Increase(first, last, c::kPrefixCacheHits);
  if (s.prefix_cache_queries && s.prefix_cache_hits &&
      *s.prefix_cache_queries > 0) {
    s.prefix_cache_hit_rate = *s.prefix_cache_hits / *s.prefix_cache_queries;
  } else {
    std::optional<double> max;
    GaugeStats(good, c::kPrefixCacheHitRate, &s.prefix_cache_hit_rate, &max);
  }
  const std::pair<const char*, std::string_view> hists[] = {
      {"ttft", c::kTtftSeconds},
      {"itl", c::kItlSeconds},
      {"e2e", c::kE2eSeconds},
      {"queue", c::kQueueSeconds}};
  for (const auto& [key, name] : hists) {
    if (auto l = Latency(first, last, name)) s.latency[key] = *l;
  }
  return s;
}

nlohmann::json ServerSummaryToJson(const ServerSummary& s) {
  nlohmann::json j = {{"available", s.available},
                      {"missing_reason", s.missing_reason},
                      {"engine", s.engine},
                      {"scrapes", s.scrapes_ok},
                      {"scrapes_failed", s.scrapes_failed},
                      {"scrape_max_ms", s.scrape_ms_max},
                      {"scrape_cpu_ms", s.scrape_cpu_ms},
                      {"scrape_span_s", s.span_s}};
  Put(j, "requests_running_mean", s.requests_running_mean);
  Put(j, "requests_running_max", s.requests_running_max);
  Put(j, "requests_waiting_mean", s.requests_waiting_mean);
  Put(j, "requests_waiting_max", s.requests_waiting_max);
  Put(j, "kv_cache_usage_mean", s.kv_cache_usage_mean);
  Put(j, "kv_cache_usage_max", s.kv_cache_usage_max);
  Put(j, "preemptions", s.preemptions);
  Put(j, "prefix_cache_queries", s.prefix_cache_queries);
  Put(j, "prefix_cache_hits", s.prefix_cache_hits);
  Put(j, "prefix_cache_hit_rate", s.prefix_cache_hit_rate);
  Put(j, "requests_succeeded", s.requests_succeeded);
  Put(j, "prompt_tokens", s.prompt_tokens);
  Put(j, "generation_tokens", s.generation_tokens);
  j["client_prompt_tokens"] = s.client_prompt_tokens;
  j["client_generation_tokens"] = s.client_generation_tokens;
  if (s.prompt_tokens && s.client_prompt_tokens > 0) {
    j["prompt_tokens_ratio"] = *s.prompt_tokens / s.client_prompt_tokens;
  }
  if (s.generation_tokens && s.client_generation_tokens > 0) {
    j["generation_tokens_ratio"] =
        *s.generation_tokens / s.client_generation_tokens;
  }
  for (const auto& [key, l] : s.latency) {
    const auto put = [&](const char* what, double v) {
      if (std::isfinite(v)) j[fmt::format("{}_{}_ms", key, what)] = v;
    };
    put("mean", l.mean_ms);
    put("p50", l.p50_ms);
    put("p90", l.p90_ms);
    put("p99", l.p99_ms);
    j[fmt::format("{}_count", key)] = l.count;
  }
  j["unmapped_families"] = s.unmapped_families;
  return j;
}

nlohmann::json RawScrapesToJson(const std::vector<Scrape>& scrapes,
                                int64_t origin_ns) {
  std::map<std::string, size_t> index;
  std::vector<std::string> series;
  nlohmann::json t_ms = nlohmann::json::array();
  nlohmann::json rows = nlohmann::json::array();
  for (const Scrape& sc : scrapes) {
    if (!sc.ok) continue;
    std::vector<std::pair<size_t, double>> row;
    for (const MetricFamily& f : sc.exposition.families) {
      for (const Sample& smp : f.samples) {
        auto [it, added] = index.emplace(SeriesKey(smp), series.size());
        if (added) series.push_back(it->first);
        row.emplace_back(it->second, smp.value);
      }
    }
    nlohmann::json values(series.size(), nullptr);
    for (const auto& [i, v] : row) {
      if (std::isfinite(v)) {
        values[i] = v;
      } else {
        values[i] = http::FormatPromValue(v);
      }
    }
    t_ms.push_back(std::round(static_cast<double>(sc.t_ns - origin_ns) * 1e-3) /
                   1e3);
    rows.push_back(std::move(values));
  }
  return {{"series", series}, {"t_ms", t_ms}, {"values", rows}};
}

}  // namespace infx::telemetry
