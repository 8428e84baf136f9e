#include "metrics/metrics.h"

#include <gtest/gtest.h>

namespace infx::metrics {
namespace {

constexpr int64_t kMs = 1'000'000;

// A completed request scheduled at `t0` ms whose chunks arrive at the given
// ms offsets; the stream ends at the last chunk.
RequestRecord Done(int64_t t0_ms, std::vector<int64_t> chunks_ms,
                   int64_t prompt_len = 10) {
  RequestRecord r;
  r.scheduled_ns = (1000 + t0_ms) * kMs;
  r.send_ns = r.scheduled_ns;
  for (int64_t c : chunks_ms) r.chunk_ns.push_back(r.scheduled_ns + c * kMs);
  r.first_token_ns = r.chunk_ns.front();
  r.end_ns = r.chunk_ns.back();
  r.prompt_len = prompt_len;
  return r;
}

TEST(MetricsTest, PercentileMatchesNumpyLinear) {
  std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(PercentileSorted(v, 50), 2.5);   // np.percentile -> 2.5
  EXPECT_DOUBLE_EQ(PercentileSorted(v, 99), 3.97);  // 3 + 0.97
  EXPECT_DOUBLE_EQ(PercentileSorted(v, 0), 1);
  EXPECT_DOUBLE_EQ(PercentileSorted(v, 100), 4);
}

TEST(MetricsTest, SummarizeUsesPopulationStd) {
  Stats s = Summarize({2, 4, 4, 4, 5, 5, 7, 9}, {90});
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_DOUBLE_EQ(s.std, 2);  // np.std (ddof=0)
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
  ASSERT_EQ(s.percentiles.size(), 1u);
  EXPECT_NEAR(s.percentiles[0].second, 7.6, 1e-12);  // 7 + 0.3*(9-7)
}

TEST(MetricsTest, PerRequestLatencies) {
  RequestRecord r = Done(0, {100, 110, 130, 160});
  EXPECT_DOUBLE_EQ(*TtftMs(r), 100);
  EXPECT_DOUBLE_EQ(*E2elMs(r), 160);
  // (160 - 100) / (4 - 1)
  EXPECT_DOUBLE_EQ(*TpotMs(r), 20);
  EXPECT_EQ(ItlMs(r), (std::vector<double>{10, 20, 30}));
}

TEST(MetricsTest, TpotUsesServerUsageOverChunkCount) {
  RequestRecord r = Done(0, {100, 160});
  r.usage_completion_tokens = 7;     // chunks carried several tokens
  EXPECT_DOUBLE_EQ(*TpotMs(r), 10);  // 60 / 6
  r.usage_completion_tokens = 1;
  EXPECT_FALSE(TpotMs(r).has_value());
}

TEST(MetricsTest, ItlPerTokenSplitsMultiTokenChunks) {
  RequestRecord r = Done(0, {100, 120, 150});
  r.chunk_tokens = {1, 4, 3};
  EXPECT_EQ(ItlPerTokenMs(r), (std::vector<double>{5, 5, 5, 5, 10, 10, 10}));
  EXPECT_EQ(r.OutputTokens(), 8);
}

TEST(MetricsTest, LatencyCountsFromScheduledTime) {
  RequestRecord r = Done(0, {100, 200});
  r.send_ns = r.scheduled_ns + 30 * kMs;  // client was 30 ms late
  EXPECT_DOUBLE_EQ(*TtftMs(r), 100);
  BenchMetrics m = ComputeMetrics({r}, {});
  EXPECT_DOUBLE_EQ(m.client_lag_ms.max, 30);
}

TEST(MetricsTest, CountsTokenEventsThatSharedARead) {
  RequestRecord a = Done(0, {100, 100, 130});  // two events in one read
  a.shared_read_events = 1;
  RequestRecord b = Done(1, {100, 120});
  BenchMetrics m = ComputeMetrics({a, b}, {});
  EXPECT_EQ(m.client_token_events, 5);
  EXPECT_EQ(m.client_shared_read_events, 1);
}

TEST(MetricsTest, AggregatesThroughputsAndFailures) {
  std::vector<RequestRecord> rs;
  rs.push_back(Done(0, {100, 200, 300, 400, 500}));  // 5 tokens, ends 500
  rs.push_back(Done(500, {600, 1000}));              // ends 1500 after 1000
  rs[1].usage_prompt_tokens = 30;
  RequestRecord failed = Done(0, {50});
  failed.error = ErrorKind::kHttpStatus;
  rs.push_back(failed);
  RequestRecord timeout = Done(0, {50});
  timeout.error = ErrorKind::kTimeout;
  rs.push_back(timeout);
  RequestRecord cancelled = Done(0, {50});
  cancelled.error = ErrorKind::kCancelled;
  rs.push_back(cancelled);
  RequestRecord warm = Done(-5000, {10, 20});
  warm.warmup = true;
  rs.push_back(warm);

  MetricsOptions options;
  options.num_gpus = 2;
  BenchMetrics m = ComputeMetrics(rs, options);
  EXPECT_EQ(m.completed, 2);
  EXPECT_EQ(m.failed, 2);
  EXPECT_EQ(m.cancelled, 1);
  EXPECT_EQ(m.failures_by_kind.at("http_status"), 1);
  EXPECT_EQ(m.failures_by_kind.at("timeout"), 1);
  EXPECT_DOUBLE_EQ(m.duration_s, 1.5);  // 0 .. 1500 ms, warm-up excluded
  EXPECT_EQ(m.total_input_tokens, 10 + 30);
  EXPECT_EQ(m.total_output_tokens, 7);
  EXPECT_DOUBLE_EQ(m.request_throughput, 2 / 1.5);
  EXPECT_DOUBLE_EQ(m.output_throughput, 7 / 1.5);
  EXPECT_DOUBLE_EQ(m.total_token_throughput, 47 / 1.5);
  EXPECT_DOUBLE_EQ(m.total_token_throughput_per_gpu, 47 / 1.5 / 2);
  EXPECT_EQ(m.ttft_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.ttft_ms.mean, 350);  // 100 and 600
  // TPOTs: (500 - 100) / 4 = 100 and (1000 - 600) / 1 = 400.
  EXPECT_DOUBLE_EQ(m.tpot_ms.mean, 250);
  EXPECT_DOUBLE_EQ(m.interactivity.mean, 4);    // 1000 / 250
  EXPECT_DOUBLE_EQ(m.interactivity.median, 4);  // 1000 / median 250
  EXPECT_DOUBLE_EQ(m.interactivity.max, 10);    // 1000 / min TPOT 100
  EXPECT_EQ(m.itl_ms.count, 5u);                // 4 + 1 gaps
  EXPECT_DOUBLE_EQ(m.e2el_ms.max, 1000);        // from its own schedule
  EXPECT_FALSE(m.request_goodput.has_value());
  EXPECT_EQ(m.max_concurrent_requests, 4);  // 3 fail/cancel at t<=50ms + 2
  EXPECT_DOUBLE_EQ(m.max_output_tokens_per_s, 5);  // second 0: 5, second 1: 2
}

TEST(MetricsTest, GoodputCountsRequestsWithinAllSlos) {
  std::vector<RequestRecord> rs = {Done(0, {100, 150, 200}),  // tpot 50
                                   Done(0, {600, 700}),       // ttft 600
                                   Done(0, {100, 400})};      // tpot 300
  MetricsOptions options;
  auto slo = ParseGoodput({"ttft:500 tpot:60"});
  ASSERT_TRUE(slo.ok()) << slo.status().ToString();
  options.goodput = *slo;
  BenchMetrics m = ComputeMetrics(rs, options);
  ASSERT_TRUE(m.request_goodput.has_value());
  EXPECT_DOUBLE_EQ(*m.request_goodput, 1 / 0.7);  // 1 good in 0.7 s
}

TEST(MetricsTest, ParseGoodputRejectsBadInput) {
  EXPECT_FALSE(ParseGoodput({"ttft"}).ok());
  EXPECT_FALSE(ParseGoodput({"foo:1"}).ok());
  EXPECT_FALSE(ParseGoodput({"ttft:-3"}).ok());
  EXPECT_FALSE(ParseGoodput({"ttft:abc"}).ok());
  auto slo = ParseGoodput({"ttft:500", "e2el:9000"});
  ASSERT_TRUE(slo.ok());
  EXPECT_EQ(*slo->ttft_ms, 500);
  EXPECT_EQ(*slo->e2el_ms, 9000);
  EXPECT_FALSE(slo->tpot_ms.has_value());
}

TEST(MetricsTest, EmptyInputGivesZeros) {
  BenchMetrics m = ComputeMetrics({}, {});
  EXPECT_EQ(m.completed, 0);
  EXPECT_EQ(m.duration_s, 0);
  EXPECT_EQ(m.ttft_ms.count, 0u);
}

}  // namespace
}  // namespace infx::metrics
