#include "client/stream_chunk.h"

#include <gtest/gtest.h>

#include "client/url.h"

namespace infx::client {
namespace {

StreamChunk Parse(std::string_view payload, bool want_text = true) {
  StreamChunk c;
  Status s = ParseStreamChunk(payload, want_text, &c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

// vLLM /v1/completions stream (vllm/entrypoints/openai/serving_completion.py).
TEST(StreamChunkTest, VllmCompletionsChunk) {
  StreamChunk c = Parse(
      R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)"
      R"("choices":[{"index":0,"text":" Hello\n\"x\" \u00e9","logprobs":null,)"
      R"("finish_reason":null,"stop_reason":null}],"usage":null})");
  EXPECT_TRUE(c.has_choices);
  EXPECT_TRUE(c.has_text);
  EXPECT_EQ(c.text, " Hello\n\"x\" \xC3\xA9");
  EXPECT_EQ(c.finish_reason, "");
  EXPECT_EQ(c.completion_tokens, -1);
}

// vLLM with stream_options.include_usage: a final usage-only chunk.
TEST(StreamChunkTest, UsageOnlyFinalChunkWithEmptyChoices) {
  StreamChunk c = Parse(
      R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)"
      R"("choices":[],"usage":{"prompt_tokens":12,"total_tokens":30,)"
      R"("completion_tokens":18}})");
  EXPECT_FALSE(c.has_choices);
  EXPECT_EQ(c.prompt_tokens, 12);
  EXPECT_EQ(c.completion_tokens, 18);
}

// OpenAI / vLLM / SGLang chat: delta.content; final chunk without text.
TEST(StreamChunkTest, ChatDeltaAndFinalChunkWithoutText) {
  StreamChunk c = Parse(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,)"
      R"("delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]})");
  EXPECT_TRUE(c.has_text);
  EXPECT_EQ(c.text, "Hi");
  StreamChunk last = Parse(
      R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"length"}]})");
  EXPECT_TRUE(last.has_choices);
  EXPECT_FALSE(last.has_text);
  EXPECT_EQ(last.finish_reason, "length");
}

// SGLang sends usage in the last content chunk as well.
TEST(StreamChunkTest, SglangChunkWithUsage) {
  StreamChunk c = Parse(
      R"({"id":"x","object":"text_completion","created":1,"model":"m",)"
      R"("choices":[{"index":0,"text":"!","logprobs":null,)"
      R"("finish_reason":"length","matched_stop":null}],)"
      R"("usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}})");
  EXPECT_TRUE(c.has_text);
  EXPECT_EQ(c.finish_reason, "length");
  EXPECT_EQ(c.completion_tokens, 3);
}

// TensorRT-LLM Triton generate_stream (vLLM's "tensorrt-llm" backend).
TEST(StreamChunkTest, TensorRtLlmTextOutput) {
  StreamChunk c = Parse(
      R"({"context_logits":0.0,"cum_log_probs":0.0,"model_name":"ensemble",)"
      R"("model_version":"1","sequence_end":false,"text_output":"abc"})");
  EXPECT_TRUE(c.has_choices);
  EXPECT_EQ(c.text, "abc");
}

// llama.cpp server native /completion stream.
TEST(StreamChunkTest, LlamaCppNative) {
  StreamChunk tok = Parse(
      R"({"content":"The","stop":false,"id_slot":0,"multimodal":false,"index":0})");
  EXPECT_TRUE(tok.has_text);
  EXPECT_EQ(tok.text, "The");
  StreamChunk last = Parse(
      R"({"content":"","stop":true,"tokens_predicted":16,"tokens_evaluated":4,)"
      R"("timings":{"predicted_ms":10.5,"predicted_per_second":1.5e3}})");
  EXPECT_FALSE(last.has_text);
  EXPECT_EQ(last.finish_reason, "stop");
  EXPECT_EQ(last.completion_tokens, 16);
  EXPECT_EQ(last.prompt_tokens, 4);
}

TEST(StreamChunkTest, DoneAndErrors) {
  EXPECT_TRUE(Parse("[DONE]").done);
  StreamChunk e =
      Parse(R"({"error":{"object":"error","message":"boom","code":500}})");
  EXPECT_TRUE(e.is_error);
  EXPECT_EQ(e.error_message, "boom");
}

TEST(StreamChunkTest, MalformedPayloadsAreParseErrors) {
  for (std::string_view bad :
       {"{not json", "{\"choices\":[}", "{\"a\":1,}", "{\"a\":\"x}", "[1,2]",
        "{\"a\":01}", "{\"a\":1} trailing", "", "{\"a\":tru}",
        "{\"s\":\"\\q\"}"}) {
    StreamChunk c;
    Status s = ParseStreamChunk(bad, true, &c);
    EXPECT_EQ(s.code(), ErrorCode::kParseError) << bad;
  }
  std::string deep(200, '[');
  StreamChunk c;
  EXPECT_FALSE(ParseStreamChunk("{\"a\":" + deep, true, &c).ok());
}

TEST(StreamChunkTest, ApplyChunkRecordsTokensAndUsage) {
  metrics::RequestRecord r;
  EXPECT_EQ(ApplyChunk(Parse(R"({"choices":[{"text":"a"}]})"), 10, true, &r),
            ChunkEffect::kContinue);
  EXPECT_EQ(ApplyChunk(Parse(R"({"choices":[{"text":"b"}]})"), 20, true, &r),
            ChunkEffect::kContinue);
  ApplyChunk(Parse(R"({"choices":[{"text":"","finish_reason":"length"}]})"), 30,
             true, &r);
  ApplyChunk(
      Parse(
          R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}})"),
      40, true, &r);
  EXPECT_EQ(ApplyChunk(Parse("[DONE]"), 50, true, &r), ChunkEffect::kDone);
  EXPECT_EQ(r.first_token_ns, 10);
  EXPECT_EQ(r.chunk_ns, (std::vector<int64_t>{10, 20}));
  EXPECT_TRUE(r.chunk_tokens.empty());
  EXPECT_EQ(r.text, "ab");
  EXPECT_EQ(r.finish_reason, "length");
  EXPECT_EQ(r.OutputTokens(), 2);
  EXPECT_EQ(r.PromptTokens(), 3);
}

TEST(StreamChunkTest, ApplyChunkWithCumulativeUsageCountsTokensPerChunk) {
  metrics::RequestRecord r;
  ApplyChunk(
      Parse(R"({"choices":[{"text":"a"}],"usage":{"completion_tokens":1}})"),
      10, false, &r);
  ApplyChunk(
      Parse(R"({"choices":[{"text":"bcd"}],"usage":{"completion_tokens":4}})"),
      20, false, &r);
  ApplyChunk(
      Parse(R"({"choices":[{"text":"e"}],"usage":{"completion_tokens":5}})"),
      30, false, &r);
  EXPECT_EQ(r.chunk_tokens, (std::vector<int32_t>{1, 3, 1}));
  EXPECT_EQ(r.OutputTokens(), 5);
  EXPECT_TRUE(r.text.empty());
}

TEST(StreamChunkTest, ApplyErrorChunkFails) {
  metrics::RequestRecord r;
  EXPECT_EQ(ApplyChunk(Parse(R"({"error":"overloaded"})"), 1, false, &r),
            ChunkEffect::kFailed);
  EXPECT_EQ(r.error, metrics::ErrorKind::kServerError);
  EXPECT_NE(r.error_message.find("overloaded"), std::string::npos);
}

TEST(UrlTest, ParsesSchemesPortsAndPaths) {
  auto u = ParseUrl("http://127.0.0.1:8000");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8000);
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->HostHeader(), "127.0.0.1:8000");
  auto s = ParseUrl("HTTPS://api.example.com/v1/");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->tls());
  EXPECT_EQ(s->port, 443);
  EXPECT_EQ(s->path, "/v1");
  EXPECT_EQ(s->HostHeader(), "api.example.com");
  auto v6 = ParseUrl("http://[::1]:9000/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->HostHeader(), "[::1]:9000");
  for (const char* bad :
       {"127.0.0.1:8000", "ftp://x", "http://:80", "http://h:0",
        "http://h:99999", "http://h:80x", "http://u:p@h"}) {
    EXPECT_EQ(ParseUrl(bad).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace infx::client
