#include "bench/workload.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bench/request_body.h"
#include "common/files.h"

namespace infx::bench {
namespace {

std::string TempFile(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("infx_workload_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(WorkloadTest, RandomLengthsAreUniformInRatioRange) {
  DatasetSpec spec;
  spec.input_len = 100;
  spec.output_len = 50;
  spec.range_ratio = 0.8;
  auto prompts = MakePrompts(spec, 2000, 1);
  ASSERT_TRUE(prompts.ok());
  int64_t min_in = 1000, max_in = 0, min_out = 1000, max_out = 0;
  for (const Prompt& p : *prompts) {
    EXPECT_EQ(static_cast<int64_t>(p.token_ids.size()), p.prompt_len);
    for (int32_t id : p.token_ids)
      ASSERT_TRUE(id >= 100 && id < spec.vocab_size);
    min_in = std::min(min_in, p.prompt_len);
    max_in = std::max(max_in, p.prompt_len);
    min_out = std::min(min_out, p.max_tokens);
    max_out = std::max(max_out, p.max_tokens);
  }
  EXPECT_EQ(min_in, 80);  // floor(100 * 0.8), both ends reached in 2000 draws
  EXPECT_EQ(max_in, 100);
  EXPECT_EQ(min_out, 40);
  EXPECT_EQ(max_out, 50);
}

TEST(WorkloadTest, RandomIsSeededAndSharesThePrefix) {
  DatasetSpec spec;
  spec.input_len = 16;
  spec.output_len = 8;
  spec.prefix_len = 4;
  auto a = MakePrompts(spec, 3, 9);
  auto b = MakePrompts(spec, 3, 9);
  auto c = MakePrompts(spec, 3, 10);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)[1].token_ids, (*b)[1].token_ids);
  EXPECT_NE((*a)[1].token_ids, (*c)[1].token_ids);
  EXPECT_EQ((*a)[0].prompt_len, 20);  // ratio 1: fixed length + prefix
  EXPECT_TRUE(std::equal((*a)[0].token_ids.begin(),
                         (*a)[0].token_ids.begin() + 4,
                         (*a)[2].token_ids.begin()));
  spec.text_prompts = true;
  auto t = MakePrompts(spec, 1, 9);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)[0].token_ids.empty());
  EXPECT_EQ(std::count((*t)[0].text.begin(), (*t)[0].text.end(), ' '), 19);
}

TEST(WorkloadTest, JsonlPromptsCycleAndErrorsNameTheLine) {
  DatasetSpec spec;
  spec.name = "jsonl";
  spec.output_len = 0;
  spec.path =
      TempFile("a.jsonl",
               "{\"prompt\": \"hello\", \"output_len\": 7}\n\n"
               "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n");
  auto prompts = MakePrompts(spec, 3, 0);
  ASSERT_TRUE(prompts.ok()) << prompts.status().ToString();
  EXPECT_EQ((*prompts)[0].text, "hello");
  EXPECT_EQ((*prompts)[0].max_tokens, 7);
  EXPECT_EQ((*prompts)[1].messages.size(), 1u);
  EXPECT_EQ((*prompts)[1].max_tokens, 256);  // default when not given
  EXPECT_EQ((*prompts)[2].text, "hello");    // cycled
  spec.output_len = 5;
  EXPECT_EQ((*MakePrompts(spec, 1, 0))[0].max_tokens, 5);  // forced

  spec.path = TempFile("b.jsonl", "{\"prompt\": \"ok\"}\n{\"nope\": 1}\n");
  auto bad = MakePrompts(spec, 2, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.jsonl:2"), std::string::npos);
  spec.path = "/nonexistent/file.jsonl";
  EXPECT_EQ(MakePrompts(spec, 1, 0).status().code(), ErrorCode::kNotFound);
}

TEST(WorkloadTest, ShareGptTakesFirstTurnsAndDropsShortOnes) {
  DatasetSpec spec;
  spec.name = "sharegpt";
  spec.output_len = 0;
  spec.path = TempFile("s.json", R"([
    {"id": "a", "conversations": [
      {"from": "human", "value": "Tell me a long story about the sea please."},
      {"from": "gpt", "value": "Once upon a time there was a ship at sea. The end."}]},
    {"id": "short", "conversations": [
      {"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]},
    {"id": "one-turn", "conversations": [{"from": "human", "value": "x"}]}
  ])");
  auto prompts = MakePrompts(spec, 2, 3);
  ASSERT_TRUE(prompts.ok()) << prompts.status().ToString();
  EXPECT_EQ((*prompts)[0].text, "Tell me a long story about the sea please.");
  EXPECT_EQ((*prompts)[0].max_tokens, 13);  // 52 chars / 4 (no tokenizer)
  EXPECT_EQ((*prompts)[1].text, (*prompts)[0].text);
}

TEST(WorkloadTest, RejectsBadSpecs) {
  DatasetSpec spec;
  spec.range_ratio = 1.5;
  EXPECT_FALSE(MakePrompts(spec, 1, 0).ok());
  spec.range_ratio = 1;
  spec.name = "nope";
  EXPECT_EQ(MakePrompts(spec, 1, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(RequestBodyTest, CompletionsAndChatBodies) {
  ClientConfig client;
  client.model = "m";
  Prompt p;
  p.token_ids = {101, 102};
  p.max_tokens = 9;
  SamplingParams sampling;
  sampling.ignore_eos = true;
  sampling.temperature = 0.0;
  sampling.stop = {"\n\n"};
  auto body = nlohmann::json::parse(BuildRequestBody(client, p, sampling));
  EXPECT_EQ(body["prompt"], nlohmann::json({101, 102}));
  EXPECT_EQ(body["max_tokens"], 9);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["ignore_eos"], true);
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["stop"][0], "\n\n");
  EXPECT_FALSE(body.contains("top_p"));

  client.endpoint = Endpoint::kChat;
  p.text = "hello";
  body = nlohmann::json::parse(BuildRequestBody(client, p, {}));
  EXPECT_EQ(body["messages"][0]["content"], "hello");
  EXPECT_EQ(body["max_completion_tokens"], 9);
  EXPECT_FALSE(body.contains("prompt"));
  EXPECT_FALSE(body.contains("ignore_eos"));
}

TEST(RequestBodyTest, EndpointTargets) {
  ClientConfig c;
  auto url = [](const char* u) { return *client::ParseUrl(u); };
  EXPECT_EQ(EndpointTarget(url("http://h:1"), c), "/v1/completions");
  EXPECT_EQ(EndpointTarget(url("http://h:1/v1"), c), "/v1/completions");
  c.endpoint = Endpoint::kChat;
  EXPECT_EQ(EndpointTarget(url("http://h:1/api"), c),
            "/api/v1/chat/completions");
  c.endpoint_path = "/generate_stream";
  EXPECT_EQ(EndpointTarget(url("http://h:1"), c), "/generate_stream");
  EXPECT_EQ(*ParseEndpoint("chat"), Endpoint::kChat);
  EXPECT_EQ(*ParseEndpoint("/v1/completions"), Endpoint::kCompletions);
  EXPECT_FALSE(ParseEndpoint("embeddings").ok());
}

}  // namespace
}  // namespace infx::bench
