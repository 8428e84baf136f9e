// Session replay against the emulator: multi-turn chat (the ShareGPT
// sample), agentic JSONL with sub-agent fan-out, and WEKA traces
// (../shared/data/traces), checked against the emulator's own trace:
// request counts, token counts, session ordering and prefix hit rates.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"
#include "bench/session_runner.h"
#include "emulator/emulator_server.h"
#include "test_support.h"
#include "trace/sessions.h"

namespace infx {
namespace {

using nlohmann::json;

class SessionReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    emulator::EmulatorOptions o;
    o.served_model_name = "llama";
    o.time_scale = 0.01;
    o.kv_capacity_tokens = int64_t{1} << 21;
    o.max_batched_tokens = 16384;
    o.trace_path = dir_ + "/server.jsonl";
    auto server = emulator::EmulatorServer::Start(o);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  bench::BenchConfig Config(const std::string& name, const std::string& path,
                            int64_t sessions) const {
    bench::BenchConfig c;
    c.client.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    c.client.model = "llama";
    c.client.request_timeout_s = 120;
    c.dataset.name = name;
    c.dataset.path = path;
    c.sampling.ignore_eos = true;
    c.num_prompts = sessions;
    c.max_concurrency = 4;
    c.validity.min_completed = 1;
    return c;
  }
  // Server-side view by X-Request-Id (stops the server to flush it).
  std::map<std::string, json> ServerTrace() {
    server_->Stop();
    std::map<std::string, json> by_id;
    std::ifstream in(dir_ + "/server.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line);
      if (j["x_request_id"].is_string()) by_id[j["x_request_id"]] = j;
    }
    return by_id;
  }
  // Every request starts after every request it follows has ended, on
  // the server's clock too.
  void CheckOrder(const std::vector<trace::SessionTrace>& sessions,
                  const bench::BenchResult& result,
                  std::map<std::string, json>& server) {
    size_t k = 0;
    for (const auto& s : sessions) {
      std::vector<const metrics::RequestRecord*> recs;
      for (size_t i = 0; i < s.requests.size(); ++i)
        recs.push_back(&result.records[k++]);
      for (size_t i = 0; i < s.requests.size(); ++i) {
        const auto& r = *recs[i];
        ASSERT_TRUE(r.ok()) << s.id << " " << i << ": " << r.error_message;
        ASSERT_TRUE(server.count(r.x_request_id)) << r.x_request_id;
        const json& t = server[r.x_request_id];
        EXPECT_EQ(t["completion_tokens"].get<int64_t>(),
                  s.requests[i].output_tokens);
        for (size_t a : s.requests[i].after) {
          EXPECT_GE(r.send_ns, recs[a]->end_ns) << s.id << " " << i;
          // The server handed the request it follows its last token
          // before this one arrived (finish_ns is later: trace bookkeeping).
          const json& prev = server[recs[a]->x_request_id];
          EXPECT_GE(t["arrival_ns"].get<int64_t>(),
                    prev["token_ns"].back().get<int64_t>())
              << s.id << " " << i;
        }
      }
    }
    EXPECT_EQ(k, result.records.size());
  }
  std::string dir_;
  std::unique_ptr<emulator::EmulatorServer> server_;
};

TEST_F(SessionReplayTest, MultiTurnSendsTheWholeHistoryTurnByTurn) {
  const std::string path =
      testing::SharedData("traces/chat/fastchat_dummy_conversation.json");
  auto sessions = trace::LoadShareGptSessions(path);
  ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
  sessions->resize(12);
  bench::BenchConfig c = Config("multiturn", path, 12);
  c.client.endpoint = bench::Endpoint::kChat;
  c.dataset.think_time_s = 0.005;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  size_t turns = 0;
  for (const auto& s : *sessions) turns += s.requests.size();
  ASSERT_EQ(result->records.size(), turns);
  auto server = ServerTrace();
  CheckOrder(*sessions, *result, server);
  // Turn k's prompt holds turn k-1's prompt and reply: it is longer.
  size_t k = 0;
  for (const auto& s : *sessions) {
    for (size_t i = 0; i < s.requests.size(); ++i, ++k) {
      if (i == 0) continue;
      const auto& prev = server[result->records[k - 1].x_request_id];
      const auto& cur = server[result->records[k].x_request_id];
      EXPECT_GT(cur["prompt_tokens"].get<int64_t>(),
                prev["prompt_tokens"].get<int64_t>() +
                    prev["completion_tokens"].get<int64_t>() / 2);
    }
  }
  const json j = bench::BenchResultToJson(*result);
  ASSERT_EQ(j["sessions"]["sessions"].size(), 12u);
  EXPECT_GE(j["sessions"]["per_turn"].size(), 2u);
  EXPECT_EQ(j["sessions"]["per_turn"][0]["turn"], 0);
  EXPECT_TRUE(j["e2e_normalized_interactivity"].is_number());
}

TEST_F(SessionReplayTest, AgenticFanOutBranchesFromOneContext) {
  const std::string path = dir_ + "/agentic.jsonl";
  {
    std::ofstream o(path);
    for (const char* sid : {"a", "b"}) {
      const int base = sid[0] == 'a' ? 0 : 100;
      auto row = [&](const char* id, json after, std::vector<int> ids, int in) {
        json hash = json::array();
        for (int h : ids) hash.push_back(base + h);
        o << json{{"session_id", sid},  {"id", id},
                  {"after", after},     {"delay_s", 0.01},
                  {"input_tokens", in}, {"output_tokens", 8},
                  {"hash_ids", hash}}
                 .dump()
          << "\n";
      };
      row("main", json::array(), {1, 2, 3}, 200);
      row("sub1", {"main"}, {1, 2, 3, 4}, 300);
      row("sub2", {"main"}, {1, 2, 3, 5}, 300);
      row("join", {"sub1", "sub2"}, {1, 2, 3, 4, 6}, 400);
    }
  }
  auto sessions = trace::LoadAgenticJsonl(path, 64);
  ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
  bench::BenchConfig c = Config("agentic", path, 10);
  c.dataset.hash_block_size = 64;
  c.max_concurrency = 1;  // one session at a time: sessions do not overlap
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->records.size(), 8u);
  auto server = ServerTrace();
  CheckOrder(*sessions, *result, server);
  size_t k = 0;
  for (const auto& s : *sessions) {
    for (const auto& r : s.requests) {
      EXPECT_EQ(server[result->records[k++].x_request_id]["prompt_tokens"]
                    .get<int64_t>(),
                r.input_tokens);
    }
  }
  // Per session: sub1, sub2 hit main's 3 blocks, join hits 4: 640 of 1200.
  const auto& p = *result->prefix_cache;
  EXPECT_NEAR(*p.theoretical_hit_rate, 640.0 / 1200, 1e-9);
  ASSERT_TRUE(p.observed_hit_rate.has_value());
  EXPECT_NEAR(*p.observed_hit_rate, *p.theoretical_hit_rate, 0.02);
}

TEST_F(SessionReplayTest, WekaTraceWithSubagentsJoinsBeforeTheNextTurn) {
  const std::string path = testing::SharedData("traces/weka/trace_0291.json");
  auto sessions = trace::LoadWekaTrace(path);
  ASSERT_TRUE(sessions.ok()) << sessions.status().ToString();
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].requests.size(), 32u);  // 20 + 12 in subagents
  bench::BenchConfig c = Config("weka", path, 1);
  c.dataset.think_time_scale = 0;
  auto result = bench::RunBenchmark(c);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->records.size(), 32u);
  auto server = ServerTrace();
  CheckOrder(*sessions, *result, server);
  const auto& p = *result->prefix_cache;
  ASSERT_TRUE(p.theoretical_hit_rate && p.observed_hit_rate);
  EXPECT_GT(*p.theoretical_hit_rate, 0.5);  // a coding agent's context grows
  EXPECT_NEAR(*p.observed_hit_rate, *p.theoretical_hit_rate, 0.05);
}

}  // namespace
}  // namespace infx
