// Exact tokenizers end to end: `infx tokenize` against the goldens, and
// `infx bench --tokenizer` against the emulator — token-exact random prompts
// whose client counts agree with the server's usage when the emulator counts
// with the same tokenizer, and mismatches reported when it does not.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"
#include "emulator/emulator_server.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace infx {
namespace {

using nlohmann::json;

std::string Llama2() { return testing::SharedData("tokenizers/llama2"); }

// Runs `printf '%s' INPUT | infx ARGS` through the shell; stdout.
std::string RunWithStdin(const std::string& input, const std::string& args) {
  const std::string dir = testing::ScratchDir("tokenize_stdin");
  const std::string in_path = dir + "/in.txt";
  std::ofstream(in_path, std::ios::binary) << input;
  const std::string cmd =
      std::string(INFX_BIN) + " " + args + " < '" + in_path + "'";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST(TokenizeCliTest, PrintsTheGoldenIdsAndDecodesThem) {
  auto golden =
      json::parse(std::ifstream(std::string(INFX_SOURCE_DIR) +
                                "/src/tokenizer/testdata/goldens/llama2.json"));
  const json& c = golden["cases"][1];  // "Hello, world! How are you..."
  const std::string text = c["text"].get<std::string>();
  const json out = json::parse(
      RunWithStdin(text, "tokenize --tokenizer '" + Llama2() + "' --json"));
  EXPECT_EQ(out["ids"], c["ids"]);
  EXPECT_EQ(out["num_tokens"], c["ids"].size());
  std::string plain;
  for (const json& id : c["ids"])
    plain += (plain.empty() ? "" : " ") + id.dump();
  EXPECT_EQ(RunWithStdin(text, "tokenize --tokenizer '" + Llama2() + "'"),
            plain + "\n");
  EXPECT_EQ(RunWithStdin(c["ids_no_special"].dump(),
                         "tokenize --decode --tokenizer '" + Llama2() + "'"),
            c["decoded"].get<std::string>());
}

TEST(TokenizeCliTest, UnknownFormatIsAnErrorNamingWhatWasFound) {
  const std::string dir = testing::ScratchDir("tokenize_bad");
  std::ofstream(dir + "/t.json") << R"({"vocabulary": {"a": 1}})";
  auto out = testing::RunInfx({"tokenize", "--tokenizer", dir + "/t.json"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("unknown tokenizer format"), std::string::npos)
      << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("vocabulary"), std::string::npos);
}

class TokenExactBenchTest : public ::testing::Test {
 protected:
  void Start(const std::string& tokenizer) {
    dir_ = testing::ScratchDir(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    emulator::EmulatorOptions o;
    o.served_model_name = "llama";
    o.time_scale = 0.05;
    o.trace_path = dir_ + "/trace.jsonl";
    o.tokenizer_path = tokenizer;
    o.seed = 3;
    auto server = emulator::EmulatorServer::Start(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  std::string BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }
  std::string dir_;
  std::unique_ptr<emulator::EmulatorServer> server_;
};

TEST_F(TokenExactBenchTest, ClientCountsAgreeWithAnEmulatorCountingExactly) {
  Start(Llama2());
  bench::BenchConfig c;
  c.client.base_url = BaseUrl();
  c.client.model = "llama";
  c.client.request_timeout_s = 30;
  c.dataset.input_len = 48;
  c.dataset.output_len = 8;
  c.dataset.range_ratio = 0.5;
  c.sampling.ignore_eos = true;
  c.num_prompts = 16;
  c.max_concurrency = 4;
  c.seed = 11;
  c.tokenizer_path = Llama2();
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics;
  EXPECT_EQ(m.completed, 16);
  EXPECT_EQ(m.prompt_tokens_checked, 16);
  EXPECT_EQ(m.prompt_token_mismatches, 0);
  EXPECT_EQ(m.client_prompt_tokens, m.server_prompt_tokens);
  EXPECT_EQ(result->token_exact.synthesis_mismatched_prompts, 0);
  server_->Stop();
  std::map<std::string, json> trace;
  std::ifstream in(dir_ + "/trace.jsonl");
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line);
    if (j["x_request_id"].is_string()) trace[j["x_request_id"]] = j;
  }
  auto tok = tokenizer::Tokenizer::Load(Llama2());
  ASSERT_TRUE(tok.ok());
  for (const metrics::RequestRecord& r : result->records) {
    ASSERT_TRUE(r.ok()) << r.error_message;
    EXPECT_TRUE(r.prompt_len_exact);
    // BOS + the drawn length, in [24, 48].
    EXPECT_GE(r.prompt_len, 25);
    EXPECT_LE(r.prompt_len, 49);
    ASSERT_TRUE(trace.count(r.x_request_id));
    EXPECT_EQ(trace[r.x_request_id]["prompt_tokens"].get<int64_t>(),
              r.prompt_len);
  }
  const json j = bench::BenchResultToJson(*result);
  EXPECT_EQ(j["tokenizer"], Llama2());
  EXPECT_EQ(j["prompt_token_mismatches"], 0);
  EXPECT_EQ(j["prompt_synthesis_mismatched_prompts"], 0);
}

TEST_F(TokenExactBenchTest, MismatchesWithAnApproximateServerAreReported) {
  Start("");  // the emulator counts text as UTF-8 bytes / 4
  const std::string result_file = dir_ + "/result.json";
  auto out = testing::RunInfx({"bench",
                               "--base-url",
                               BaseUrl(),
                               "--model",
                               "llama",
                               "--tokenizer",
                               Llama2(),
                               "--input-len",
                               "64",
                               "--output-len",
                               "4",
                               "--num-prompts",
                               "8",
                               "--max-concurrency",
                               "4",
                               "--ignore-eos",
                               "--seed",
                               "2",
                               "--no-progress",
                               "--result-file",
                               result_file});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  const json j = json::parse(std::ifstream(result_file));
  EXPECT_EQ(j["prompt_tokens_checked"], 8);
  EXPECT_GT(j["prompt_token_mismatches"].get<int64_t>(), 0);
  EXPECT_NE(j["client_prompt_tokens"], j["server_prompt_tokens"]);
  EXPECT_EQ(j["tokenizer"], Llama2());
  EXPECT_NE(out.stdout_text.find("Prompt tokens client/server:"),
            std::string::npos)
      << out.stdout_text;
  for (const auto& [key, value] : j.items()) {
    if (key.size() >= 2 && key.compare(key.size() - 2, 2, "ms") == 0) {
      EXPECT_TRUE(value.is_number()) << key;
    }
  }
}

}  // namespace
}  // namespace infx
