// The driver in both load shapes against misbehaving servers (issue 11):
// no request is lost, --duration ends what is in flight.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/driver.h"
#include "client/misbehaving_server.h"

namespace infx::bench {
namespace {

using client::testing::Behavior;
using client::testing::MisbehavingServer;
using client::testing::Reply;
using metrics::ErrorKind;
using metrics::RequestRecord;

constexpr int64_t kMs = 1'000'000;

struct DriveRun {
  std::vector<RequestRecord> records;
  DriveOutcome outcome;
};

DriveRun DriveAgainst(const MisbehavingServer& server, const Phase& phase) {
  DriveOptions options;
  options.client.base = *client::ParseUrl(server.url());
  options.client.request_timeout_s = 30;
  std::vector<client::PreparedRequest> requests(
      phase.end, {"/v1/completions", "{\"prompt\":\"hi\"}"});
  DriveRun run;
  run.records.resize(phase.end);
  for (size_t i = 0; i < phase.end; ++i) {
    run.records[i].x_request_id = "r-" + std::to_string(i);
  }
  run.outcome = Drive(options, requests, &run.records, {phase});
  return run;
}

void ExpectAllCompleted(const DriveRun& run) {
  for (const RequestRecord& r : run.records) {
    EXPECT_TRUE(r.ok()) << r.x_request_id << ": "
                        << metrics::ErrorKindName(r.error) << " "
                        << r.error_message << " (end_ns " << r.end_ns << ")";
    EXPECT_EQ(r.chunk_ns.size(), 3u);
  }
}

Behavior ClosingAfterEachResponse() {
  Behavior b;
  b.close_after = true;  // unannounced, as llama.cpp's server
  return b;
}

TEST(DriverTest, ClosedLoopLosesNothingWhenTheServerClosesEachConnection) {
  MisbehavingServer server(ClosingAfterEachResponse());
  Phase phase;
  phase.end = 40;
  phase.concurrency = 4;
  DriveRun run = DriveAgainst(server, phase);
  ExpectAllCompleted(run);
  EXPECT_EQ(server.requests_served(), 40);
}

TEST(DriverTest, OpenLoopLosesNothingWhenTheServerClosesEachConnection) {
  MisbehavingServer server(ClosingAfterEachResponse());
  // Bursts of 4, then single requests: the singles find several
  // connections in the pool that the server has closed.
  Phase phase;
  for (int burst = 0; burst < 8; ++burst) {
    const int64_t t = burst * 60 * kMs;
    for (int i = 0; i < 4; ++i) phase.offsets_ns.push_back(t);
    for (int i = 1; i <= 3; ++i) phase.offsets_ns.push_back(t + i * 15 * kMs);
  }
  phase.end = phase.offsets_ns.size();
  DriveRun run = DriveAgainst(server, phase);
  ExpectAllCompleted(run);
  EXPECT_EQ(server.requests_served(), static_cast<int>(phase.end));
}

TEST(DriverTest, DurationEndsStalledRequestsInFlightAsCancelled) {
  MisbehavingServer server(Behavior{Reply::kStall});
  Phase phase;
  phase.end = 6;
  phase.concurrency = 2;
  phase.duration_s = 0.3;
  DriveRun run = DriveAgainst(server, phase);
  int stopped = 0, unsent = 0;
  for (const RequestRecord& r : run.records) {
    if (r.send_ns == 0) {
      ++unsent;
      continue;
    }
    EXPECT_EQ(r.error, ErrorKind::kCancelled) << r.error_message;
    EXPECT_NE(r.error_message.find("--duration"), std::string::npos)
        << r.error_message;
    ++stopped;
  }
  EXPECT_EQ(stopped, 2);
  EXPECT_EQ(unsent, 4);
}

}  // namespace
}  // namespace infx::bench
