#include "sweep/matrix.h"

#include <gtest/gtest.h>

namespace infx::sweep {
namespace {

Result<Matrix> Parse(const std::string& text) {
  return ParseMatrix(YAML::Load(text), "m.yaml");
}

TEST(DoublingRangeTest, IncludesEndAfterOvershoot) {
  EXPECT_EQ(DoublingRange(4, 64), (std::vector<int>{4, 8, 16, 32, 64}));
  EXPECT_EQ(DoublingRange(4, 48), (std::vector<int>{4, 8, 16, 32, 48}));
  EXPECT_EQ(DoublingRange(1, 1), (std::vector<int>{1}));
  EXPECT_TRUE(DoublingRange(8, 4).empty());
}

TEST(MatrixTest, CartesianProductOfParallelismLists) {
  auto m = Parse(R"(
name: t
seed: 7
configs:
  - model: llama-3.1-8b
    tp: [1, 2]
    precision: [bf16, fp8]
  - model: llama-3.1-70b
    tp: 8
    concurrency: [64, 8]
workloads:
  - {isl: 128, osl: 64}
  - {isl: 256, osl: 32, range_ratio: 0.5}
concurrency: {start: 1, end: 4}
repetitions: 2
prompts: {per_concurrency: 5, min: 4, max: 12}
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->name, "t");
  EXPECT_EQ(m->seed, 7u);
  ASSERT_EQ(m->configs.size(), 5u);
  EXPECT_EQ(m->configs[0].Key(), "llama-3.1-8b/h200/vllm/bf16/tp1");
  EXPECT_EQ(m->configs[1].Key(), "llama-3.1-8b/h200/vllm/bf16/tp2");
  EXPECT_EQ(m->configs[2].Key(), "llama-3.1-8b/h200/vllm/fp8/tp1");
  EXPECT_EQ(m->configs[3].Key(), "llama-3.1-8b/h200/vllm/fp8/tp2");
  EXPECT_EQ(m->configs[4].gpus(), 8);
  EXPECT_EQ(m->concurrencies, (std::vector<int>{1, 2, 4}));

  auto points = ExpandPoints(*m);
  // 4 configs x 2 workloads x 3 conc x 2 reps + 1 x 2 x 2 x 2.
  EXPECT_EQ(points.size(), 4u * 2 * 3 * 2 + 1u * 2 * 2 * 2);
  EXPECT_EQ(points[0].concurrency, 1);
  EXPECT_EQ(points[0].num_prompts, 5);
  EXPECT_EQ(points[1].repetition, 1);
  const Point& last = points.back();
  EXPECT_EQ(last.config_index, 4);
  EXPECT_EQ(last.concurrency, 64);
  EXPECT_EQ(last.num_prompts, 12);  // clamped to max
}

TEST(MatrixTest, DisaggregatedWorkers) {
  auto m = Parse(R"(
configs:
  - model: deepseek-r1
    hardware: b200
    disaggregated:
      - prefill: {num_workers: 1, tp: 4, ep: 4, dp_attention: true}
        decode: {num_workers: 2, tp: 8, ep: 8}
workloads: [{isl: 8192, osl: 1024}]
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->configs.size(), 1u);
  const ServingConfig& c = m->configs[0];
  EXPECT_TRUE(c.disaggregated());
  EXPECT_EQ(c.gpus(), 4 + 16);
  EXPECT_EQ(c.ParallelismLabel(), "p1x4ep4dpa-d2x8ep8");
}

TEST(MatrixTest, TargetLaunch) {
  auto m = Parse(R"(
target:
  type: launch
  launch:
    commands: {vllm: "vllm serve {model} --port {port}"}
    startup_timeout_s: 5
configs: [{model: m}]
workloads: [{isl: 1, osl: 1}]
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->target.kind, TargetKind::kLaunch);
  EXPECT_EQ(m->target.launch.commands.at("vllm"),
            "vllm serve {model} --port {port}");
  EXPECT_DOUBLE_EQ(m->target.launch.startup_timeout_s, 5);
}

TEST(MatrixTest, EvalSetsTheEmulatorAnswerKey) {
  auto m = Parse(R"(
configs: [{model: m}]
workloads: [{isl: 1, osl: 1}]
eval: {num_questions: 20, data: /data/gsm8k/test.jsonl, points: [64, 4, 4],
       answer_accuracy: "1:0.95,64:0.8"}
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->eval.num_questions, 20);
  EXPECT_EQ(m->eval.points, EvalPoints::kList);
  EXPECT_EQ(m->eval.concurrencies, (std::vector<int>{4, 64}));
  EXPECT_EQ(m->target.emulator.answers_path, "/data/gsm8k/test.jsonl");
  EXPECT_EQ(m->target.emulator.answer_accuracy, "1:0.95,64:0.8");
  auto missing = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 1, osl: 1}]\n"
      "eval: {num_questions: 5}");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'data'"), std::string::npos);
}

TEST(MatrixTest, EvalPointModesAndMinScores) {
  const std::string head =
      "configs:\n"
      "  - {model: llama-3.1-8b, tp: [1, 2]}\n"
      "  - {model: llama-3.1-70b, eval_min_score: 0.5}\n"
      "  - {model: qwen}\n"
      "workloads: [{isl: 1, osl: 1}]\n";
  for (const auto& [text, mode] :
       std::vector<std::pair<std::string, EvalPoints>>{
           {"highest", EvalPoints::kHighest},
           {"median", EvalPoints::kMedian},
           {"highest-and-median", EvalPoints::kHighestAndMedian},
           {"frontier", EvalPoints::kFrontier},
           {"all", EvalPoints::kAll},
           {"32", EvalPoints::kList}}) {
    auto m =
        Parse(head + "eval: {num_questions: 5, data: d, points: " + text + "}");
    ASSERT_TRUE(m.ok()) << text << ": " << m.status().ToString();
    EXPECT_EQ(m->eval.points, mode) << text;
    if (mode != EvalPoints::kList) {
      EXPECT_EQ(EvalPointsName(mode), text);
    }
  }
  auto defaults = Parse(head + "eval: {num_questions: 5, data: d}");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->eval.points, EvalPoints::kHighest);
  EXPECT_EQ(defaults->eval.min_concurrency, 1);
  EXPECT_DOUBLE_EQ(defaults->EvalMinScore(defaults->configs[0]), 0.90);

  // Config block beats the per-model map, which beats the default.
  auto m = Parse(head +
                 "eval: {num_questions: 5, data: d, min_score: 0.8, "
                 "min_concurrency: 16, min_score_by_model: {qwen: 0.94, "
                 "llama-3.1-70b: 0.99}}");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->configs.size(), 4u);
  EXPECT_EQ(m->eval.min_concurrency, 16);
  EXPECT_DOUBLE_EQ(m->EvalMinScore(m->configs[0]), 0.8);
  EXPECT_DOUBLE_EQ(m->EvalMinScore(m->configs[1]), 0.8);
  EXPECT_DOUBLE_EQ(m->EvalMinScore(m->configs[2]), 0.5);
  EXPECT_DOUBLE_EQ(m->EvalMinScore(m->configs[3]), 0.94);

  struct Bad {
    std::string eval;
    std::string needle;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"{num_questions: 5, data: d, points: middle}", "middle"},
           {"{num_questions: 5, data: d, points: [4, 0]}", "'points'"},
           {"{num_questions: 5, data: d, points: {a: 1}}", "'points'"},
           {"{num_questions: 5, data: d, min_score: 1.5}", "'min_score'"},
           {"{num_questions: 5, data: d, min_score_by_model: {m: x}}", "x"},
           {"{num_questions: 5, data: d, min_score_by_model: [1]}",
            "min_score_by_model"},
           {"{num_questions: 5, data: d, min_concurrency: 0}",
            "'min_concurrency'"},
           {"{num_questions: 5, data: d, task: mmlu}", "mmlu"},
           {"{num_questions: 5, data: d, concurrencies: [4]}",
            "'concurrencies'"}}) {
    auto r = Parse(head + "eval: " + bad.eval);
    ASSERT_FALSE(r.ok()) << bad.eval;
    EXPECT_NE(r.status().message().find(bad.needle), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("eval"), std::string::npos)
        << r.status().message();
  }
  auto bad_block = Parse(
      "configs: [{model: m, eval_min_score: -1}]\nworkloads: [{isl: 1, osl: "
      "1}]");
  ASSERT_FALSE(bad_block.ok());
  EXPECT_NE(bad_block.status().message().find("configs[0]"), std::string::npos)
      << bad_block.status().message();
}

TEST(MatrixTest, ErrorsNameTheField) {
  auto unknown =
      Parse("configs: [{model: m, tpp: 2}]\nworkloads: [{isl: 1, osl: 1}]");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("configs[0]: unknown field 'tpp'"),
            std::string::npos)
      << unknown.status().message();

  auto bad_tp = Parse(
      "configs: [{model: m, tp: [1, two]}]\nworkloads: [{isl: 1, osl: 1}]");
  ASSERT_FALSE(bad_tp.ok());
  EXPECT_NE(bad_tp.status().message().find("'tp'"), std::string::npos);
  EXPECT_NE(bad_tp.status().message().find("two"), std::string::npos);

  auto no_workloads = Parse("configs: [{model: m}]");
  ASSERT_FALSE(no_workloads.ok());
  EXPECT_NE(no_workloads.status().message().find("workloads"),
            std::string::npos);

  auto bad_target = Parse(
      "target: {type: url}\nconfigs: [{model: m}]\nworkloads: [{isl: 1, osl: "
      "1}]");
  ASSERT_FALSE(bad_target.ok());
  EXPECT_NE(bad_target.status().message().find("url"), std::string::npos);

  auto bad_conc = Parse(
      "concurrency: {start: 8, end: 2}\nconfigs: [{model: m}]\nworkloads: "
      "[{isl: 1, osl: 1}]");
  ASSERT_FALSE(bad_conc.ok());
}

TEST(MatrixTest, TraceWorkloads) {
  auto m = Parse(R"(
configs: [{model: m}]
workloads:
  - {isl: 15000, osl: 150, dataset: mooncake, dataset_path: t.jsonl,
     trace_speedup: 10, trace_timestamps: false, prefix_hit_rate: 0.4}
  - {isl: 128, osl: 64}
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Workload& w = m->workloads[0];
  EXPECT_EQ(w.dataset, "mooncake");
  EXPECT_EQ(w.dataset_path, "t.jsonl");
  EXPECT_DOUBLE_EQ(w.trace_speedup, 10);
  EXPECT_FALSE(w.trace_timestamps);
  EXPECT_EQ(w.hash_block_size, 512);
  EXPECT_DOUBLE_EQ(w.prefix_hit_rate, 0.4);
  EXPECT_EQ(w.Label(), "15000/150 mooncake");
  EXPECT_EQ(m->workloads[1].Label(), "128/64");
  auto bad = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 1, osl: 1, dataset: nope}]");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("dataset 'nope'"), std::string::npos);
  auto no_path = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 1, osl: 1, dataset: weka}]");
  ASSERT_FALSE(no_path.ok());
  EXPECT_NE(no_path.status().message().find("needs dataset_path"),
            std::string::npos);
  auto path_only = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 1, osl: 1, dataset_path: "
      "t.jsonl}]");
  ASSERT_FALSE(path_only.ok());
  EXPECT_NE(path_only.status().message().find("dataset_path needs a dataset"),
            std::string::npos);
  auto slow = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 1, osl: 1, dataset: weka, "
      "dataset_path: w.json, trace_speedup: 0}]");
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("trace_speedup must be > 0"),
            std::string::npos);
}

// issue 12 defect 3: integers are parsed as 64-bit and range-checked, with
// the field named; nothing wraps at 32 bits.
TEST(MatrixTest, IntegersDoNotWrapAndNameTheField) {
  const std::string tail = "\nworkloads: [{isl: 8, osl: 8}]\n";
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"configs: [{model: m}]\nconcurrency: [4294967297]", "'concurrency'"},
      {"configs: [{model: m}]\nconcurrency: 100000000000", "'concurrency'"},
      {"configs: [{model: m, tp: 4294967297}]", "'tp'"},
      {"configs: [{model: m, concurrency: {start: 1, end: 4294967297}}]",
       "'end'"},
      {"configs: [{model: m, disaggregated: [{prefill: {tp: 4294967297}, "
       "decode: {}}]}]",
       "'tp'"},
      {"configs: [{model: m}]\nrepetitions: 4294967297", "'repetitions'"},
      {"configs: [{model: m}]\nprompts: 4294967297", "'prompts'"},
      {"configs: [{model: m}]\nwarmup_requests: 4294967297",
       "'warmup_requests'"},
  };
  for (const auto& c : cases) {
    auto m = Parse(c.text + tail);
    ASSERT_FALSE(m.ok()) << c.text << " parsed as concurrency "
                         << (m.ok() && !m->concurrencies.empty()
                                 ? m->concurrencies[0]
                                 : 0);
    EXPECT_NE(m.status().message().find(c.field + " must be between"),
              std::string::npos)
        << m.status().message();
    const std::string& msg = m.status().message();
    EXPECT_TRUE(msg.find("4294967297") != std::string::npos ||
                msg.find("100000000000") != std::string::npos)
        << "the message shows the value: " << m.status().message();
  }
  auto isl = Parse(
      "configs: [{model: m}]\nworkloads: [{isl: 100000000000, "
      "osl: 8}]\n");
  ASSERT_FALSE(isl.ok());
  EXPECT_NE(isl.status().message().find("workloads[0]: 'isl' must be between"),
            std::string::npos)
      << isl.status().message();
  auto seed = Parse("seed: 18446744073709551615\nconfigs: [{model: m}]" + tail);
  EXPECT_FALSE(seed.ok());
}

}  // namespace
}  // namespace infx::sweep
