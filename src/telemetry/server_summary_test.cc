#include "telemetry/server_summary.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace infx::telemetry {
namespace {

Scrape Parsed(int64_t t_ns, const std::string& text) {
  Scrape s;
  s.t_ns = t_ns;
  auto e = ParseExposition(text);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  s.ok = e.ok();
  if (e.ok()) s.exposition = std::move(e).value();
  return s;
}

std::string Page(double running, double prompt, double gen, double queries,
                 double hits, double le1, double inf) {
  return fmt::format(
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{{model_name=\"m\"}} {}\n"
      "# TYPE vllm:prompt_tokens counter\n"
      "vllm:prompt_tokens_total{{model_name=\"m\"}} {}\n"
      "# TYPE vllm:generation_tokens counter\n"
      "vllm:generation_tokens_total{{model_name=\"m\"}} {}\n"
      "# TYPE vllm:prefix_cache_queries counter\n"
      "vllm:prefix_cache_queries_total{{model_name=\"m\"}} {}\n"
      "# TYPE vllm:prefix_cache_hits counter\n"
      "vllm:prefix_cache_hits_total{{model_name=\"m\"}} {}\n"
      "# TYPE vllm:time_to_first_token_seconds histogram\n"
      "vllm:time_to_first_token_seconds_bucket{{le=\"1\",model_name=\"m\"}} "
      "{}\n"
      "vllm:time_to_first_token_seconds_bucket{{le=\"+Inf\",model_name=\"m\"}} "
      "{}\n"
      "vllm:time_to_first_token_seconds_sum{{model_name=\"m\"}} {}\n"
      "vllm:time_to_first_token_seconds_count{{model_name=\"m\"}} {}\n"
      "# TYPE engine_custom_thing gauge\nengine_custom_thing 7\n",
      running, prompt, gen, queries, hits, le1, inf, inf * 0.5, inf);
}

TEST(ServerSummary, CountersAreIncreasesGaugesMeanAndMax) {
  std::vector<Scrape> scrapes = {
      Parsed(0, Page(0, 1000, 500, 2000, 500, 10, 10)),
      Parsed(1, Page(4, 1500, 600, 2400, 700, 12, 14)),
      Parsed(2, Page(2, 3000, 1100, 3000, 1100, 16, 20))};
  Scrape failed;
  failed.error = "GET /metrics: HTTP 503";
  scrapes.insert(scrapes.begin() + 1, failed);
  ServerSummary s = Summarize(scrapes, {2000, 600});
  ASSERT_TRUE(s.available);
  EXPECT_EQ(s.engine, "vllm");
  EXPECT_EQ(s.scrapes_ok, 3);
  EXPECT_EQ(s.scrapes_failed, 1);
  EXPECT_NE(s.missing_reason.find("HTTP 503"), std::string::npos);
  EXPECT_DOUBLE_EQ(*s.requests_running_mean, 2);
  EXPECT_DOUBLE_EQ(*s.requests_running_max, 4);
  EXPECT_DOUBLE_EQ(*s.prompt_tokens, 2000);
  EXPECT_DOUBLE_EQ(*s.generation_tokens, 600);
  // (1100 - 500) hits of (3000 - 2000) queried tokens.
  EXPECT_DOUBLE_EQ(*s.prefix_cache_hit_rate, 0.6);
  const LatencySummary& ttft = s.latency.at("ttft");
  EXPECT_DOUBLE_EQ(ttft.count, 10);
  EXPECT_DOUBLE_EQ(ttft.mean_ms, 500);
  // 6 of the 10 new observations are <= 1 s: p50 at 1000 * 5/6 ms.
  EXPECT_NEAR(ttft.p50_ms, 1000.0 * 5 / 6, 1e-9);
  EXPECT_EQ(s.unmapped_families,
            std::vector<std::string>{"engine_custom_thing"});
  nlohmann::json j = ServerSummaryToJson(s);
  EXPECT_DOUBLE_EQ(j["generation_tokens_ratio"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["prompt_tokens_ratio"].get<double>(), 1.0);
  for (auto& [key, value] : j.items()) {
    if (key.ends_with("ms")) {
      EXPECT_TRUE(value.is_number()) << key;
    }
  }
}

TEST(ServerSummary, SglangGaugeHitRateAndNoGoodScrape) {
  std::vector<Scrape> scrapes = {
      Parsed(0, "sglang:cache_hit_rate 0.2\nsglang:num_running_reqs 3\n"),
      Parsed(1, "sglang:cache_hit_rate 0.4\nsglang:num_running_reqs 5\n")};
  ServerSummary s = Summarize(scrapes, {});
  EXPECT_EQ(s.engine, "sglang");
  EXPECT_NEAR(*s.prefix_cache_hit_rate, 0.3, 1e-12);
  EXPECT_DOUBLE_EQ(*s.requests_running_max, 5);
  EXPECT_FALSE(s.generation_tokens.has_value());

  Scrape bad;
  bad.error = "parse error: line 3: sample x has a bad value 'y'";
  ServerSummary none = Summarize({bad}, {});
  EXPECT_FALSE(none.available);
  EXPECT_NE(none.missing_reason.find("line 3"), std::string::npos);
  EXPECT_FALSE(Summarize({}, {}).available);
}

TEST(ServerSummary, RawSamplesAreOneSeriesListAndRowsOfValues) {
  std::vector<Scrape> scrapes = {
      Parsed(1'000'000, "a{x=\"q\\\"\"} 1\nb NaN\n"),
      Parsed(3'000'000, "a{x=\"q\\\"\"} 2\nc +Inf\n")};
  nlohmann::json raw = RawScrapesToJson(scrapes, 0);
  EXPECT_EQ(raw["series"], (nlohmann::json{"a{x=\"q\\\"\"}", "b", "c"}));
  EXPECT_EQ(raw["t_ms"], (nlohmann::json{1.0, 3.0}));
  EXPECT_EQ(raw["values"][0], (nlohmann::json{1.0, "NaN"}));
  EXPECT_EQ(raw["values"][1], (nlohmann::json{2.0, nullptr, "+Inf"}));
}

}  // namespace
}  // namespace infx::telemetry
