#include "bench/token_exact.h"

#include <cstdlib>

#include "bench/portable_random.h"

namespace infx::bench {
namespace {

constexpr int kMaxRetries = 10;  // vLLM's max_retry

// A random id of `tok` that is not a special token.
int32_t RandomId(const tokenizer::Tokenizer& tok, SplitMix64& rng) {
  for (;;) {
    const auto id = static_cast<int32_t>(rng.Uniform(0, tok.VocabSize() - 1));
    if (!tok.IsSpecial(id)) return id;
  }
}

}  // namespace

std::string DecodeToTargetLength(const tokenizer::Tokenizer& tok,
                                 std::vector<int32_t>& ids, int64_t target,
                                 uint64_t seed, int64_t& mismatch) {
  SplitMix64 rng(seed);
  mismatch = 0;
  std::string prompt;
  for (int tries_left = kMaxRetries;; --tries_left) {
    prompt = tok.Decode(ids);
    ids = tok.Encode(prompt, false);
    const auto n = static_cast<int64_t>(ids.size());
    if (tries_left <= 0) {
      mismatch = n - target;
      break;
    }
    if (n == target) break;
    if (n < target) {
      while (static_cast<int64_t>(ids.size()) < target) {
        ids.push_back(RandomId(tok, rng));
      }
    } else {
      ids.resize(static_cast<size_t>(target));
    }
  }
  return prompt;
}

TokenExactStats MakeTokenExact(const tokenizer::Tokenizer& tok,
                               const DatasetSpec& spec, bool chat,
                               uint64_t seed, std::vector<Prompt>& prompts) {
  TokenExactStats stats;
  const uint64_t base = DeriveSeed(seed, 2);
  for (size_t i = 0; i < prompts.size(); ++i) {
    Prompt& p = prompts[i];
    if (spec.name == "random" && !p.token_ids.empty()) {
      // The drawn ids (in [100, vocab_size) of the generic vocabulary)
      // mapped into this tokenizer's ids, keeping the shared prefix shared.
      std::vector<int32_t> ids;
      ids.reserve(p.token_ids.size());
      for (int32_t id : p.token_ids) {
        int32_t mapped = id % tok.VocabSize();
        while (tok.IsSpecial(mapped)) mapped = (mapped + 1) % tok.VocabSize();
        ids.push_back(mapped);
      }
      int64_t mismatch = 0;
      p.text = DecodeToTargetLength(tok, ids, p.prompt_len, DeriveSeed(base, i),
                                    mismatch);
      p.token_ids.clear();
      if (mismatch != 0) {
        ++stats.synthesis_mismatched_prompts;
        stats.synthesis_token_mismatch += std::llabs(mismatch);
      }
    }
    if (!p.messages.empty() || !p.token_ids.empty()) continue;
    p.prompt_len = static_cast<int64_t>(tok.Encode(p.text, true).size());
    p.prompt_len_exact = !chat;
  }
  return stats;
}

}  // namespace infx::bench
