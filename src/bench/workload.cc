#include "bench/workload.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "bench/portable_random.h"
#include "common/files.h"
#include "common/jsonl.h"

namespace infx::bench {
namespace {

using nlohmann::json;

// The portable generator: a seed gives the same prompts on every platform
// and standard library.
using Rng = SplitMix64;

constexpr const char* kWords[] = {
    "time",    "year",  "people",  "way",     "day",     "man",      "thing",
    "woman",   "life",  "child",   "world",   "school",  "state",    "family",
    "student", "group", "country", "problem", "hand",    "part",     "place",
    "case",    "week",  "company", "system",  "program", "question", "work",
    "number",  "night", "point",   "home",    "water",   "room",     "mother",
    "area",    "money", "story",   "fact",    "month",   "lot",      "right",
    "study",   "book",  "eye",     "job",     "word",    "business"};
constexpr int64_t kNumWords = sizeof(kWords) / sizeof(kWords[0]);

Status CheckCounts(const DatasetSpec& spec, int64_t num_prompts) {
  if (num_prompts < 0) {
    return Status::InvalidArgument("--num-prompts must be >= 0");
  }
  if (spec.range_ratio < 0 || spec.range_ratio > 1) {
    return Status::InvalidArgument("--range-ratio must be in [0, 1], got " +
                                   std::to_string(spec.range_ratio));
  }
  if (spec.name == "random" && (spec.input_len < 1 || spec.output_len < 1)) {
    return Status::InvalidArgument("--input-len and --output-len must be >= 1");
  }
  if (spec.vocab_size <= 200) {
    return Status::InvalidArgument("vocab size must be > 200");
  }
  return Status::Ok();
}

// InferenceX / vLLM (<= 0.8) random dataset: lengths uniform in
// [floor(L x ratio), L].
std::vector<Prompt> RandomPrompts(const DatasetSpec& spec, int64_t n,
                                  uint64_t seed) {
  Rng rng(seed);
  std::vector<int32_t> prefix;
  for (int64_t i = 0; i < spec.prefix_len; ++i) {
    prefix.push_back(
        static_cast<int32_t>(rng.Uniform(100, spec.vocab_size - 1)));
  }
  auto lo = [&](int64_t len) {
    return std::max<int64_t>(1, static_cast<int64_t>(len * spec.range_ratio));
  };
  std::vector<Prompt> prompts(static_cast<size_t>(n));
  for (Prompt& p : prompts) {
    int64_t in = rng.Uniform(lo(spec.input_len), spec.input_len);
    p.max_tokens = rng.Uniform(lo(spec.output_len), spec.output_len);
    p.prompt_len = spec.prefix_len + in;
    std::vector<int32_t> ids = prefix;
    for (int64_t i = 0; i < in; ++i) {
      ids.push_back(
          static_cast<int32_t>(rng.Uniform(100, spec.vocab_size - 1)));
    }
    if (spec.text_prompts) {
      for (int32_t id : ids) {
        if (!p.text.empty()) p.text.push_back(' ');
        p.text += kWords[id % kNumWords];
      }
    } else {
      p.token_ids = std::move(ids);
    }
  }
  return prompts;
}

// Rough token count of text without a tokenizer (~4 characters per token).
int64_t EstimateTokens(const std::string& text) {
  return std::max<int64_t>(1, static_cast<int64_t>((text.size() + 3) / 4));
}

Result<Prompt> PromptFromJsonLine(const json& j, const std::string& where) {
  if (!j.is_object())
    return Status::ParseError(where + ": expected a JSON object");
  Prompt p;
  if (j.contains("messages")) {
    for (const json& m : j.at("messages")) {
      if (!m.is_object() || !m.contains("content") ||
          !m["content"].is_string()) {
        return Status::ParseError(where + ": messages need string \"content\"");
      }
      p.messages.emplace_back(m.value("role", "user"),
                              m["content"].get<std::string>());
      p.text += m["content"].get<std::string>();
    }
  } else if (j.contains("prompt") && j["prompt"].is_string()) {
    p.text = j["prompt"].get<std::string>();
  } else if (j.contains("text") && j["text"].is_string()) {
    p.text = j["text"].get<std::string>();
  } else {
    return Status::ParseError(where +
                              ": needs \"prompt\", \"text\" or \"messages\"");
  }
  p.prompt_len = j.value("prompt_len", int64_t{0});
  p.max_tokens = j.value("output_len", j.value("max_tokens", int64_t{0}));
  return p;
}

Result<std::vector<Prompt>> JsonlPrompts(const DatasetSpec& spec) {
  Result<std::string> text = ReadFile(spec.path);
  if (!text.ok())
    return Status::NotFound("cannot open dataset file '" + spec.path + "'");
  std::vector<Prompt> prompts;
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      *text, spec.path, [&](const json& j, const std::string& where) {
        INFX_ASSIGN_OR_RETURN(Prompt p, PromptFromJsonLine(j, where));
        prompts.push_back(std::move(p));
        return Status::Ok();
      }));
  return prompts;
}

// vLLM ShareGPTDataset: first turn is the prompt, second the reference
// completion; pairs with < 4 tokens on either side are dropped.
Result<std::vector<Prompt>> ShareGptPrompts(const DatasetSpec& spec,
                                            uint64_t seed) {
  INFX_ASSIGN_OR_RETURN(json doc, ReadJsonFile(spec.path));
  if (!doc.is_array()) {
    return Status::ParseError(spec.path +
                              ": ShareGPT file must be a JSON array");
  }
  std::vector<Prompt> prompts;
  for (const json& entry : doc) {
    if (!entry.is_object() || !entry.contains("conversations")) continue;
    const json& conv = entry["conversations"];
    if (!conv.is_array() || conv.size() < 2) continue;
    if (!conv[0].is_object() || !conv[1].is_object()) continue;
    std::string prompt = conv[0].value("value", "");
    std::string reply = conv[1].value("value", "");
    Prompt p;
    p.prompt_len = EstimateTokens(prompt);
    p.max_tokens = EstimateTokens(reply);
    if (p.prompt_len < 4 || p.max_tokens < 4) continue;
    p.text = std::move(prompt);
    prompts.push_back(std::move(p));
  }
  // Seeded Fisher-Yates shuffle (vLLM shuffles with the seed).
  Rng rng(seed);
  for (size_t i = prompts.size(); i > 1; --i) {
    std::swap(prompts[i - 1],
              prompts[static_cast<size_t>(rng.Uniform(0, i - 1))]);
  }
  // Prompt lengths are estimates (no tokenizer): the server's usage is used.
  for (Prompt& p : prompts) p.prompt_len = 0;
  return prompts;
}

}  // namespace

Result<std::vector<Prompt>> MakePrompts(const DatasetSpec& spec,
                                        int64_t num_prompts, uint64_t seed) {
  INFX_RETURN_IF_ERROR(CheckCounts(spec, num_prompts));
  if (spec.name == "random") return RandomPrompts(spec, num_prompts, seed);
  std::vector<Prompt> pool;
  if (spec.name == "jsonl") {
    INFX_ASSIGN_OR_RETURN(pool, JsonlPrompts(spec));
  } else if (spec.name == "sharegpt") {
    INFX_ASSIGN_OR_RETURN(pool, ShareGptPrompts(spec, seed));
  } else {
    return Status::InvalidArgument("unknown dataset '" + spec.name +
                                   "' (random, jsonl, sharegpt)");
  }
  if (pool.empty() && num_prompts > 0) {
    return Status::InvalidArgument("dataset '" + spec.path +
                                   "' has no usable prompts");
  }
  std::vector<Prompt> prompts;
  prompts.reserve(static_cast<size_t>(num_prompts));
  for (int64_t i = 0; i < num_prompts; ++i) {
    Prompt p = pool[static_cast<size_t>(i) % pool.size()];
    if (spec.output_len > 0) {  // forced output length
      p.max_tokens = spec.output_len;
    }
    if (p.max_tokens <= 0) p.max_tokens = 256;
    prompts.push_back(std::move(p));
  }
  return prompts;
}

}  // namespace infx::bench
