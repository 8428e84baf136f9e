#include "sweep/point_record.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "living/provenance.h"
#include "living/series_key.h"
#include "sweep/launch_target.h"

namespace infx::sweep {
namespace {

double StatPercentile(const metrics::Stats& s, double p) {
  for (const auto& [q, v] : s.percentiles) {
    if (std::abs(q - p) < 1e-9) return v;
  }
  return s.max;
}

store::PointMetrics ToPointMetrics(const metrics::BenchMetrics& m) {
  store::PointMetrics p;
  p.tput_per_gpu_total = m.total_token_throughput_per_gpu;
  p.tput_per_gpu_output = m.output_throughput_per_gpu;
  p.tput_per_gpu_input = m.input_throughput_per_gpu;
  p.interactivity_tok_s_user = m.interactivity.median;
  p.mean_ttft_ms = m.ttft_ms.mean;
  p.median_ttft_ms = m.ttft_ms.median;
  p.p99_ttft_ms = StatPercentile(m.ttft_ms, 99);
  p.mean_tpot_ms = m.tpot_ms.mean;
  p.median_tpot_ms = m.tpot_ms.median;
  p.p99_tpot_ms = StatPercentile(m.tpot_ms, 99);
  p.mean_itl_ms = m.itl_ms.mean;
  p.median_itl_ms = m.itl_ms.median;
  p.p99_itl_ms = StatPercentile(m.itl_ms, 99);
  p.mean_e2el_ms = m.e2el_ms.mean;
  p.median_e2el_ms = m.e2el_ms.median;
  p.p99_e2el_ms = StatPercentile(m.e2el_ms, 99);
  p.request_throughput_rps = m.request_throughput;
  p.completed = m.completed;
  p.failed = m.failed;
  p.duration_s = m.duration_s;
  return p;
}

// One small object per measured request (warm-up excluded).
nlohmann::json RequestSummaries(const bench::BenchResult& result) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : result.records) {
    if (r.warmup) continue;
    nlohmann::json j = {{"index", r.index},
                        {"input_tokens", r.PromptTokens()},
                        {"output_tokens", r.OutputTokens()},
                        {"ok", r.ok()}};
    auto put = [&j](const char* name, std::optional<double> v) {
      j[name] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    put("ttft_ms", metrics::TtftMs(r));
    put("tpot_ms", metrics::TpotMs(r));
    put("e2el_ms", metrics::E2elMs(r));
    if (!r.ok()) j["error"] = r.error_message;
    out.push_back(std::move(j));
  }
  return out;
}

// The engine's settings that identify a series (never ports or versions).
std::string EngineFlags(const TargetSpec& t, const ServingConfig& c) {
  switch (t.kind) {
    case TargetKind::kLaunch:
      return LaunchCommandTemplate(t.launch, c);
    case TargetKind::kEmulator: {
      const EmulatorTargetSpec defaults;
      const auto& e = t.emulator;
      if (e.max_num_seqs == defaults.max_num_seqs &&
          e.max_batched_tokens == defaults.max_batched_tokens &&
          e.kv_cache_fraction == defaults.kv_cache_fraction) {
        return "";
      }
      return fmt::format(
          "max_num_seqs={} max_batched_tokens={} "
          "kv_cache_fraction={:g}",
          e.max_num_seqs, e.max_batched_tokens, e.kv_cache_fraction);
    }
    case TargetKind::kUrl:
      return "";
  }
  return "";
}

}  // namespace

uint64_t PointSeed(const Matrix& matrix, const Point& point) {
  return matrix.seed + static_cast<uint64_t>(point.repetition);
}

store::PointKey MakePointKey(const Matrix& matrix, const Point& point,
                             int64_t run_id) {
  const Workload& w = matrix.workloads[point.workload_index];
  store::PointKey key;
  key.run_id = run_id;
  key.config_key = matrix.configs[point.config_index].Key();
  key.isl = static_cast<int>(w.isl);
  key.osl = static_cast<int>(w.osl);
  key.range_ratio = w.range_ratio;
  key.concurrency = point.concurrency;
  key.request_rate = 0;
  key.repetition = point.repetition;
  return key;
}

nlohmann::json ConfigDetails(const Matrix& m, int config_index) {
  const ServingConfig& c = m.configs[config_index];
  nlohmann::json d = {
      {"model", c.model},
      {"model_name", c.model_name.empty() ? c.model : c.model_name},
      {"hardware", c.hardware},
      {"engine", c.engine},
      {"precision", c.precision},
      {"kv_precision", c.kv_precision.empty() ? c.precision : c.kv_precision},
      {"tp", c.tp},
      {"pp", c.pp},
      {"ep", c.ep},
      {"dp_attention", c.dp_attention},
      {"parallelism", c.ParallelismLabel()},
      {"num_gpus", c.gpus()}};
  auto pool = [](const WorkerPool& w) {
    return nlohmann::json{{"num_workers", w.num_workers},
                          {"tp", w.tp},
                          {"pp", w.pp},
                          {"ep", w.ep},
                          {"dp_attention", w.dp_attention}};
  };
  if (c.disaggregated()) {
    d["prefill"] = pool(*c.prefill);
    d["decode"] = pool(*c.decode);
  }
  if (!c.metadata.empty()) d["metadata"] = c.metadata;
  if (std::string flags = EngineFlags(m.target, c); !flags.empty()) {
    d["engine_flags"] = flags;
  }
  if (c.canary) d["canary"] = true;
  if (m.target.kind == TargetKind::kLaunch) {
    if (std::string image = LaunchImage(m.target.launch, c); !image.empty()) {
      d["image"] = image;
      if (std::string digest = living::ImageDigest(image); !digest.empty()) {
        d["image_digest"] = digest;
      }
    }
  }
  return d;
}

store::PointRecord MakePointRecord(const Matrix& matrix, const Point& point,
                                   const store::ConfigRecord& identity,
                                   const bench::BenchResult& result,
                                   int64_t run_id) {
  store::PointRecord record;
  record.key = MakePointKey(matrix, point, run_id);
  record.series_key = living::SeriesKeyOf(identity, record.key);
  record.metrics = ToPointMetrics(result.metrics);
  record.metrics.valid = result.validity.valid;
  record.metrics.invalid_reasons =
      fmt::format("{}", fmt::join(result.validity.reasons, "; "));
  record.metrics_json = bench::BenchResultToJson(result);
  record.request_summaries = RequestSummaries(result);
  return record;
}

}  // namespace infx::sweep
