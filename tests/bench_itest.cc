// infx bench against the emulator, in-process (library API) and through the
// CLI: every load shape and dataset, failures injected by the emulator, and
// client timestamps checked against the emulator's trace (joined on
// X-Request-Id; both sides use steady_clock).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"
#include "emulator/emulator_server.h"
#include "test_support.h"

namespace infx {
namespace {

using nlohmann::json;

struct TraceEntry {
  json j;
};

std::map<std::string, json> ReadTrace(const std::string& path) {
  std::map<std::string, json> by_id;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    if (j["x_request_id"].is_string()) by_id[j["x_request_id"]] = j;
  }
  return by_id;
}

class BenchEmulatorTest : public ::testing::Test {
 protected:
  // time_scale 0.2: tokens ~1 ms apart, well above the client's wake-up
  // time, so each read carries one token (TPOT > 0 is meaningful).
  void Start(const std::string& faults = "", double time_scale = 0.2) {
    dir_ = testing::ScratchDir(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    emulator::EmulatorOptions o;
    o.served_model_name = "llama";
    o.time_scale = time_scale;
    o.trace_path = dir_ + "/trace.jsonl";
    o.faults = faults;
    o.seed = 3;
    auto server = emulator::EmulatorServer::Start(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  bench::BenchConfig Config() const {
    bench::BenchConfig c;
    c.client.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    c.client.model = "llama";
    c.client.request_timeout_s = 30;
    c.dataset.input_len = 64;
    c.dataset.output_len = 16;
    c.dataset.range_ratio = 0.5;
    c.sampling.ignore_eos = true;
    c.num_prompts = 24;
    c.seed = 5;
    return c;
  }
  // Stops the server (flushing the trace) and checks every completed
  // client record against the server's view of the same request.
  void CheckAgainstTrace(const bench::BenchResult& result) {
    server_->Stop();
    auto trace = ReadTrace(dir_ + "/trace.jsonl");
    int checked = 0;
    for (const metrics::RequestRecord& r : result.records) {
      if (!r.ok()) continue;
      ASSERT_TRUE(trace.count(r.x_request_id)) << r.x_request_id;
      const json& t = trace[r.x_request_id];
      EXPECT_EQ(t["status"], "ok");
      EXPECT_EQ(r.OutputTokens(), t["completion_tokens"].get<int64_t>());
      EXPECT_EQ(r.PromptTokens(), t["prompt_tokens"].get<int64_t>());
      const auto& token_ns = t["token_ns"];
      ASSERT_EQ(r.chunk_ns.size(), token_ns.size()) << r.x_request_id;
      // Causality on one clock: sent before arrival, arrival after send.
      EXPECT_LE(r.send_ns, t["arrival_ns"].get<int64_t>());
      for (size_t i = 0; i < r.chunk_ns.size(); ++i) {
        int64_t server_ns = token_ns[i].get<int64_t>();
        EXPECT_GE(r.chunk_ns[i], server_ns);
        // Generous bound (ASan, 2 shared cores); the benchmark measures
        // the real fidelity.
        EXPECT_LT(r.chunk_ns[i] - server_ns, 200'000'000)
            << r.x_request_id << " " << i;
      }
      ++checked;
    }
    EXPECT_EQ(checked, result.metrics.completed + CountWarmupOk(result));
  }
  static int64_t CountWarmupOk(const bench::BenchResult& result) {
    int64_t n = 0;
    for (const auto& r : result.records) n += r.warmup && r.ok();
    return n;
  }
  std::string dir_;
  std::unique_ptr<emulator::EmulatorServer> server_;
};

TEST_F(BenchEmulatorTest, FixedConcurrencyRandomCompletions) {
  Start();
  bench::BenchConfig c = Config();
  c.max_concurrency = 4;
  c.warmup = 4;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics;
  EXPECT_EQ(m.completed, 24);
  EXPECT_EQ(m.failed, 0);
  EXPECT_LE(m.max_concurrent_requests, 4);
  EXPECT_GT(m.tpot_ms.mean, 0);
  EXPECT_GT(m.output_throughput, 0);
  if (m.tpot_ms.median > 0) {
    EXPECT_NEAR(m.interactivity.median, 1000.0 / m.tpot_ms.median, 1e-9);
  } else {
    // A loaded host delivered whole streams in one read (TPOT 0): the run
    // must then be judged INVALID for its read lag, never pass as valid.
    EXPECT_EQ(m.interactivity.median, 0);
    EXPECT_FALSE(result->validity.valid);
    EXPECT_THAT(::testing::PrintToString(result->validity.reasons),
                ::testing::HasSubstr("read_lag"));
  }
  CheckAgainstTrace(*result);
}

TEST_F(BenchEmulatorTest, PoissonOpenLoopChat) {
  Start();
  bench::BenchConfig c = Config();
  c.client.endpoint = bench::Endpoint::kChat;
  c.request_rate = 100;
  c.burstiness = 1.0;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.completed, 24);
  EXPECT_EQ(result->metrics.client_lag_ms.count, 24u);
  CheckAgainstTrace(*result);
}

TEST_F(BenchEmulatorTest, GammaBurstyOpenLoopWithCapJsonl) {
  Start();
  std::string path = dir_ + "/prompts.jsonl";
  std::ofstream(path)
      << "{\"prompt\": \"What is the capital of France?\", \"output_len\": 8}\n"
      << "{\"prompt\": \"Name three prime numbers please.\"}\n";
  bench::BenchConfig c = Config();
  c.dataset.name = "jsonl";
  c.dataset.path = path;
  c.dataset.output_len = 0;
  c.request_rate = 200;
  c.burstiness = 0.5;
  c.max_concurrency = 3;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->metrics.completed, 24);
  EXPECT_LE(result->metrics.max_concurrent_requests, 3);
  CheckAgainstTrace(*result);
}

TEST_F(BenchEmulatorTest, ShareGptDatasetByDuration) {
  Start();
  std::string path = dir_ + "/sharegpt.json";
  std::ofstream(path) << R"([{"conversations": [
      {"from": "human", "value": "Explain keep-alive in HTTP/1.1 briefly."},
      {"from": "gpt", "value": "It reuses one TCP connection for requests."}]}])";
  bench::BenchConfig c = Config();
  c.dataset.name = "sharegpt";
  c.dataset.path = path;
  c.dataset.output_len = 0;
  c.max_concurrency = 2;
  c.num_prompts = 5000;  // bounded by the duration
  c.duration_s = 0.5;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_GT(result->metrics.completed, 0);
  EXPECT_LT(result->records.size(), 5000u);
  EXPECT_EQ(result->metrics.failed, 0);
  CheckAgainstTrace(*result);
}

TEST_F(BenchEmulatorTest, InjectedFaultsEndAsCountsByKind) {
  Start("http500:0.15,drop:0.15,stall:0.15,malformed:0.15");
  bench::BenchConfig c = Config();
  c.client.request_timeout_s = 1;
  c.max_concurrency = 16;
  c.num_prompts = 48;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics;
  EXPECT_EQ(m.completed + m.failed, 48);
  EXPECT_GT(m.completed, 0);
  for (const char* kind :
       {"http_status", "stream_dropped", "timeout", "malformed_event"}) {
    EXPECT_GT(m.failures_by_kind.count(kind) ? m.failures_by_kind.at(kind) : 0,
              0)
        << kind;
  }
  server_->Stop();
  // Every client-side failure is a server-side injected fault.
  auto trace = ReadTrace(dir_ + "/trace.jsonl");
  for (const auto& r : result->records) {
    if (r.ok() || !trace.count(r.x_request_id)) continue;
    EXPECT_NE(trace[r.x_request_id]["status"], "ok")
        << r.x_request_id << " " << r.error_message;
  }
}

TEST_F(BenchEmulatorTest, CliWritesResultAndRecords) {
  Start();
  std::string result_file = dir_ + "/result.json";
  std::string records_file = dir_ + "/records.jsonl";
  auto out =
      testing::RunInfx({"bench",
                        "--base-url",
                        "http://127.0.0.1:" + std::to_string(server_->port()),
                        "--model",
                        "llama",
                        "--dataset-name",
                        "random",
                        "--random-input-len",
                        "32",
                        "--random-output-len",
                        "8",
                        "--random-range-ratio",
                        "0.5",
                        "--max-concurrency",
                        "4",
                        "--num-prompts",
                        "12",
                        "--ignore-eos",
                        "--goodput",
                        "ttft:5000",
                        "tpot:1000",
                        "--num-gpus",
                        "2",
                        "--metric-percentiles",
                        "50,99",
                        "--percentile-metrics",
                        "ttft,tpot,itl,e2el",
                        "--result-file",
                        result_file,
                        "--records-file",
                        records_file});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text << out.stdout_text;
  EXPECT_NE(out.stdout_text.find("Serving Benchmark Result"),
            std::string::npos);
  EXPECT_NE(out.stdout_text.find("P99 E2EL (ms):"), std::string::npos);
  std::ifstream in(result_file);
  json j = json::parse(in);
  EXPECT_EQ(j["completed"], 12);
  EXPECT_EQ(j["num_gpus"], 2);
  EXPECT_TRUE(j.contains("p99_tpot_ms"));
  EXPECT_TRUE(j.contains("p50_e2el_ms"));
  EXPECT_TRUE(j["request_goodput"].is_number());
  EXPECT_DOUBLE_EQ(j["total_token_throughput_per_gpu"].get<double>(),
                   j["total_token_throughput"].get<double>() / 2);
  std::ifstream records(records_file);
  int lines = 0;
  std::string line;
  while (std::getline(records, line)) {
    json r = json::parse(line);
    EXPECT_EQ(r["status"], "ok");
    ++lines;
  }
  EXPECT_EQ(lines, 12);
}

TEST(BenchCliTest, DeadServerAndBadFlagsGiveOneClearError) {
  auto dead =
      testing::RunInfx({"bench", "--base-url", "http://127.0.0.1:1", "--model",
                        "m", "--num-prompts", "3", "--input-len", "8",
                        "--output-len", "4", "--request-timeout", "5"});
  EXPECT_EQ(dead.exit_code, 1);
  EXPECT_NE(dead.stdout_text.find("connect_refused:"), std::string::npos)
      << dead.stdout_text;
  EXPECT_NE(dead.stderr_text.find("infx: error: no request completed"),
            std::string::npos);
  auto bad = testing::RunInfx(
      {"bench", "--base-url", "localhost:8000", "--model", "m"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("bad URL 'localhost:8000'"),
            std::string::npos);
  auto rate =
      testing::RunInfx({"bench", "--model", "m", "--request-rate", "fast"});
  EXPECT_EQ(rate.exit_code, 1);
  EXPECT_NE(rate.stderr_text.find("--request-rate 'fast'"), std::string::npos);
  auto help = testing::RunInfx({"bench", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.stdout_text.find("Example:"), std::string::npos);
  EXPECT_NE(help.stdout_text.find("--random-input-len"), std::string::npos);
}

}  // namespace
}  // namespace infx
