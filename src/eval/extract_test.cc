// Extraction and normalisation match lm-evaluation-harness. Expected values
// were produced by lm-eval's own regexes with Python's `re` (RegexFilter +
// exact_match regexes_to_ignore) on the same strings.
#include "eval/extract.h"

#include <gtest/gtest.h>

namespace infx::eval {
namespace {

struct Shape {
  const char* response;
  const char* strict_hashes;
  const char* strict_answer_is;
  const char* flexible;
};

class ExtractShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(ExtractShapes, MatchesLmEval) {
  const Shape& s = GetParam();
  EXPECT_EQ(ExtractStrict(s.response, StrictPattern::kHashes), s.strict_hashes);
  EXPECT_EQ(ExtractStrict(s.response, StrictPattern::kAnswerIs),
            s.strict_answer_is);
  EXPECT_EQ(ExtractFlexible(s.response), s.flexible);
}

INSTANTIATE_TEST_SUITE_P(
    RealAnswerShapes, ExtractShapes,
    ::testing::Values(
        Shape{"Janet sells 9 eggs.\n#### 18", "18", "[invalid]", "18"},
        Shape{"So the total is -5 degrees.\n#### -5", "-5", "[invalid]", "-5"},
        Shape{"The price is 2.50 each.\n#### 2.5", "2.5", "[invalid]", "2.5"},
        Shape{"He made $70,000 profit.\n#### 70,000", "70,000", "[invalid]",
              "70,000"},
        Shape{"#### $18", "[invalid]", "[invalid]", "$18"},
        Shape{"Total: 18 dollars.\n#### 18.", "18.", "[invalid]", "18."},
        Shape{"#### 1,234.5 is the answer", "1,234.5", "[invalid]", "1,234.5"},
        Shape{"I cannot solve this problem.", "[invalid]", "[invalid]",
              "[invalid]"},
        Shape{"", "[invalid]", "[invalid]", "[invalid]"},
        Shape{"The answer is 42.", "[invalid]", "42", "42."},
        Shape{"The answer is -3.", "[invalid]", "-3", "-3."},
        Shape{"The answer is 1,000.\n", "[invalid]", "1,000", "1,000."},
        Shape{"The answer is $5.", "[invalid]", "[invalid]", "$5."},
        Shape{"The answer is 7", "[invalid]", "[invalid]", "7"},
        Shape{"She has 3 apples and 4 pears, so 7 in total.", "[invalid]",
              "[invalid]", "7"},
        Shape{"####18", "[invalid]", "[invalid]", "18"},
        Shape{"#### -", "[invalid]", "[invalid]", "[invalid]"},
        Shape{"#### 5\n#### 6", "5", "[invalid]", "6"},
        Shape{"Cost is $1,250.00 total", "[invalid]", "[invalid]", "$1,250.00"},
        Shape{"Temperature fell to -12 overnight", "[invalid]", "[invalid]",
              "-12"},
        Shape{"...", "[invalid]", "[invalid]", "..."},
        Shape{"We get 10 - 4 = 6", "[invalid]", "[invalid]", "6"},
        Shape{"The answer is 6. #### 6", "6", "6.", "6"},
        Shape{"he has 5...", "[invalid]", "[invalid]", "5..."}));

TEST(NormalizeTest, RegexesToIgnoreInOrder) {
  EXPECT_EQ(NormalizeForExactMatch("1,000"), "1000");
  EXPECT_EQ(NormalizeForExactMatch("$18"), "18");
  EXPECT_EQ(NormalizeForExactMatch("18."), "18");
  EXPECT_EQ(NormalizeForExactMatch("$1,250.00"), "1250.00");
  EXPECT_EQ(NormalizeForExactMatch("5..."), "5..");  // only one period
  EXPECT_EQ(NormalizeForExactMatch("a\n#### 3\nb #### 4"), "4");
  EXPECT_EQ(NormalizeForExactMatch("7.\n"), "7\n");  // $ before final \n
  EXPECT_EQ(NormalizeForExactMatch("[INVALID]"), "[invalid]");
}

TEST(ReferenceTest, TextAfterLastHashes) {
  EXPECT_EQ(ReferenceAnswer("It is 2+1=3 bolts\n#### 3"), "3");
  EXPECT_EQ(ReferenceAnswer("#### 1,000 "), "1,000");
  EXPECT_EQ(ReferenceAnswer(" 42\n"), "42");
}

TEST(ScoreTest, Gsm8kComparesAgainstFullAnswer) {
  const char* answer = "He made 200,000-130,000=$70,000\n#### 70000";
  ScoredResponse s = ScoreResponse("So the profit is $70,000.\n#### 70,000",
                                   answer, StrictPattern::kHashes);
  EXPECT_EQ(s.strict_answer, "70,000");
  EXPECT_TRUE(s.strict_correct);
  EXPECT_TRUE(s.flexible_correct);
}

TEST(ScoreTest, WrongAndMissingNumbers) {
  const char* answer = "9 * 2 = 18\n#### 18";
  ScoredResponse wrong =
      ScoreResponse("#### 17", answer, StrictPattern::kHashes);
  EXPECT_FALSE(wrong.strict_correct);
  EXPECT_FALSE(wrong.flexible_correct);
  ScoredResponse none =
      ScoreResponse("I don't know", answer, StrictPattern::kHashes);
  EXPECT_EQ(none.flexible_answer, kInvalidAnswer);
  EXPECT_FALSE(none.flexible_correct);
  // Strict fails but the last number is right.
  ScoredResponse flex =
      ScoreResponse("She makes 18 dollars", answer, StrictPattern::kHashes);
  EXPECT_FALSE(flex.strict_correct);
  EXPECT_TRUE(flex.flexible_correct);
}

TEST(ScoreTest, CotUsesAnswerIsAndNumericTarget) {
  const char* answer = "Some work\n#### -4";
  ScoredResponse s = ScoreResponse("He lost 4. The answer is -4.", answer,
                                   StrictPattern::kAnswerIs);
  EXPECT_EQ(s.strict_answer, "-4");
  EXPECT_TRUE(s.strict_correct);
  EXPECT_TRUE(s.flexible_correct);  // "-4." -> "-4"
  ScoredResponse decimals = ScoreResponse("The answer is 2.50.", "#### 2.5",
                                          StrictPattern::kAnswerIs);
  // lm-eval compares strings: 2.50 != 2.5.
  EXPECT_FALSE(decimals.strict_correct);
}

TEST(ScoreTest, EmulatorReplyShapeScoresBothTasks) {
  const char* reply = "Let me think step by step. The answer is 18.\n#### 18";
  EXPECT_TRUE(
      ScoreResponse(reply, "#### 18", StrictPattern::kHashes).strict_correct);
  EXPECT_TRUE(
      ScoreResponse(reply, "#### 18", StrictPattern::kAnswerIs).strict_correct);
}

}  // namespace
}  // namespace infx::eval
