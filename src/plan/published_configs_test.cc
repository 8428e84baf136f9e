// No feasible config cut (issue 17 item 5): configurations that engines'
// own published benchmarks and guides show running must survive the
// planner's static and memory cuts, with room for at least one sequence of
// the published lengths. Each row cites its source; models are the HF
// configs in shared/data/models (or the built-in copy when the file is not
// there), hardware the built-in catalog. docs/perf-model.md ("engine memory
// reservation", "No feasible config cut") explains how each engine's memory
// fraction is modelled.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/files.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "plan/enumerate.h"
#include "plan/plan.h"

namespace infx::plan {
namespace {

struct Published {
  const char* source;
  perf::Engine engine;
  const char* model;  // shared/data/models stem, or a built-in name
  const char* hardware;
  Precision precision;
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  int64_t isl = 0;
  int64_t osl = 0;
};

// TensorRT-LLM perf-overview, v1.0 (docs/source/performance/
// perf-overview.md): trtllm-bench max-throughput rows with fixed lengths,
// kv_cache_free_gpu_mem_fraction 0.90-0.95. The longest published length
// of each column is used (20000/2000 unless that cell is empty).
constexpr const char* kTrtllmV1 = "TensorRT-LLM v1.0 perf-overview";
// Older perf-overview (v0.17-v0.18) tables ran Llama-3.1-70B FP8 on one
// H100 80GB (TP1) at 128/128 ... 2048/2048.
constexpr const char* kTrtllmV017 = "TensorRT-LLM v0.17 perf-overview";
// vLLM blog "Llama 4 in vLLM" (2025-04-05): on 8x H100, Scout (BF16) with
// 1M context and Maverick (FP8) with ~430K; on 8x H200 Scout 3.6M and
// Maverick 1M; vllm serve --tensor-parallel-size 8 --max-model-len N.
constexpr const char* kVllmLlama4 = "vLLM blog, Llama 4 (2025-04-05)";
// vLLM recipes, DeepSeek-V3/R1: 8x H200 FP8 TP8 + EP (default
// max-model-len: the model's 163,840 tokens must fit one sequence).
constexpr const char* kVllmDeepSeek = "vLLM recipes, DeepSeek-R1";
// SGLang docs, DeepSeek V3/V3.1/R1 usage: FP8 on 8x H200, 8x B200,
// 8x MI300X and 2x8 H100 (TP16).
constexpr const char* kSglangDeepSeek = "SGLang docs, DeepSeek V3/R1 usage";

using perf::Engine;
constexpr Precision kFp8 = Precision::kFp8;
constexpr Precision kFp4 = Precision::kFp4;
constexpr Precision kBf16 = Precision::kBf16;

const std::vector<Published>& Rows() {
  static const std::vector<Published> kRows = {
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-70B", "h200",
       kFp8, 1, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-70B", "h100",
       kFp8, 2, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-70B", "b200",
       kFp4, 1, 1, 1, false, 20000, 2000},
      {kTrtllmV017, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-70B", "h100",
       kFp8, 1, 1, 1, false, 2048, 2048},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-405B", "h100",
       kFp8, 8, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-405B", "h200",
       kFp8, 8, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-405B", "b200",
       kFp4, 4, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Meta-Llama-3.1-8B", "h100",
       kFp8, 1, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "Qwen--Qwen3-235B-A22B", "h100", kFp8, 8, 1,
       1, false, 5000, 500},
      {kTrtllmV1, Engine::kTrtllm, "Qwen--Qwen3-235B-A22B", "h200", kFp8, 8, 1,
       1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "Qwen--Qwen3-235B-A22B", "b200", kFp4, 8, 1,
       1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "Qwen--Qwen3-30B-A3B", "b200", kFp4, 1, 1, 1,
       false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Llama-4-Scout-17B-16E-Instruct",
       "h100", kFp8, 4, 1, 1, false, 5000, 500},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Llama-4-Scout-17B-16E-Instruct",
       "h200", kFp8, 4, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "meta-llama--Llama-4-Scout-17B-16E-Instruct",
       "b200", kFp4, 1, 1, 1, false, 20000, 2000},
      {kTrtllmV1, Engine::kTrtllm, "llama-4-maverick", "h100", kFp8, 8, 1, 1,
       false, 5000, 500},
      {kVllmLlama4, Engine::kVllm, "meta-llama--Llama-4-Scout-17B-16E-Instruct",
       "h100", kBf16, 8, 1, 1, false, 1000000 - 2048, 2048},
      {kVllmLlama4, Engine::kVllm, "llama-4-maverick", "h100", kFp8, 8, 1, 1,
       false, 430000 - 2048, 2048},
      {kVllmLlama4, Engine::kVllm, "llama-4-maverick", "h200", kFp8, 8, 1, 1,
       false, 1000000 - 2048, 2048},
      {kVllmDeepSeek, Engine::kVllm, "deepseek-ai--DeepSeek-R1", "h200", kFp8,
       8, 1, 8, false, 163840 - 8192, 8192},
      {kSglangDeepSeek, Engine::kSglang, "deepseek-ai--DeepSeek-R1", "h200",
       kFp8, 8, 1, 1, false, 163840 - 8192, 8192},
      {kSglangDeepSeek, Engine::kSglang, "deepseek-ai--DeepSeek-V3", "b200",
       kFp8, 8, 1, 1, false, 163840 - 8192, 8192},
      {kSglangDeepSeek, Engine::kSglang, "deepseek-ai--DeepSeek-V3", "mi300x",
       kFp8, 8, 1, 1, false, 163840 - 8192, 8192},
      {kSglangDeepSeek, Engine::kSglang, "deepseek-ai--DeepSeek-R1", "h100",
       kFp8, 16, 1, 1, false, 32768, 4096},
  };
  return kRows;
}

Result<model::ModelSpec> LoadPublishedModel(const std::string& name) {
  const auto file =
      SharedDataDir(INFX_SOURCE_DIR) / "models" / (name + ".json");
  if (name.find("--") != std::string::npos) {
    return model::LoadModel(file.string());
  }
  return model::LoadModel(name);
}

std::string Describe(const Published& p) {
  return std::string(p.source) + ": " + p.model + " " +
         std::string(PrecisionName(p.precision)) + " on " +
         std::to_string(p.tp * p.pp) + "x " + p.hardware + " (" +
         std::string(perf::EngineName(p.engine)) + ", tp" +
         std::to_string(p.tp) + " pp" + std::to_string(p.pp) + " ep" +
         std::to_string(p.ep) + "), " + std::to_string(p.isl) + "/" +
         std::to_string(p.osl);
}

class PublishedConfigTest : public ::testing::TestWithParam<size_t> {};

TEST_P(PublishedConfigTest, PlannerKeepsAConfigTheEngineRuns) {
  const Published& p = Rows()[GetParam()];
  SCOPED_TRACE(Describe(p));
  PlanRequest r;
  auto model = LoadPublishedModel(p.model);
  ASSERT_TRUE(model.ok()) << model.status().message();
  r.model = *model;
  auto hw = hardware::HardwareCatalog::Builtin().Find(p.hardware);
  ASSERT_TRUE(hw.ok()) << hw.status().message();
  r.hardware = *hw;
  r.engine = p.engine;
  r.precisions = {p.precision};
  r.workload = {p.isl, p.osl, 1.0};
  r.include_disaggregated = false;
  const int gpus = p.tp * p.pp;
  const std::vector<Candidate> all = Enumerate(r, gpus);
  const Candidate* found = nullptr;
  for (const Candidate& c : all) {
    const perf::Parallelism& q = c.parallelism;
    if (q.tp == p.tp && q.pp == p.pp && q.ep == p.ep &&
        q.dp_attention == p.dp_attention && !c.disaggregated) {
      found = &c;
    }
  }
  ASSERT_NE(found, nullptr) << "the planner does not enumerate this shape";
  EXPECT_TRUE(found->kept())
      << CutKindName(found->cut) << ": " << found->reason;
  EXPECT_GE(found->max_concurrency, 1);
}

INSTANTIATE_TEST_SUITE_P(Published, PublishedConfigTest,
                         ::testing::Range<size_t>(0, Rows().size()));

}  // namespace
}  // namespace infx::plan
