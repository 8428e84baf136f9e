// Prompts made exact with a tokenizer (`infx bench --tokenizer PATH`).
//  - random dataset: vLLM's method (benchmarks/datasets.py,
//    gen_prompt_decode_to_target_len): the drawn token ids are decoded to
//    text, the text re-encoded (no special tokens), and the ids trimmed or
//    padded with fresh random ids to the exact drawn length, up to 10 times;
//    the prompt goes as that text. A prompt still off after the retries
//    counts in `synthesis_mismatched_prompts` (vLLM's token_mismatch).
//  - every dataset: prompt_len becomes the tokenizer's count of the text
//    with the special tokens its post-processor adds (Llama's BOS), which is
//    what an OpenAI-compatible server counts for /v1/completions, so the
//    server's usage.prompt_tokens can be checked against it.
// Random ids never include the tokenizer's special tokens.
//
// Thread-safety: pure functions of their arguments (seeded).
#pragma once

#include <cstdint>
#include <vector>

#include "bench/workload.h"
#include "tokenizer/tokenizer.h"

namespace infx::bench {

struct TokenExactStats {
  int64_t synthesis_mismatched_prompts = 0;  // still off after the retries
  int64_t synthesis_token_mismatch = 0;      // sum of |tokens - target|
};

// Rewrites `prompts` (made by MakePrompts from `spec`; random prompts must
// have been made as token ids) with `tok`. `chat`: counts are not exact
// (the server's chat template adds tokens), so prompt_len_exact stays off.
TokenExactStats MakeTokenExact(const tokenizer::Tokenizer& tok,
                               const DatasetSpec& spec, bool chat,
                               uint64_t seed, std::vector<Prompt>& prompts);

// vLLM's gen_prompt_decode_to_target_len for one id sequence: returns the
// prompt text; `ids` ends as its re-encoding, `mismatch` = size - target.
std::string DecodeToTargetLength(const tokenizer::Tokenizer& tok,
                                 std::vector<int32_t>& ids, int64_t target,
                                 uint64_t seed, int64_t& mismatch);

}  // namespace infx::bench
