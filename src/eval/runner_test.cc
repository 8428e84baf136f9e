// Pure parts of the online runner; the network path is covered end to end
// by tests/eval_itest.cc against the emulator.
#include "eval/runner.h"

#include <gtest/gtest.h>

namespace infx::eval {
namespace {

std::vector<Gsm8kItem> TestItems() {
  return {{"q0", "#### 18"}, {"q1", "#### 5"}, {"q2", "#### 7"}};
}

metrics::RequestRecord Ok(std::string text, int64_t tokens) {
  metrics::RequestRecord r;
  r.send_ns = 1'000'000;
  r.end_ns = 5'000'000;
  r.text = std::move(text);
  r.usage_completion_tokens = tokens;
  r.usage_prompt_tokens = 100;
  return r;
}

TEST(RunnerTest, CutAtFirstStopSequence) {
  const auto stops = StopSequences(TaskKind::kGsm8k);
  EXPECT_EQ(CutAtStop("#### 18\n\nQuestion: next", stops), "#### 18\n\n");
  EXPECT_EQ(CutAtStop("a</s>b<|im_end|>", stops), "a");
  EXPECT_EQ(CutAtStop("no stop", stops), "no stop");
}

TEST(RunnerTest, TransientErrors) {
  metrics::RequestRecord r;
  r.error = metrics::ErrorKind::kConnectRefused;
  EXPECT_TRUE(IsTransient(r));
  r.error = metrics::ErrorKind::kHttpStatus;
  r.http_status = 503;
  EXPECT_TRUE(IsTransient(r));
  r.http_status = 429;
  EXPECT_TRUE(IsTransient(r));
  r.http_status = 400;
  EXPECT_FALSE(IsTransient(r));
  r.error = metrics::ErrorKind::kMalformedEvent;
  EXPECT_FALSE(IsTransient(r));
}

TEST(RunnerTest, RecordsBecomeScoredOutcomes) {
  TaskOptions task;
  task.num_fewshot = 0;
  auto prompts = BuildPrompts(task, TestItems(), {}, 0);
  ASSERT_TRUE(prompts.ok());
  std::vector<metrics::RequestRecord> records = {
      Ok("So 18.\n#### 18\n\nQuestion: extra #### 99", 12),
      Ok("The answer is 4", 6), metrics::RequestRecord{}};
  records[2].error = metrics::ErrorKind::kTimeout;
  records[2].error_message = "deadline passed";
  auto outcomes = OutcomesFromRecords(task, TestItems(), *prompts, records);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].strict_correct);
  EXPECT_EQ(outcomes[0].response, "So 18.\n#### 18\n\n");
  EXPECT_EQ(outcomes[0].completion_tokens, 12);
  EXPECT_DOUBLE_EQ(outcomes[0].latency_ms, 4.0);
  EXPECT_FALSE(outcomes[1].flexible_correct);
  EXPECT_FALSE(outcomes[2].strict_correct);
  EXPECT_NE(outcomes[2].error.find("timeout"), std::string::npos);
  EXPECT_NE(outcomes[2].error.find("deadline passed"), std::string::npos);

  EvalRun run;
  run.outcomes = outcomes;
  run.summary = Summarize("gsm8k", outcomes, 2.0);
  EXPECT_EQ(run.summary.errors, 1u);
  EXPECT_DOUBLE_EQ(run.summary.output_tokens_per_s, 9.0);
  store::EvalRecord rec =
      ToEvalRecord(run, Filter::kStrictMatch, 3, "cfg", int64_t{7});
  EXPECT_EQ(rec.task, "gsm8k");
  EXPECT_NEAR(rec.accuracy, 1.0 / 3, 1e-12);
  EXPECT_EQ(rec.num_questions, 3);
  ASSERT_EQ(rec.outcomes.size(), 3u);
  EXPECT_EQ(rec.outcomes[0]["correct"], true);
  EXPECT_FALSE(rec.outcomes[0].contains("response"));
  auto back = OutcomeFromJson(rec.outcomes[0], "store");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->question, "q0");
}

TEST(RunnerTest, StoresEvalBesidePoint) {
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto run_id = (*store)->CreateRun({});
  ASSERT_TRUE(run_id.ok());
  store::ConfigRecord config;
  config.run_id = *run_id;
  config.config_key = "cfg";
  ASSERT_TRUE((*store)->UpsertConfig(config).ok());
  EvalRun run;
  run.outcomes.push_back(
      MakeOutcome(0, TestItems()[0], "#### 18", StrictPattern::kHashes));
  run.summary = Summarize("gsm8k", run.outcomes, 1.0);
  auto id = (*store)->InsertEval(
      ToEvalRecord(run, Filter::kStrictMatch, *run_id, "cfg", std::nullopt));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto evals = (*store)->ListEvals(*run_id);
  ASSERT_TRUE(evals.ok());
  ASSERT_EQ(evals->size(), 1u);
  EXPECT_DOUBLE_EQ((*evals)[0].accuracy, 1.0);
  EXPECT_EQ((*evals)[0].outcomes[0]["question"], "q0");
}

TEST(RunnerTest, MissingDataIsAClearError) {
  TaskOptions task;
  auto none = LoadSplitsFor(task, "");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("--data"), std::string::npos);
  auto missing = LoadSplitsFor(task, "/nonexistent/gsm8k");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/gsm8k"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::eval
