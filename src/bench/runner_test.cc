// RunBenchmark / RunRequests against a scripted SSE server (infx_http's
// HttpServer) that streams max_tokens tokens 1 ms apart.
#include "bench/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/schedule.h"
#include "bench/test_server.h"

namespace infx::bench {
namespace {

using metrics::ErrorKind;

BenchConfig Config(uint16_t port) {
  BenchConfig c;
  c.client.base_url = "http://127.0.0.1:" + std::to_string(port);
  c.client.model = "m";
  c.dataset.input_len = 8;
  c.dataset.output_len = 6;
  c.num_prompts = 12;
  c.seed = 1;
  return c;
}

TEST(RunnerTest, ClosedLoopKeepsExactlyCInFlight) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  st->truncate_prompt_to = 3;  // usage says 3 prompt tokens of the 8 sent
  BenchConfig c = Config(server->port());
  c.max_concurrency = 3;
  c.warmup = 2;
  auto result = RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto& m = result->metrics;
  EXPECT_EQ(m.completed, 12);
  EXPECT_EQ(m.failed, 0);
  EXPECT_EQ(result->records.size(), 14u);  // warm-up kept in records
  EXPECT_EQ(st->requests, 14);
  EXPECT_EQ(st->max_in_flight, 3);
  EXPECT_EQ(m.max_concurrent_requests, 3);
  EXPECT_EQ(m.total_output_tokens, 12 * 6);
  EXPECT_EQ(m.total_input_tokens, 12 * 3);  // server usage wins
  EXPECT_EQ(m.tpot_ms.count, 12u);
  EXPECT_EQ(m.itl_ms.count, 12u * 5);
  EXPECT_GT(m.ttft_ms.min, 0.5);             // the first token takes >= 1 ms
  EXPECT_LE(result->connections_opened, 3);  // keep-alive reuse
  std::lock_guard<std::mutex> lock(st->mu);
  EXPECT_EQ(st->request_ids.front(), "infx-0");

  nlohmann::json j = BenchResultToJson(*result);
  for (const char* key : {"date",
                          "backend",
                          "model_id",
                          "duration",
                          "completed",
                          "total_input_tokens",
                          "total_output_tokens",
                          "request_throughput",
                          "output_throughput",
                          "total_token_throughput",
                          "mean_ttft_ms",
                          "median_tpot_ms",
                          "p99_itl_ms",
                          "p90_e2el_ms",
                          "std_ttft_ms",
                          "ttfts",
                          "itls",
                          "input_lens",
                          "output_lens",
                          "errors",
                          "max_concurrency",
                          "request_rate",
                          "burstiness",
                          "median_intvty"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["ttfts"].size(), 12u);
  EXPECT_EQ(j["request_rate"], "inf");
  std::string jsonl = RecordsToJsonl(result->records);
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 14);
  EXPECT_NE(FormatSummary(*result).find("Successful requests:"),
            std::string::npos);
}

TEST(RunnerTest, OpenLoopSchedulesFromAbsoluteDueTimes) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  BenchConfig c = Config(server->port());
  c.request_rate = 200;
  c.burstiness = 1;
  auto result = RunBenchmark(c);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->metrics.completed, 12);
  // Due times are start + the precomputed offsets, exactly.
  auto schedule = *MakeSchedule(12, 200, 1, c.ScheduleSeed());
  const auto& rs = result->records;
  for (size_t i = 1; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].scheduled_ns - rs[0].scheduled_ns, schedule[i]) << i;
    EXPECT_GE(rs[i].send_ns, rs[i].scheduled_ns);
  }
  EXPECT_EQ(result->metrics.client_lag_ms.count, 12u);
}

TEST(RunnerTest, FailuresAreCountedByKind) {
  auto st = std::make_shared<ServerState>();
  st->fail_all = true;
  auto server = StartServer(st);
  BenchConfig c = Config(server->port());
  c.max_concurrency = 2;
  auto result = RunBenchmark(c);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->metrics.completed, 0);
  EXPECT_EQ(result->metrics.failed, 12);
  EXPECT_EQ(result->metrics.failures_by_kind.at("http_status"), 12);
  EXPECT_NE(result->records[0].error_message.find("injected"),
            std::string::npos);
}

TEST(RunnerTest, DeadServerEndsAsConnectRefused) {
  uint16_t port;
  {
    auto st = std::make_shared<ServerState>();
    auto server = StartServer(st);
    port = server->port();
  }
  BenchConfig c = Config(port);
  c.max_concurrency = 4;
  auto result = RunBenchmark(c);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->metrics.failures_by_kind.at("connect_refused"), 12);
}

TEST(RunnerTest, CancelFlagKeepsPartialResults) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  BenchConfig c = Config(server->port());
  c.dataset.output_len = 100000;  // would take minutes
  c.max_concurrency = 2;
  std::atomic<bool> cancel{false};
  c.cancel = &cancel;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  auto result = RunBenchmark(c);
  stopper.join();
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->cancelled);
  EXPECT_EQ(result->records.size(), 2u);  // only the sent ones
  EXPECT_EQ(result->metrics.cancelled, 2);
  EXPECT_FALSE(result->records[0].chunk_ns.empty());  // partial stream kept
}

TEST(RunnerTest, RunRequestsReturnsTextInPromptOrder) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  ClientConfig client;
  client.base_url = "http://127.0.0.1:" + std::to_string(server->port());
  client.model = "m";
  client.capture_text = true;
  std::vector<Prompt> prompts(5);
  for (int i = 0; i < 5; ++i) {
    prompts[i].text = std::string("q").append(std::to_string(i));
    prompts[i].max_tokens = 1 + i;
  }
  SamplingParams sampling;
  sampling.temperature = 0.0;
  auto records = RunRequests(client, prompts, sampling, 2);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 5u);
  EXPECT_EQ((*records)[0].text, "t0");
  EXPECT_EQ((*records)[2].text, "t0t1t2");
  EXPECT_EQ((*records)[4].OutputTokens(), 5);
  EXPECT_LE(st->max_in_flight, 2);
}

TEST(RunnerTest, BadConfigIsAnError) {
  BenchConfig c = Config(1);
  c.client.base_url = "localhost:8000";
  EXPECT_EQ(RunBenchmark(c).status().code(), ErrorCode::kInvalidArgument);
  c = Config(1);
  c.client.model = "";
  EXPECT_FALSE(RunBenchmark(c).ok());
  c = Config(1);
  c.request_rate = -1;
  EXPECT_FALSE(RunBenchmark(c).ok());
}

TEST(RunnerTest, ClientThreadsShareTheStreamsAndLoseNothing) {
  auto st = std::make_shared<ServerState>();
  auto server = StartServer(st);
  BenchConfig c = Config(server->port());
  c.num_prompts = 13;
  c.warmup = 2;
  c.max_concurrency = 4;
  auto one = RunBenchmark(c);
  c.client_threads = 3;
  auto three = RunBenchmark(c);
  c.max_concurrency = 0;  // open loop over the same prompts
  c.request_rate = 500;
  auto open = RunBenchmark(c);
  ASSERT_TRUE(one.ok() && three.ok() && open.ok());
  for (const BenchResult* r : {&*three, &*open}) {
    ASSERT_EQ(r->records.size(), one->records.size());
    EXPECT_EQ(r->metrics.completed, 13);
    EXPECT_EQ(r->metrics.failed, 0);
    EXPECT_EQ(r->metrics.total_output_tokens, one->metrics.total_output_tokens);
    EXPECT_EQ(r->metrics.client_token_events, one->metrics.client_token_events);
    for (size_t i = 0; i < r->records.size(); ++i) {
      const metrics::RequestRecord& a = one->records[i];
      const metrics::RequestRecord& b = r->records[i];
      EXPECT_EQ(b.index, a.index);
      EXPECT_EQ(b.x_request_id, a.x_request_id);
      EXPECT_EQ(b.warmup, a.warmup);
      EXPECT_TRUE(b.ok()) << b.error_message;
      EXPECT_EQ(b.chunk_ns.size(), a.chunk_ns.size());
    }
  }
  // The cap holds across threads: 4 split as 2 + 1 + 1.
  EXPECT_LE(three->metrics.max_concurrent_requests, 4);
  EXPECT_EQ(BenchResultToJson(*three)["client_threads"], 3);
  std::lock_guard<std::mutex> lock(st->mu);
  EXPECT_EQ(st->requests, 3 * 15);
}

TEST(RunnerTest, ClientThreadsBelowOneAreRejected) {
  BenchConfig c = Config(1);
  c.client_threads = 0;
  auto result = RunBenchmark(c);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("--client-threads"),
            std::string::npos);
}

}  // namespace
}  // namespace infx::bench
