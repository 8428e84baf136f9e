// Result JSON and records formatting on hand-made records: key contracts
// that outside tools rely on (InferenceX's process_result.py), and text from
// servers that is not valid UTF-8.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bench/runner.h"

namespace infx::bench {
namespace {

using metrics::RequestRecord;
using nlohmann::json;

RequestRecord Completed(int64_t index, int64_t tokens) {
  RequestRecord r;
  r.index = index;
  r.x_request_id = "infx-" + std::to_string(index);
  r.prompt_len = 10;
  r.max_tokens = tokens;
  r.scheduled_ns = 1'000'000'000 + index * 1'000'000;
  r.send_ns = r.scheduled_ns;
  r.first_token_ns = r.send_ns + 20'000'000;
  for (int64_t t = 0; t < tokens; ++t) {
    r.chunk_ns.push_back(r.first_token_ns + t * (5'000'000 + index * 1000));
  }
  r.end_ns = r.chunk_ns.back();
  r.http_status = 200;
  return r;
}

BenchResult MakeResult(std::vector<RequestRecord> records) {
  BenchResult result;
  result.config.client.model = "m";
  result.config.max_concurrency = 4;
  result.config.metrics.goodput.ttft_ms = 500;
  result.config.metrics.goodput.tpot_ms = 50;
  result.records = std::move(records);
  result.metrics =
      metrics::ComputeMetrics(result.records, result.config.metrics);
  result.date = "20260101-000000";
  return result;
}

// process_result.py: `if key.endswith('ms'): float(value)` and
// `if 'tpot' in key: 1000.0 / float(value)` over every top-level key.
TEST(ResultJsonTest, EveryKeyEndingInMsIsANumberAsInferenceXReadsIt) {
  std::vector<RequestRecord> records;
  for (int i = 0; i < 8; ++i) records.push_back(Completed(i, 6));
  json j = BenchResultToJson(MakeResult(records));
  ASSERT_TRUE(j["request_goodput"].is_number());
  int ms_keys = 0;
  for (const auto& [key, value] : j.items()) {
    if (key.size() >= 2 && key.substr(key.size() - 2) == "ms") {
      EXPECT_TRUE(value.is_number()) << key << " = " << value.dump();
      ++ms_keys;
    }
    if (key.find("tpot") != std::string::npos) {
      EXPECT_TRUE(value.is_number()) << key << " = " << value.dump();
    }
  }
  EXPECT_GT(ms_keys, 20);
  EXPECT_EQ(j["goodput_slos"]["ttft_ms"], 500.0);
  EXPECT_EQ(j["goodput_slos"]["tpot_ms"], 50.0);
}

}  // namespace
}  // namespace infx::bench
