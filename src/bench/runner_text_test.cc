// What a run keeps of server text: bytes that are not UTF-8 (an error body
// in Latin-1, a character cut by the 512-byte error truncation, a stream
// event with a stray byte; served by the MisbehavingServer fixture) and an
// API key the server echoes must never lose the run nor reach the result;
// a key with CR/LF is refused before any request; prompts the server
// truncated are counted.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"
#include "bench/test_server.h"
#include "client/misbehaving_server.h"

namespace infx::bench {
namespace {

BenchConfig Config(uint16_t port, int64_t n) {
  BenchConfig c;
  c.client.base_url = "http://127.0.0.1:" + std::to_string(port);
  c.client.model = "m";
  c.client.api_key_env = "INFX_TEST_UNSET_KEY";
  c.dataset.input_len = 8;
  c.dataset.output_len = 3;
  c.num_prompts = n;
  c.max_concurrency = 8;
  c.seed = 1;
  return c;
}

// The whole result as `infx bench --result-file` and --records-file write it.
void ExpectFormats(const BenchResult& r, const std::string& needle) {
  std::string dumped;
  ASSERT_NO_THROW(dumped = BenchResultToJson(r).dump(2));
  EXPECT_NE(dumped.find(needle), std::string::npos) << needle;
  std::string lines;
  ASSERT_NO_THROW(lines = RecordsToJsonl(r.records));
  EXPECT_NO_THROW((void)FormatSummary(r));
}

// h11a's MisbehavingServer: good streams, and one request of a hundred
// answered with `bad`.
std::unique_ptr<client::testing::MisbehavingServer> OneBadIn100(
    client::testing::Reply bad) {
  return std::make_unique<client::testing::MisbehavingServer>(
      [bad](int index, const std::string&) {
        client::testing::Behavior b;
        if (index == 37) b.reply = bad;
        return b;
      });
}

TEST(RunnerTextTest, OneLatin1ErrorBodyAmongAHundredKeepsTheRun) {
  auto server = OneBadIn100(client::testing::Reply::kLatin1Error);
  auto result = RunBenchmark(Config(server->port(), 100));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.completed, 99);
  EXPECT_EQ(result->metrics.failed, 1);
  EXPECT_EQ(result->metrics.failures_by_kind.at("http_status"), 1);
  for (const auto& r : result->records) {
    if (r.ok()) continue;
    // Escaped, not dropped: the Latin-1 bytes stay visible as \xNN.
    EXPECT_NE(r.error_message.find("caf\\xE9"), std::string::npos)
        << r.error_message;
  }
  ExpectFormats(*result, "caf\\\\xE9");
}

TEST(RunnerTextTest, AUtf8CharacterCutByTheErrorTruncationKeepsTheRun) {
  auto server = OneBadIn100(client::testing::Reply::kCutUtf8Error);
  auto result = RunBenchmark(Config(server->port(), 100));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.completed, 99);
  EXPECT_EQ(result->metrics.failed, 1);
  ExpectFormats(*result, "xxxxxxxx");  // the body survives, cut or not
}

TEST(RunnerTextTest, OneNonUtf8StreamEventAmongAHundredKeepsTheRun) {
  auto server = OneBadIn100(client::testing::Reply::kNonUtf8Event);
  BenchConfig c = Config(server->port(), 100);
  c.client.capture_text = true;
  auto result = RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.completed + result->metrics.failed, 100);
  EXPECT_GE(result->metrics.completed, 99);
  ExpectFormats(*result, "\\\\xFF");
}

TEST(RunnerTextTest, EchoedApiKeyIsRedactedFromEverythingStored) {
  const std::string key = "sk-infx-test-0123456789abcdef";
  ::setenv("INFX_TEST_ECHO_KEY", key.c_str(), 1);
  auto st = std::make_shared<ServerState>();
  st->odd_request_id = "infx-4";
  st->odd = "echo_auth";
  auto server = StartServer(st);
  BenchConfig c = Config(server->port(), 10);
  c.client.api_key_env = "INFX_TEST_ECHO_KEY";
  auto result = RunBenchmark(c);
  ::unsetenv("INFX_TEST_ECHO_KEY");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.failed, 1);
  EXPECT_NE(result->records[4].error_message.find("[REDACTED]"),
            std::string::npos)
      << result->records[4].error_message;
  const std::string all =
      BenchResultToJson(*result).dump() + RecordsToJsonl(result->records);
  EXPECT_EQ(all.find(key), std::string::npos);
  EXPECT_EQ(all.find("sk-infx-test"), std::string::npos);
}

TEST(RunnerTextTest, ApiKeyWithCrLfIsRefusedBeforeAnyRequest) {
  ::setenv("INFX_TEST_CRLF_KEY", "sk-abc\r\nX-Injected: 1", 1);
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  BenchConfig c = Config(server->port(), 4);
  c.client.api_key_env = "INFX_TEST_CRLF_KEY";
  auto result = RunBenchmark(c);
  ::unsetenv("INFX_TEST_CRLF_KEY");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("$INFX_TEST_CRLF_KEY"),
            std::string::npos);
  EXPECT_EQ(result.status().message().find("sk-abc"), std::string::npos);
  EXPECT_EQ(st->requests.load(), 0);
}

TEST(RunnerTextTest, ServerTruncatedPromptsAreCountedAndReported) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  BenchConfig c = Config(server->port(), 10);
  c.dataset.input_len = 40;
  c.dataset.range_ratio = 1.0;
  auto clean = RunBenchmark(c);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->metrics.prompts_truncated, 0);
  EXPECT_EQ(clean->metrics.prompt_token_mismatches, 0);
  st->truncate_prompt_to = 16;  // as llama.cpp cutting to its context
  auto cut = RunBenchmark(c);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->metrics.prompts_truncated, 10);
  EXPECT_EQ(cut->metrics.prompt_token_mismatches, 10);
  nlohmann::json j = BenchResultToJson(*cut);
  EXPECT_EQ(j["prompts_truncated"], 10);
  EXPECT_EQ(j["prompt_token_mismatches"], 10);
  EXPECT_NE(FormatSummary(*cut).find("Prompts truncated by server:"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::bench
