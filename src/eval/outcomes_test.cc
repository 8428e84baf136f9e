#include "eval/outcomes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.h"

namespace infx::eval {
namespace {

std::vector<Gsm8kItem> Key() {
  return {{"How many eggs?", "9*2=18\n#### 18"},
          {"How far?", "3*4=12\n#### 12"},
          {"How much?", "$1,000+$250\n#### 1,250"}};
}

TEST(OfflineScoringTest, LooksUpAnswersAndAcceptsLmEvalSamples) {
  const std::string text =
      "{\"question\": \"How many eggs?\", \"response\": \"#### 18\"}\n"
      "{\"question\": \"How far?\", \"response\": \"about 13 miles\"}\n"
      "{\"doc\": {\"question\": \"How much?\", \"answer\": \"#### 1,250\"},"
      " \"resps\": [[\"It costs $1,250.\"]]}\n"
      "{\"question\": \"Other?\", \"answer\": \"#### 5\", \"response\": "
      "\"no idea\"}\n";
  auto outcomes =
      ScoreResponsesJsonl(text, "r.jsonl", Key(), StrictPattern::kHashes);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_TRUE((*outcomes)[0].strict_correct);
  EXPECT_FALSE((*outcomes)[1].flexible_correct);
  EXPECT_FALSE((*outcomes)[2].strict_correct);
  EXPECT_TRUE((*outcomes)[2].flexible_correct);
  EXPECT_EQ((*outcomes)[2].doc_id, 2u);
  EXPECT_EQ((*outcomes)[3].flexible_answer, kInvalidAnswer);

  EvalSummary s = Summarize("gsm8k", *outcomes, 0);
  EXPECT_DOUBLE_EQ(s.strict_match.accuracy, 0.25);
  EXPECT_DOUBLE_EQ(s.flexible_extract.accuracy, 0.5);
  EXPECT_DOUBLE_EQ(s.no_number_rate, 0.25);
  EXPECT_DOUBLE_EQ(s.strict_invalid_rate, 0.75);
}

TEST(OfflineScoringTest, UnknownQuestionWithoutAnswerNamesLine) {
  auto r = ScoreResponsesJsonl(
      "{\"question\": \"How many eggs?\", \"response\": \"18\"}\n"
      "{\"question\": \"Unknown?\", \"response\": \"1\"}\n",
      "r.jsonl", Key(), StrictPattern::kHashes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("r.jsonl:2"), std::string::npos);
  auto no_response = ScoreResponsesJsonl("{\"question\": \"How far?\"}", "f",
                                         Key(), StrictPattern::kHashes);
  ASSERT_FALSE(no_response.ok());
  EXPECT_NE(no_response.status().message().find("response"), std::string::npos);
}

TEST(OutcomesFileTest, RoundTripAndCompare) {
  std::vector<QuestionOutcome> a;
  std::vector<QuestionOutcome> b;
  const auto key = Key();
  for (size_t i = 0; i < key.size(); ++i) {
    a.push_back(MakeOutcome(i, key[i], "#### 18", StrictPattern::kHashes));
    b.push_back(MakeOutcome(i, key[i], "#### 12", StrictPattern::kHashes));
  }
  b[1].error = "timeout";
  b[1].completion_tokens = 7;
  const auto path =
      std::filesystem::temp_directory_path() /
      ("infx_eval_outcomes_" + std::to_string(::getpid()) + ".jsonl");
  ASSERT_TRUE(WriteOutcomesJsonl(path, b).ok());
  auto read = ReadOutcomesJsonl(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[1].error, "timeout");
  EXPECT_EQ((*read)[1].completion_tokens, 7);
  EXPECT_TRUE((*read)[1].strict_correct);
  EXPECT_EQ((*read)[2].question, key[2].question);

  auto cmp = CompareOutcomes(a, *read, Filter::kStrictMatch, 0.05);
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->paired.n, 3u);
  EXPECT_EQ(cmp->paired.only_a_correct, 1u);
  EXPECT_EQ(cmp->paired.only_b_correct, 1u);
  EXPECT_EQ(cmp->paired.verdict, Verdict::kSame);
  EXPECT_EQ(ComparisonToJson(*cmp)["verdict"], "same");

  std::vector<QuestionOutcome> other = {a[0]};
  other[0].question = "different";
  EXPECT_FALSE(CompareOutcomes(a, other, Filter::kStrictMatch, 0.05).ok());
  EXPECT_FALSE(CompareOutcomes(a, b, Filter::kStrictMatch, 1.5).ok());
}

TEST(OutcomesFileTest, RejectsNonOutcomeLines) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("infx_eval_bad_" + std::to_string(::getpid()) + ".jsonl");
  ASSERT_TRUE(WriteFileAtomic(path, "{\"question\": \"q\"}\n").ok());
  auto read = ReadOutcomesJsonl(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find(":1"), std::string::npos);
}

}  // namespace
}  // namespace infx::eval
