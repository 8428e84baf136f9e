// Trace replay against the emulator: the Mooncake sample
// (../shared/data/traces/mooncake) replayed through bench::RunBenchmark,
// checked request by request against the emulator's own trace, with the
// prefix-cache hit rate the emulator observed beside the trace's
// theoretical one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"
#include "emulator/emulator_server.h"
#include "test_support.h"
#include "trace/mooncake.h"

namespace infx {
namespace {

using nlohmann::json;

std::map<std::string, json> ReadServerTrace(const std::string& path) {
  std::map<std::string, json> by_id;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    if (j["x_request_id"].is_string()) by_id[j["x_request_id"]] = j;
  }
  return by_id;
}

// The first `rows` rows of the Mooncake sample, in a scratch file.
std::string MooncakeSample(const std::string& dir, int rows) {
  std::ifstream in(
      testing::SharedData("traces/mooncake/synthetic_trace.jsonl"));
  const std::string out = dir + "/mooncake.jsonl";
  std::ofstream o(out);
  std::string line;
  for (int i = 0; i < rows && std::getline(in, line); ++i) o << line << "\n";
  return out;
}

class TraceReplayTest : public ::testing::Test {
 protected:
  void Start(int64_t kv_tokens) {
    dir_ = testing::ScratchDir(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    emulator::EmulatorOptions o;
    o.served_model_name = "llama";
    o.time_scale = 0;
    o.kv_capacity_tokens = kv_tokens;
    o.max_batched_tokens = 16384;
    o.trace_path = dir_ + "/server.jsonl";
    auto server = emulator::EmulatorServer::Start(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  bench::BenchConfig Config(const std::string& path, int64_t rows) const {
    bench::BenchConfig c;
    c.client.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    c.client.model = "llama";
    c.client.request_timeout_s = 120;
    c.dataset.name = "mooncake";
    c.dataset.path = path;
    c.dataset.output_len = 0;  // the trace's output lengths
    c.sampling.ignore_eos = true;
    c.num_prompts = rows;
    c.validity.min_completed = 1;
    return c;
  }
  std::string dir_;
  std::unique_ptr<emulator::EmulatorServer> server_;
};

// One row at a time into a cache larger than the trace: the emulator hits
// what an unbounded cache would, within 2 points (it caches 16-token blocks
// and always computes the last prompt token, the trace counts 512-token ids).
TEST_F(TraceReplayTest, MooncakeObservedHitRateMatchesTheTheoreticalOne) {
  constexpr int kRows = 100;
  Start(int64_t{4} << 20);
  const std::string path = MooncakeSample(dir_, kRows);
  bench::BenchConfig c = Config(path, kRows);
  c.dataset.trace_timestamps = false;
  c.max_concurrency = 1;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->records.size(), static_cast<size_t>(kRows));
  ASSERT_TRUE(result->prefix_cache.has_value());
  const bench::PrefixCacheStats& p = *result->prefix_cache;
  ASSERT_TRUE(p.theoretical_hit_rate && p.observed_hit_rate);
  EXPECT_GT(*p.theoretical_hit_rate, 0.01);
  EXPECT_NEAR(*p.observed_hit_rate, *p.theoretical_hit_rate, 0.02);
  auto rows = trace::LoadMooncake(path, 512);
  ASSERT_TRUE(rows.ok());
  int64_t trace_tokens = 0;
  for (const auto& r : *rows) trace_tokens += r.input_length;
  EXPECT_EQ(p.theoretical_prompt_tokens, trace_tokens);
  // /metrics prints counters to 6 significant digits.
  EXPECT_NEAR(p.observed_query_tokens, static_cast<double>(trace_tokens),
              1e-5 * trace_tokens);
  RecordProperty("theoretical_hit_rate",
                 std::to_string(*p.theoretical_hit_rate));
  RecordProperty("observed_hit_rate", std::to_string(*p.observed_hit_rate));
  std::printf("theoretical %.4f observed %.4f\n", *p.theoretical_hit_rate,
              *p.observed_hit_rate);
  // Request by request: the server saw the row's lengths, in row order.
  server_->Stop();
  auto server = ReadServerTrace(dir_ + "/server.jsonl");
  int64_t last_arrival = 0;
  for (size_t i = 0; i < result->records.size(); ++i) {
    const metrics::RequestRecord& r = result->records[i];
    ASSERT_TRUE(r.ok()) << r.error_message;
    ASSERT_TRUE(server.count(r.x_request_id));
    const json& t = server[r.x_request_id];
    EXPECT_EQ(t["prompt_tokens"].get<int64_t>(), (*rows)[i].input_length);
    EXPECT_EQ(t["completion_tokens"].get<int64_t>(), (*rows)[i].output_length);
    EXPECT_GE(t["arrival_ns"].get<int64_t>(), last_arrival);
    last_arrival = t["arrival_ns"].get<int64_t>();
  }
  const json j = bench::BenchResultToJson(*result);
  EXPECT_TRUE(j["prefix_cache"]["observed_hit_rate"].is_number());
}

// Timestamps pace the rows: each row is due at timestamp / speedup and its
// latency counts from then.
TEST_F(TraceReplayTest, MooncakeTimestampsScheduleTheRows) {
  Start(int64_t{1} << 20);
  const std::string path = dir_ + "/timed.jsonl";
  {
    std::ofstream o(path);
    for (int i = 0; i < 5; ++i) {
      o << json{{"timestamp", i * 200},
                {"input_length", 600},
                {"output_length", 4},
                {"hash_ids", {1, 2}}}
               .dump()
        << "\n";
    }
  }
  bench::BenchConfig c = Config(path, 5);
  c.dataset.trace_speedup = 4;  // 50 ms apart
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->records.size(), 5u);
  const int64_t t0 = result->records[0].scheduled_ns;
  for (size_t i = 0; i < 5; ++i) {
    const metrics::RequestRecord& r = result->records[i];
    ASSERT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.scheduled_ns - t0, static_cast<int64_t>(i) * 50'000'000);
  }
  // Rows 2..5 repeat row 1's prompt: all but the last token hit in theory.
  EXPECT_NEAR(*result->prefix_cache->theoretical_hit_rate, 4 * 599 / 3000.0,
              1e-9);
}

TEST_F(TraceReplayTest, MalformedTraceIsAnErrorNamingFileAndLine) {
  Start(int64_t{1} << 20);
  const std::string path = dir_ + "/bad.jsonl";
  {
    std::ofstream o(path);
    o << R"({"timestamp": 0, "input_length": 600, "output_length": 4, "hash_ids": [1, 2]})"
      << "\n"
      << R"({"timestamp": 1, "input_length": 600, "output_length": 4, "hash_ids": [1]})"
      << "\n";
  }
  auto result = bench::RunBenchmark(Config(path, 5));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(path + ":2"), std::string::npos)
      << result.status().message();
}

}  // namespace
}  // namespace infx
