#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/files.h"
#include "emulator/answers.h"
#include "emulator/faults.h"
#include "emulator/openai_api.h"
#include "emulator/text_gen.h"

namespace infx::emulator {
namespace {

using nlohmann::json;

TEST(OpenAiApiTest, ParsesPromptsAndSampling) {
  auto r = ParseCompletionRequest(
      R"({"model":"m","prompt":[1,2,3],"max_tokens":5,"min_tokens":2,"ignore_eos":true,)"
      R"("stop":"x","temperature":0,"seed":7,"stream":true,"stream_options":{"include_usage":true}})",
      false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->prompt_ids->size(), 3u);
  EXPECT_EQ(*r->max_tokens, 5);
  EXPECT_EQ(r->min_tokens, 2);
  EXPECT_TRUE(r->ignore_eos);
  EXPECT_EQ(r->stop, std::vector<std::string>{"x"});
  EXPECT_EQ(*r->seed, 7);
  EXPECT_TRUE(r->include_usage);
  auto chat = ParseCompletionRequest(
      R"({"model":"m","messages":[{"role":"system","content":"a"},)"
      R"({"role":"user","content":[{"type":"text","text":"b"}]}]})",
      true);
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->prompt_text, "a\nb");
  EXPECT_EQ(chat->chat_messages, 2);
}

TEST(OpenAiApiTest, RejectsBadFieldsNamingThem) {
  const std::pair<const char*, const char*> cases[] = {
      {"[1,2]", "JSON object"},
      {R"({"prompt":"x"})", "'model'"},
      {R"({"model":"m","prompt":"x","max_tokens":0})", "'max_tokens'"},
      {R"({"model":"m","prompt":"x","max_tokens":"9"})", "'max_tokens'"},
      {R"({"model":"m","prompt":[1,-2]})", "token ids"},
      {R"({"model":"m","prompt":"x","stop":[1]})", "'stop'"},
      {R"({"model":"m","prompt":"x","stream_options":{"include_usage":true}})",
       "stream"},
      {R"({"model":"m","prompt":"x","min_tokens":9,"max_tokens":3})",
       "min_tokens"},
  };
  for (const auto& [body, needle] : cases) {
    auto r = ParseCompletionRequest(body, false);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_NE(r.status().message().find(needle), std::string::npos)
        << r.status().message();
  }
  EXPECT_FALSE(
      ParseCompletionRequest(R"({"model":"m","messages":[]})", true).ok());
}

TEST(OpenAiApiTest, ChunksAreValidJsonWithEscapedText) {
  ChunkFormatter f(false, "cmpl-1", 5, "m\"x");
  const json c = json::parse(f.TokenChunk("a\"b\n", "length", "", false, true));
  EXPECT_EQ(c["choices"][0]["text"], "a\"b\n");
  EXPECT_EQ(c["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(c["usage"].is_null());
  EXPECT_EQ(c["model"], "m\"x");
  const json u = json::parse(f.UsageChunk(3, 4));
  EXPECT_EQ(u["usage"]["total_tokens"], 7);
  ChunkFormatter chat(true, "chatcmpl-1", 5, "m");
  const json full = json::parse(chat.FullResponse("hi", "stop", "", 1, 2));
  EXPECT_EQ(full["object"], "chat.completion");
  EXPECT_EQ(full["choices"][0]["message"]["content"], "hi");
  const json err = json::parse(ErrorJson("bad", "BadRequestError", 400));
  EXPECT_EQ(err["error"]["code"], 400);
}

TEST(TextGenTest, HonoursMaxTokensIgnoreEosAndMinTokens) {
  const Vocabulary v = Vocabulary::Builtin();
  OutputParams p;
  p.max_tokens = 50;
  p.ignore_eos = true;
  OutputPlan plan = PlanOutput(v, p, 1);
  EXPECT_EQ(plan.tokens.size(), 50u);
  EXPECT_EQ(plan.finish_reason, "length");
  EXPECT_EQ(PlanOutput(v, p, 1).text(), plan.text());
  EXPECT_NE(PlanOutput(v, p, 2).text(), plan.text());
  p.ignore_eos = false;
  p.max_tokens = 100000;
  p.mean_natural_tokens = 10;
  p.min_tokens = 40;
  plan = PlanOutput(v, p, 3);
  EXPECT_GE(plan.tokens.size(), 41u);
  EXPECT_EQ(plan.finish_reason, "stop");
  EXPECT_EQ(plan.tokens.back(), "");  // EOS
}

TEST(TextGenTest, StopStringTruncatesText) {
  const Vocabulary v = Vocabulary::Builtin();
  OutputParams p;
  p.forced_text = "one two three four";
  p.stop = {" three"};
  const OutputPlan plan = PlanOutput(v, p, 1);
  EXPECT_EQ(plan.text(), "one two");
  EXPECT_EQ(plan.finish_reason, "stop");
  EXPECT_EQ(plan.stop_reason, " three");
  EXPECT_EQ(plan.tokens.size(), 3u);
}

TEST(TextGenTest, CountsTextWithTheRuleOrATokenizer) {
  EXPECT_EQ(Vocabulary::Builtin().CountTextTokens("12345678"), 2);
  EXPECT_EQ(Vocabulary::Builtin().CountTextTokens("123456789"), 3);
  const auto path =
      SharedDataDir(INFX_SOURCE_DIR) / "tokenizers/gpt2/vocab.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data";
  auto vocab = Vocabulary::LoadFile(path.string());
  ASSERT_TRUE(vocab.ok()) << vocab.status().ToString();
  EXPECT_EQ(vocab->CountTextTokens("Hello world"), 2);  // "Hello", "Ġworld"
  EXPECT_FALSE(Vocabulary::LoadFile("/nonexistent.json").ok());
}

TEST(AnswersTest, AccuracySpecIsAStepFunctionOfBatch) {
  auto spec = AccuracySpec::Parse("1:0.95,64:0.80");
  ASSERT_TRUE(spec.ok());
  EXPECT_DOUBLE_EQ(spec->At(1), 0.95);
  EXPECT_DOUBLE_EQ(spec->At(63), 0.95);
  EXPECT_DOUBLE_EQ(spec->At(64), 0.80);
  EXPECT_DOUBLE_EQ(AccuracySpec::Parse("0.9")->At(500), 0.9);
  EXPECT_FALSE(AccuracySpec::Parse("1.5").ok());
  EXPECT_FALSE(AccuracySpec::Parse("64:0.9,1:0.8").ok());
  EXPECT_FALSE(AccuracySpec::Parse("abc").ok());
}

TEST(AnswersTest, LastQuestionWinsAndAccuracyControlsCorrectness) {
  const std::string path = ::testing::TempDir() + "/answers.jsonl";
  {
    std::ofstream out(path);
    out << R"({"question":"What is 2+2?","answer":"2+2=4\n#### 4"})"
        << "\n"
        << R"({"question":"What is 10*10?","answer":"#### 1,000"})"
        << "\n";
  }
  auto key = AnswerKey::Load(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const auto m = key->Match("Q: What is 2+2?\nA: 4\n\nQ: What is 10*10?\nA:");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(key->entry(*m).answer_number, "1000");
  EXPECT_FALSE(key->Match("nothing here").has_value());
  const std::string right = key->Reply(*m, 1.0, 5);
  EXPECT_NE(right.find("The answer is 1000.\n#### 1000"), std::string::npos);
  const std::string wrong = key->Reply(*m, 0.0, 5);
  EXPECT_EQ(wrong.find("#### 1000"), std::string::npos);
  EXPECT_EQ(key->Reply(*m, 0.0, 5), wrong);  // deterministic
  EXPECT_FALSE(AnswerKey::Load("/nonexistent.jsonl").ok());
}

TEST(AnswersTest, LoadErrorsNameTheFileAndLine) {
  const std::string path = ::testing::TempDir() + "/bad_answers.jsonl";
  const std::string good = R"({"question":"q","answer":"#### 1"})";
  // Each case: the lines after two good ones and a blank one (so the bad
  // line is line 4), and what the error says after "path:4: ".
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "malformed JSON at byte"},
      {"[1, 2]", "expected"},
      {R"({"question":"q"})", "expected {\"question\": str"},
      {R"({"question":"q","answer":7})", "expected {\"question\": str"},
      {R"({"question":"q","answer":"no mark"})", "answer does not end in"},
  };
  for (const auto& [line, message] : cases) {
    ASSERT_TRUE(
        WriteFileAtomic(path, good + "\n" + good + "\n \t\r\n" + line + "\n")
            .ok());
    auto key = AnswerKey::Load(path);
    ASSERT_FALSE(key.ok()) << line;
    EXPECT_EQ(key.status().code(), ErrorCode::kParseError) << line;
    EXPECT_NE(key.status().message().find(path + ":4: " + message),
              std::string::npos)
        << key.status().message();
  }
  ASSERT_TRUE(WriteFileAtomic(path, "\n  \n").ok());
  auto empty = AnswerKey::Load(path);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), path + ": no questions");
}

TEST(FaultsTest, ParsesSpecAndDrawsAtTheConfiguredRate) {
  auto plan = FaultPlan::Parse("http500:0.1,drop:0.2");
  ASSERT_TRUE(plan.ok());
  int http500 = 0, drop = 0, none = 0;
  for (uint64_t i = 0; i < 10000; ++i) {
    const Fault f = plan->Draw(1, i, 10);
    EXPECT_LT(f.at_token, 10);
    http500 += f.kind == FaultKind::kHttp500;
    drop += f.kind == FaultKind::kDrop;
    none += f.kind == FaultKind::kNone;
  }
  EXPECT_NEAR(http500 / 10000.0, 0.1, 0.02);
  EXPECT_NEAR(drop / 10000.0, 0.2, 0.02);
  EXPECT_EQ(plan->Draw(1, 42, 10).kind, plan->Draw(1, 42, 10).kind);
  EXPECT_FALSE(FaultPlan::Parse("boom:0.1").ok());
  EXPECT_FALSE(FaultPlan::Parse("drop:2").ok());
  EXPECT_FALSE(FaultPlan::Parse("drop:nan").ok());  // issue 12 defect 14
  EXPECT_FALSE(FaultPlan::Parse("drop:0.7,stall:0.7").ok());
  EXPECT_FALSE(FaultPlan::Parse("").value().enabled());
}

}  // namespace
}  // namespace infx::emulator
