// `infx bench` (the CLI) against misbehaving servers (issue 11), in both
// load shapes: no request lost or counted wrongly, failures named by kind,
// per-request connection fields in the records.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/misbehaving_server.h"
#include "test_support.h"

namespace infx {
namespace {

using client::testing::Behavior;
using client::testing::MisbehavingServer;
using client::testing::Reply;
using nlohmann::json;

struct BenchRun {
  testing::CommandOutput out;
  json result;
  std::vector<json> records;
};

BenchRun Bench(const MisbehavingServer& server,
               const std::vector<std::string>& extra) {
  const std::string dir = testing::ScratchDir(
      ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::vector<std::string> args = {
      "bench", "--base-url", server.url(), "--model", "m", "--input-len", "8",
      "--output-len", "3", "--request-timeout", "30", "--result-file",
      dir + "/result.json", "--records-file", dir + "/records.jsonl",
      // The servers script replies by request
      // order: a /metrics GET would take one.
      "--no-scrape", "--power-source", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  BenchRun run;
  run.out = testing::RunInfx(args);
  std::ifstream in(dir + "/result.json");
  if (in) run.result = json::parse(in, nullptr, false);
  std::ifstream records(dir + "/records.jsonl");
  std::string line;
  while (std::getline(records, line)) run.records.push_back(json::parse(line));
  return run;
}

Behavior Closing() {
  Behavior b;
  b.close_after = true;  // unannounced, as llama.cpp's server
  return b;
}

TEST(BenchMisbehavingTest, OpenLoopAgainstAServerClosingEachConnection) {
  MisbehavingServer server(Closing());
  BenchRun run = Bench(
      server, {"--request-rate", "200", "--num-prompts", "48", "--seed", "5"});
  ASSERT_EQ(run.out.exit_code, 0) << run.out.stderr_text << run.out.stdout_text;
  EXPECT_EQ(run.result["completed"], 48) << run.out.stdout_text;
  EXPECT_EQ(run.result["failed"], 0);
  EXPECT_EQ(run.result["cancelled"], 0);
  ASSERT_EQ(run.records.size(), 48u);
  for (const json& r : run.records) {
    EXPECT_EQ(r["status"], "ok") << r.dump();
    EXPECT_EQ(r["new_connection"], true);
    EXPECT_GT(r["connect_ms"].get<double>(), 0);
  }
}

TEST(BenchMisbehavingTest, ClosedLoopAgainstAServerClosingEachConnection) {
  MisbehavingServer server(Closing());
  BenchRun run =
      Bench(server, {"--max-concurrency", "4", "--num-prompts", "32"});
  ASSERT_EQ(run.out.exit_code, 0) << run.out.stderr_text;
  EXPECT_EQ(run.result["completed"], 32) << run.out.stdout_text;
  EXPECT_EQ(run.result["failed"], 0);
}

TEST(BenchMisbehavingTest, TwoXxWithoutTokensAreFailuresByKind) {
  MisbehavingServer server([](int index, const std::string&) {
    const Reply replies[] = {Reply::kGoodStream, Reply::kHtml200,
                             Reply::kNoContent204, Reply::kDoneOnly};
    return Behavior{replies[index % 4]};
  });
  BenchRun run =
      Bench(server, {"--max-concurrency", "1", "--num-prompts", "8"});
  EXPECT_EQ(run.result["completed"], 2) << run.out.stdout_text;
  EXPECT_EQ(run.result["failed"], 6);
  EXPECT_EQ(run.result["failures_by_kind"]["no_tokens"], 6);
}

TEST(BenchMisbehavingTest, EventCapAndIdleTimeoutFlags) {
  MisbehavingServer server([](int index, const std::string&) {
    return Behavior{index == 0 ? Reply::kEndlessLine : Reply::kGoodStream};
  });
  BenchRun run =
      Bench(server, {"--max-concurrency", "1", "--num-prompts", "3",
                     "--max-event-bytes", "65536", "--idle-timeout", "20"});
  EXPECT_EQ(run.result["completed"], 2) << run.out.stdout_text;
  EXPECT_EQ(run.result["failures_by_kind"]["event_too_large"], 1);
  auto bad = testing::RunInfx({"bench", "--model", "m", "--base-url",
                               server.url(), "--idle-timeout", "-1"});
  EXPECT_EQ(bad.exit_code, 2);  // a usage error (cli/flag_checks.h)
  EXPECT_NE(bad.stderr_text.find("--idle-timeout"), std::string::npos);
}

}  // namespace
}  // namespace infx
