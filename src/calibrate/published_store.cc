// ImportPublished (calibrate/published.h): rows -> one run of the store.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "calibrate/published.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"

namespace infx::calibrate {
namespace {

int Gpus(const PublishedRow& r) { return r.tp * r.pp; }

// "tp8-ep8-dpa", as a sweep's config labels its parallelism.
std::string ParallelismLabel(const PublishedRow& r) {
  std::string s = fmt::format("tp{}", r.tp);
  if (r.pp > 1) s += fmt::format("-pp{}", r.pp);
  if (r.ep > 1) s += fmt::format("-ep{}", r.ep);
  if (r.dp_attention) s += "-dpa";
  return s;
}

// "llama-3.1-8b/h200/trtllm/fp8/tp1@1.0": a sweep's config key with the
// engine version (published tables differ by release).
std::string ConfigKey(const PublishedRow& r) {
  std::string key = fmt::format("{}/{}/{}/{}/{}", r.model, r.hardware, r.engine,
                                r.precision, ParallelismLabel(r));
  if (!r.engine_version.empty()) key += "@" + r.engine_version;
  return key;
}

// TensorRT-LLM's max-throughput runs schedule far more than vLLM's 256
// sequences at once (trtllm-bench sizes its batch to the KV cache).
int64_t MaxNumSeqs(const PublishedRow& r) {
  if (r.max_num_seqs > 0) return r.max_num_seqs;
  return r.engine == "trtllm" ? 2048 : 256;
}

store::ConfigRecord ConfigRecordOf(const PublishedRow& r, int64_t run_id,
                                   const std::string& source) {
  store::ConfigRecord rec;
  rec.run_id = run_id;
  rec.config_key = ConfigKey(r);
  rec.hardware = r.hardware;
  rec.num_gpus = Gpus(r);
  rec.engine_version = r.engine_version;
  rec.details = {{"model", r.model},
                 {"model_name", r.model},
                 {"hardware", r.hardware},
                 {"engine", r.engine},
                 {"engine_version", r.engine_version},
                 {"precision", r.precision},
                 {"kv_precision", r.precision},
                 {"tp", r.tp},
                 {"pp", r.pp},
                 {"ep", r.ep},
                 {"dp_attention", r.dp_attention},
                 {"parallelism", ParallelismLabel(r)},
                 {"num_gpus", Gpus(r)},
                 {"max_num_seqs", MaxNumSeqs(r)},
                 {"published_source", source}};
  return rec;
}

store::PointRecord PointRecordOf(const PublishedRow& r, int64_t run_id,
                                 int repetition, const std::string& path) {
  store::PointRecord p;
  p.key = {run_id,
           ConfigKey(r),
           static_cast<int>(r.isl),
           static_cast<int>(r.osl),
           r.range_ratio,
           static_cast<int>(r.concurrency),
           0,
           repetition};
  store::PointMetrics& m = p.metrics;
  m.tput_per_gpu_output = r.output_tok_s_per_gpu;
  m.tput_per_gpu_input = r.output_tok_s_per_gpu * r.isl / r.osl;
  m.tput_per_gpu_total = m.tput_per_gpu_output + m.tput_per_gpu_input;
  const double nan = std::nan("");
  m.median_tpot_ms = r.tpot_ms > 0 ? r.tpot_ms : nan;
  m.mean_tpot_ms = m.p99_tpot_ms = nan;
  m.interactivity_tok_s_user = r.tpot_ms > 0 ? 1000 / r.tpot_ms : nan;
  m.median_ttft_ms = r.ttft_ms > 0 ? r.ttft_ms : nan;
  m.mean_ttft_ms = m.p99_ttft_ms = nan;
  m.mean_itl_ms = m.median_itl_ms = m.p99_itl_ms = nan;
  m.mean_e2el_ms = m.median_e2el_ms = m.p99_e2el_ms = nan;
  m.request_throughput_rps = nan;
  m.completed = 1;  // a published result: one measurement, not requests
  m.valid = true;
  p.metrics_json = {{"published", true},
                    {"source_url", r.source_url},
                    {"file", fmt::format("{}:{}", path, r.line)},
                    {"output_tok_s_per_gpu", r.output_tok_s_per_gpu}};
  return p;
}

Status CheckNames(const std::vector<PublishedRow>& rows,
                  const std::string& path) {
  const hardware::HardwareCatalog catalog =
      hardware::HardwareCatalog::Builtin();
  std::map<std::string, bool> models;
  for (const PublishedRow& r : rows) {
    const std::string where = fmt::format("{}:{}", path, r.line);
    if (auto hw = catalog.Find(r.hardware); !hw.ok()) {
      return hw.status().WithContext(where + ": column 'hardware'");
    }
    if (!models.count(r.model)) {
      if (auto m = model::LoadModel(r.model); !m.ok()) {
        return m.status().WithContext(where + ": column 'model'");
      }
      models[r.model] = true;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ImportSummary> ImportPublished(store::ResultsStore& store,
                                      const std::vector<PublishedRow>& rows,
                                      const std::string& csv_text,
                                      const std::string& path,
                                      const std::string& source) {
  INFX_RETURN_IF_ERROR(CheckNames(rows, path));
  store::NewRun run;
  run.matrix_text =
      fmt::format("# infx import-measurements {} --source {}\n", path, source) +
      csv_text;
  run.matrix_name = source;
  run.labels = {{"source", source}, {"kind", "published"}};
  ImportSummary out;
  INFX_ASSIGN_OR_RETURN(out.run_id, store.CreateRun(run));
  std::map<std::string, int> seen;  // config key -> configs stored
  std::map<std::string, int> repeats;
  for (const PublishedRow& r : rows) {
    const std::string key = ConfigKey(r);
    if (!seen.count(key)) {
      INFX_RETURN_IF_ERROR(
          store.UpsertConfig(ConfigRecordOf(r, out.run_id, source)).status());
      seen[key] = 1;
      ++out.configs;
    }
    const std::string point = fmt::format("{}|{}|{}|{}|{}", key, r.isl, r.osl,
                                          r.range_ratio, r.concurrency);
    INFX_RETURN_IF_ERROR(
        store.InsertPoint(PointRecordOf(r, out.run_id, repeats[point]++, path))
            .status());
    ++out.points;
  }
  INFX_RETURN_IF_ERROR(store.FinishRun(out.run_id, store::kRunCompleted));
  return out;
}

}  // namespace infx::calibrate
