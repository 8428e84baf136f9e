// Scoring speed of `infx eval`: all 1,319 GSM8K test responses, both
// lm-eval filters, as `infx eval gsm8k --responses` does it (JSONL parse,
// answer lookup, extraction, normalisation, exact match). Target: well
// under a second. Responses are the reference solutions with a chatty
// prefix, so every number-scanning path runs over realistic text.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/files.h"
#include "eval/outcomes.h"

namespace {

std::vector<infx::eval::Gsm8kItem> TestSplit() {
  auto items = infx::eval::LoadGsm8kSplit(
      infx::SharedDataDir(INFX_SOURCE_DIR) / "gsm8k", "test");
  if (items.ok()) return *items;
  std::vector<infx::eval::Gsm8kItem> synthetic;
  for (int i = 0; i < 1319; ++i) {
    synthetic.push_back({"Question number " + std::to_string(i) + "?",
                         "She has 3 * 4 = <<3*4=12>>12 apples, $1,200 in "
                         "total.\n#### " +
                             std::to_string(i)});
  }
  return synthetic;
}

std::string ResponsesJsonl(const std::vector<infx::eval::Gsm8kItem>& items) {
  std::string text;
  for (const auto& item : items) {
    text += nlohmann::json{{"question", item.question},
                           {"response", "Let's think step by step. " +
                                            item.answer + "\n\nQuestion:"}}
                .dump() +
            "\n";
  }
  return text;
}

void BM_ScoreAllTestResponsesJsonl(benchmark::State& state) {
  const auto items = TestSplit();
  const std::string text = ResponsesJsonl(items);
  for (auto _ : state) {
    auto outcomes = infx::eval::ScoreResponsesJsonl(
        text, "responses.jsonl", items, infx::eval::StrictPattern::kHashes);
    benchmark::DoNotOptimize(outcomes);
  }
  state.counters["responses"] = static_cast<double>(items.size());
}
BENCHMARK(BM_ScoreAllTestResponsesJsonl)->Unit(benchmark::kMillisecond);

void BM_ExtractAndMatchOnly(benchmark::State& state) {
  const auto items = TestSplit();
  std::vector<std::string> responses;
  for (const auto& item : items) {
    responses.push_back("Let's think step by step. " + item.answer);
  }
  for (auto _ : state) {
    size_t correct = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      correct += infx::eval::ScoreResponse(responses[i], items[i].answer,
                                           infx::eval::StrictPattern::kHashes)
                     .strict_correct;
    }
    benchmark::DoNotOptimize(correct);
  }
  state.counters["responses"] = static_cast<double>(items.size());
}
BENCHMARK(BM_ExtractAndMatchOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
