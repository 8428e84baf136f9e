#include "eval/prompts.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"
#include "eval/python_random.h"

namespace infx::eval {
namespace {

std::vector<Gsm8kItem> Items(const std::string& tag, int n) {
  std::vector<Gsm8kItem> items;
  for (int i = 0; i < n; ++i) {
    items.push_back(
        {tag + " q" + std::to_string(i),
         "work " + std::to_string(i) + "\n#### " + std::to_string(i)});
  }
  return items;
}

TEST(TaskNameTest, DefaultsPerTask) {
  EXPECT_EQ(ParseTaskName("gsm8k")->num_fewshot, 5);
  EXPECT_EQ(ParseTaskName("gsm8k_cot")->num_fewshot, 8);
  EXPECT_TRUE(ParseTaskName("gsm8k_chat")->chat);
  EXPECT_EQ(ParseTaskName("gsm8k_chat")->num_fewshot, 0);
  EXPECT_EQ(TaskName(*ParseTaskName("gsm8k_cot_chat")), "gsm8k_cot_chat");
  Result<TaskOptions> bad = ParseTaskName("mmlu");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("mmlu"), std::string::npos);
}

TEST(PromptsTest, Gsm8kFewShotFollowsLmEvalSampler) {
  const auto test = Items("test", 3);
  const auto train = Items("train", 50);
  TaskOptions task;  // gsm8k, 5-shot, seed 1234
  auto prompts = BuildPrompts(task, test, train, 0);
  ASSERT_TRUE(prompts.ok());
  ASSERT_EQ(prompts->size(), 3u);
  PythonRandom rnd(1234);
  for (size_t doc = 0; doc < 3; ++doc) {
    std::string expected;
    for (uint32_t i : rnd.SampleIndices(50, 5)) {
      expected += "Question: " + train[i].question +
                  "\nAnswer: " + train[i].answer + "\n\n";
    }
    expected += "Question: " + test[doc].question + "\nAnswer:";
    EXPECT_EQ((*prompts)[doc].prompt, expected);
    EXPECT_EQ((*prompts)[doc].doc_id, doc);
  }
}

TEST(PromptsTest, SeedChangesExemplarsAndLimitApplies) {
  const auto test = Items("test", 10);
  const auto train = Items("train", 200);
  TaskOptions a;
  TaskOptions b;
  b.fewshot_seed = 7;
  auto pa = BuildPrompts(a, test, train, 4);
  auto pb = BuildPrompts(b, test, train, 4);
  ASSERT_TRUE(pa.ok() && pb.ok());
  EXPECT_EQ(pa->size(), 4u);
  EXPECT_NE((*pa)[0].prompt, (*pb)[0].prompt);
  EXPECT_EQ((*BuildPrompts(a, test, train, 4))[3].prompt, (*pa)[3].prompt);
}

TEST(PromptsTest, CotUsesFixedExemplars) {
  const auto test = Items("test", 1);
  TaskOptions task = *ParseTaskName("gsm8k_cot");
  auto prompts = BuildPrompts(task, test, {}, 0);
  ASSERT_TRUE(prompts.ok());
  const std::string& p = (*prompts)[0].prompt;
  EXPECT_EQ(p.rfind("Q: There are 15 trees in the grove.", 0), 0u);
  EXPECT_NE(p.find("\nA: There are 15 trees originally."), std::string::npos);
  EXPECT_NE(p.find("The answer is 8.\n\nQ: test q0\nA:"), std::string::npos);
  EXPECT_EQ(p.substr(p.size() - 3), "\nA:");
  task.num_fewshot = 9;
  EXPECT_FALSE(BuildPrompts(task, test, {}, 0).ok());
}

TEST(PromptsTest, ChatFewShotIsMultiTurn) {
  const auto test = Items("test", 1);
  TaskOptions task = *ParseTaskName("gsm8k_cot_chat");
  task.num_fewshot = 2;
  auto prompts = BuildPrompts(task, test, {}, 0);
  ASSERT_TRUE(prompts.ok());
  const auto& m = (*prompts)[0].messages;
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].role, "user");
  EXPECT_EQ(m[1].role, "assistant");
  EXPECT_EQ(m[1].content, CotExemplars()[0].answer);
  EXPECT_EQ(m[4].content, "Q: test q0\nA:");
  EXPECT_TRUE((*prompts)[0].prompt.empty());
  TaskOptions zero = *ParseTaskName("gsm8k_chat");
  auto z = BuildPrompts(zero, test, {}, 0);
  ASSERT_TRUE(z.ok());
  ASSERT_EQ((*z)[0].messages.size(), 1u);
  EXPECT_EQ((*z)[0].messages[0].content, "Question: test q0\nAnswer:");
}

TEST(PromptsTest, FewShotWithoutTrainIsAnError) {
  TaskOptions task;
  auto r = BuildPrompts(task, Items("t", 2), {}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("train"), std::string::npos);
}

TEST(PromptsTest, RealGsm8kFirstPrompt) {
  const auto dir = SharedDataDir(INFX_SOURCE_DIR) / "gsm8k";
  if (!std::filesystem::exists(dir / "train.jsonl")) GTEST_SKIP();
  auto test = LoadGsm8kSplit(dir, "test");
  auto train = LoadGsm8kSplit(dir, "train");
  ASSERT_TRUE(test.ok() && train.ok());
  EXPECT_EQ(test->size(), 1319u);
  EXPECT_EQ(train->size(), 7473u);
  auto prompts = BuildPrompts(TaskOptions{}, *test, *train, 1);
  ASSERT_TRUE(prompts.ok());
  // lm-eval's first exemplar for seed 1234 is train[6374].
  EXPECT_EQ((*prompts)[0].prompt.rfind(
                "Question: " + (*train)[6374].question + "\nAnswer: ", 0),
            0u);
  EXPECT_NE((*prompts)[0].prompt.find("Janet"), std::string::npos);
}

TEST(Gsm8kDataTest, ErrorsNameTheInput) {
  auto bad = ParseGsm8kJsonl("{\"question\": \"q\"}\n", "x.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.jsonl:1"), std::string::npos);
  EXPECT_NE(bad.status().message().find("answer"), std::string::npos);
  EXPECT_FALSE(ParseGsm8kJsonl("not json\n", "y").ok());
  auto missing = LoadGsm8kSplit("/nonexistent/dir", "test");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  auto ok = ParseGsm8kJsonl(
      "{\"question\": \"q\", \"answer\": \"a\\n#### 1\"}\n\n", "z");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 1u);
}

}  // namespace
}  // namespace infx::eval
