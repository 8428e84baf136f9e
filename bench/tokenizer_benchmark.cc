// Encode and decode speed of the exact tokenizers (src/tokenizer) on one
// core: GSM8K questions and answers (English prose with numbers) followed by
// the golden corpus (unicode, CJK, code, emoji), about 1 MB per pass.
// Target: >= 5 MB/s encode per core (issue 18). Tokenizers: GPT-2
// (vocab.json + merges.txt), Llama-2 (SentencePiece-style tokenizer.json)
// from ../shared/data/tokenizers, and the Llama-3-style test tokenizer.
#include <benchmark/benchmark.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/files.h"
#include "eval/outcomes.h"
#include "tokenizer/tokenizer.h"

namespace {

using infx::tokenizer::Tokenizer;

const std::string& Text() {
  static const std::string text = [] {
    std::string t;
    auto items = infx::eval::LoadGsm8kSplit(
        infx::SharedDataDir(INFX_SOURCE_DIR) / "gsm8k", "test");
    if (items.ok()) {
      for (const auto& item : *items)
        t += item.question + "\n" + item.answer + "\n\n";
    }
    auto corpus = infx::ReadJsonFile(std::string(INFX_SOURCE_DIR) +
                                     "/src/tokenizer/testdata/corpus.json");
    std::string extra;
    if (corpus.ok()) {
      for (const auto& s : *corpus) extra += s.get<std::string>() + "\n";
    }
    while (t.size() < (1u << 20)) t += extra;
    return t;
  }();
  return text;
}

const Tokenizer* Load(const std::string& name) {
  const std::string path =
      name == "llama3_style"
          ? std::string(INFX_SOURCE_DIR) +
                "/src/tokenizer/testdata/llama3_style"
          : (infx::SharedDataDir(INFX_SOURCE_DIR) / "tokenizers" / name)
                .string();
  static std::map<std::string, Tokenizer> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto tok = Tokenizer::Load(path);
    if (!tok.ok()) return nullptr;
    it = cache.emplace(name, std::move(tok).value()).first;
  }
  return &it->second;
}

void BM_Encode(benchmark::State& state, const std::string& name) {
  const Tokenizer* tok = Load(name);
  if (tok == nullptr) {
    state.SkipWithError(("cannot load tokenizer " + name).c_str());
    return;
  }
  const std::string& text = Text();
  size_t tokens = 0;
  for (auto _ : state) {
    auto ids = tok->Encode(text, false);
    tokens = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(tokens);
  state.counters["bytes"] = static_cast<double>(text.size());
}

void BM_Decode(benchmark::State& state, const std::string& name) {
  const Tokenizer* tok = Load(name);
  if (tok == nullptr) {
    state.SkipWithError(("cannot load tokenizer " + name).c_str());
    return;
  }
  const std::vector<int32_t> ids = tok->Encode(Text(), false);
  for (auto _ : state) {
    std::string text = tok->Decode(ids);
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * Text().size()));
}

BENCHMARK_CAPTURE(BM_Encode, gpt2, std::string("gpt2"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Encode, llama2, std::string("llama2"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Encode, llama3_style, std::string("llama3_style"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, gpt2, std::string("gpt2"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, llama2, std::string("llama2"))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
