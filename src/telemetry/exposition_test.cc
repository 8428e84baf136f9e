#include "telemetry/exposition.h"

#include <gtest/gtest.h>

#include <cmath>

#include "telemetry/histogram.h"
#include "telemetry/metric_names.h"

namespace infx::telemetry {
namespace {

constexpr std::string_view kVllm =
    R"(# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="m"} 3.0
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{model_name="m"} 1024.0
vllm:prompt_tokens_created{model_name="m"} 1.7e9
# HELP vllm:time_to_first_token_seconds Histogram of time to first token.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 2.0
vllm:time_to_first_token_seconds_bucket{le="0.2",model_name="m"} 6.0
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} 8.0
vllm:time_to_first_token_seconds_count{model_name="m"} 8.0
vllm:time_to_first_token_seconds_sum{model_name="m"} 1.5
)";

TEST(Exposition, ParsesTypedFamiliesAndGroupsHistogramSeries) {
  auto e = ParseExposition(kVllm);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->families.size(), 4u);  // _created is its own untyped family
  const MetricFamily* running = e->Find("vllm:num_requests_running");
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->type, MetricType::kGauge);
  EXPECT_EQ(running->help, "Number of requests in model execution batches.");
  ASSERT_EQ(running->samples.size(), 1u);
  EXPECT_EQ(*running->samples[0].FindLabel("model_name"), "m");
  EXPECT_DOUBLE_EQ(running->samples[0].value, 3);
  const MetricFamily* ttft = e->Find("vllm:time_to_first_token_seconds");
  ASSERT_NE(ttft, nullptr);
  EXPECT_EQ(ttft->type, MetricType::kHistogram);
  EXPECT_EQ(ttft->samples.size(), 5u);
  EXPECT_DOUBLE_EQ(*FamilyValue(*e->Find("vllm:prompt_tokens_total")), 1024);
}

TEST(Exposition, HistogramQuantilesInterpolateWithinBuckets) {
  auto e = ParseExposition(kVllm);
  ASSERT_TRUE(e.ok());
  auto h = MergedHistogram(*e->Find("vllm:time_to_first_token_seconds"));
  ASSERT_TRUE(h.has_value());
  ASSERT_EQ(h->upper_bounds.size(), 3u);
  EXPECT_TRUE(std::isinf(h->upper_bounds.back()));
  EXPECT_DOUBLE_EQ(h->count, 8);
  EXPECT_DOUBLE_EQ(h->sum, 1.5);
  // rank 4 of 8: bucket (0.1, 0.2] holds ranks 3..6 -> 0.1 + 0.1 * 2/4.
  EXPECT_DOUBLE_EQ(HistogramQuantile(*h, 0.5), 0.15);
  // rank 1 of 8 in the first bucket (0, 0.1] -> 0.05.
  EXPECT_DOUBLE_EQ(HistogramQuantile(*h, 0.125), 0.05);
  // In the +Inf bucket: the largest finite bound.
  EXPECT_DOUBLE_EQ(HistogramQuantile(*h, 0.99), 0.2);
  HistogramData empty;
  EXPECT_TRUE(std::isnan(HistogramQuantile(empty, 0.5)));
}

TEST(Exposition, HistogramIncreaseSubtractsBucketsAndHandlesResets) {
  HistogramData a{{0.1, INFINITY}, {1, 2}, 0.3, 2};
  HistogramData b{{0.1, INFINITY}, {4, 7}, 1.3, 7};
  HistogramData d = HistogramIncrease(a, b);
  EXPECT_EQ(d.cumulative, (std::vector<double>{3, 5}));
  EXPECT_DOUBLE_EQ(d.count, 5);
  EXPECT_NEAR(d.sum, 1.0, 1e-12);
  HistogramData reset{{0.1, INFINITY}, {0, 1}, 0.05, 1};
  EXPECT_EQ(HistogramIncrease(b, reset).cumulative, reset.cumulative);
  EXPECT_DOUBLE_EQ(CounterIncrease(10, 25), 15);
  EXPECT_DOUBLE_EQ(CounterIncrease(10, 4), 4);
}

TEST(Exposition, MergesHistogramLabelSets) {
  auto e = ParseExposition(
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\",r=\"a\"} 1\nh_bucket{le=\"+Inf\",r=\"a\"} 2\n"
      "h_bucket{le=\"1\",r=\"b\"} 3\nh_bucket{le=\"+Inf\",r=\"b\"} 3\n"
      "h_count{r=\"a\"} 2\nh_count{r=\"b\"} 3\nh_sum{r=\"a\"} 4\n"
      "h_sum{r=\"b\"} 1\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto h = MergedHistogram(e->families.at(0));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->cumulative, (std::vector<double>{4, 5}));
  EXPECT_DOUBLE_EQ(h->count, 5);
  EXPECT_DOUBLE_EQ(h->sum, 5);
}

TEST(Exposition, LabelEscapesAndSpacing) {
  auto e = ParseExposition(
      "m{ a = \"x\\\"y\" , b=\"back\\\\slash\",c=\"new\\nline\",d=\"{},=\", } "
      "1\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const Sample& s = e->families.at(0).samples.at(0);
  ASSERT_EQ(s.labels.size(), 4u);
  EXPECT_EQ(s.labels[0], (Label{"a", "x\"y"}));
  EXPECT_EQ(s.labels[1], (Label{"b", "back\\slash"}));
  EXPECT_EQ(s.labels[2], (Label{"c", "new\nline"}));
  EXPECT_EQ(s.labels[3], (Label{"d", "{},="}));
}

TEST(Exposition, HelpEscapesAndComments) {
  auto e = ParseExposition(
      "# a free comment\n\n# HELP g line\\none \\\\ two\n# TYPE g gauge\n"
      "g 2\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->families.at(0).help, "line\none \\ two");
  EXPECT_EQ(e->families.at(0).type, MetricType::kGauge);
}

TEST(Exposition, SpecialValuesAndTimestamps) {
  auto e = ParseExposition(
      "a NaN\nb +Inf\nc -Inf\nd 1.5e3 1700000000000\ne -0.25 -5\nf inf\n"
      "g 1e999\nh 1e-999\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const auto& f = e->families;
  ASSERT_EQ(f.size(), 8u);
  EXPECT_TRUE(std::isnan(f[0].samples[0].value));
  EXPECT_EQ(f[1].samples[0].value, INFINITY);
  EXPECT_EQ(f[2].samples[0].value, -INFINITY);
  EXPECT_DOUBLE_EQ(f[3].samples[0].value, 1500);
  EXPECT_EQ(f[3].samples[0].timestamp_ms, 1700000000000);
  EXPECT_FALSE(f[0].samples[0].timestamp_ms.has_value());
  EXPECT_DOUBLE_EQ(f[4].samples[0].value, -0.25);
  EXPECT_EQ(f[4].samples[0].timestamp_ms, -5);
  EXPECT_EQ(f[5].samples[0].value, INFINITY);
  EXPECT_EQ(f[6].samples[0].value, INFINITY);
  EXPECT_EQ(f[7].samples[0].value, 0);
}

TEST(Exposition, SummariesAndOpenMetricsEof) {
  auto e = ParseExposition(
      "# TYPE rpc summary\nrpc{quantile=\"0.5\"} 0.2\n"
      "rpc{quantile=\"0.99\"} 0.9\nrpc_sum 12\nrpc_count 40\n"
      "# TYPE c counter\nc_total 7\nc_created 1\n# EOF\nignored line {\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->families.size(), 2u);
  EXPECT_EQ(e->families[0].type, MetricType::kSummary);
  EXPECT_EQ(e->families[0].samples.size(), 4u);
  EXPECT_EQ(e->families[1].samples.size(), 2u);
  EXPECT_DOUBLE_EQ(*FamilyValue(e->families[1]), 7);
}

TEST(Exposition, RepeatedHeadersOfTheSameTypeAreTolerated) {
  auto e = ParseExposition(
      "# TYPE g gauge\ng{a=\"1\"} 1\n# HELP g again\n# TYPE g gauge\n"
      "g{a=\"2\"} 2\n");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->families.size(), 1u);
  EXPECT_EQ(e->families[0].samples.size(), 2u);
}

TEST(Exposition, CrLfLinesAndNoFinalNewline) {
  auto e = ParseExposition("a 1\r\nb 2");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->families.size(), 2u);
  EXPECT_DOUBLE_EQ(e->families[1].samples[0].value, 2);
}

TEST(Exposition, MalformedLinesNameTheLine) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"a 1\nb{x=\"1\" 2\n", "line 2"},
      {"a{x=1} 2\n", "expected '\"'"},
      {"a{x=\"unterminated} 2\n", "unterminated"},
      {"a{x=\"\\q\"} 2\n", "unknown escape"},
      {"a\n", "has no value"},
      {"a one\n", "bad value"},
      {"a 1 2 3\n", "after the timestamp"},
      {"a 1 soon\n", "bad timestamp"},
      {"# TYPE a widget\n", "unknown metric type"},
      {"a 1\n# TYPE a gauge\n", "after its samples"},
      {"{x=\"1\"} 2\n", "expected a metric name"},
      {"a{9x=\"1\"} 2\n", "bad label name"},
  };
  for (const auto& [text, want] : cases) {
    auto e = ParseExposition(text);
    ASSERT_FALSE(e.ok()) << text;
    EXPECT_EQ(e.status().code(), ErrorCode::kParseError);
    EXPECT_NE(e.status().message().find(want), std::string::npos)
        << text << " -> " << e.status().message();
  }
}

TEST(Exposition, ParsePromNumber) {
  EXPECT_EQ(ParsePromNumber("+Inf"), INFINITY);
  EXPECT_EQ(ParsePromNumber("-inf"), -INFINITY);
  EXPECT_TRUE(std::isnan(*ParsePromNumber("nan")));
  EXPECT_EQ(ParsePromNumber("+3"), 3);
  EXPECT_EQ(ParsePromNumber(".5"), 0.5);
  EXPECT_FALSE(ParsePromNumber(""));
  EXPECT_FALSE(ParsePromNumber("-"));
  EXPECT_FALSE(ParsePromNumber("1.2.3"));
  EXPECT_FALSE(ParsePromNumber("0x"));
}

TEST(MetricNames, EnginesMapOntoOneSet) {
  EXPECT_EQ(MapMetricName("vllm:num_requests_running")->canonical,
            canonical::kRequestsRunning);
  EXPECT_EQ(MapMetricName("sglang:num_running_reqs")->canonical,
            canonical::kRequestsRunning);
  EXPECT_EQ(MapMetricName("sglang:num_queue_reqs")->canonical,
            canonical::kRequestsWaiting);
  EXPECT_EQ(MapMetricName("vllm:gpu_cache_usage_perc")->canonical,
            canonical::kKvCacheUsage);
  EXPECT_EQ(MapMetricName("sglang:token_usage")->canonical,
            canonical::kKvCacheUsage);
  EXPECT_EQ(MapMetricName("trtllm_time_to_first_token_seconds")->canonical,
            canonical::kTtftSeconds);
  EXPECT_EQ(MapMetricName("trtllm:e2e_request_latency_seconds")->engine,
            "trtllm");
  auto energy = MapMetricName("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
  ASSERT_TRUE(energy);
  EXPECT_EQ(energy->canonical, canonical::kGpuEnergyJoules);
  EXPECT_DOUBLE_EQ(energy->scale, 1e-3);  // mJ -> J
  EXPECT_FALSE(MapMetricName("vllm:some_future_metric").has_value());
  EXPECT_FALSE(MapMetricName("process_cpu_seconds_total").has_value());
  // Every raw name appears once.
  auto all = KnownMappings();
  for (size_t i = 0; i < all.size(); ++i) {
    for (size_t j = i + 1; j < all.size(); ++j) {
      EXPECT_NE(all[i].raw, all[j].raw);
    }
  }
}

}  // namespace
}  // namespace infx::telemetry
