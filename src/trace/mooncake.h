// Mooncake traces (kvcache-ai/Mooncake FAST25 format): JSON Lines, one
// request per row, {"timestamp": ms since trace start, "input_length":
// tokens, "output_length": tokens, "hash_ids": [int, ...]}, where hash_ids
// name the prompt's blocks of `hash_block_size` tokens (512 by default;
// the last block may be partial) and equal leading ids mean a shared KV
// prefix. docs/workloads.md has the semantics and whose they follow.
//
// Reading checks every row (errors name "file:line"); a hash-id count that
// does not fit input_length (ceil(input_length / block) != ids, as
// guidellm and AIPerf require) is an error. Synthesis gives each hash id
// one deterministic block of token ids (seeded), so equal ids give
// identical token blocks and a partial last block is a prefix of its id's
// block (vLLM's timed_trace rule). The theoretical hit rate is what an
// unbounded prefix cache would hit replaying the rows in order.
//
// Thread-safety: pure functions; BlockSynthesizer is not shared.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace infx::trace {

struct MooncakeRow {
  int64_t timestamp_ms = 0;
  int64_t input_length = 0;   // tokens, >= 1
  int64_t output_length = 0;  // tokens, >= 1
  std::vector<int64_t> hash_ids;
};

// Parses JSONL text; `what` names the file in errors ("trace.jsonl:12:
// 'input_length' must be an integer >= 1").
Result<std::vector<MooncakeRow>> ParseMooncake(const std::string& text,
                                               const std::string& what,
                                               int64_t hash_block_size);
Result<std::vector<MooncakeRow>> LoadMooncake(const std::string& path,
                                              int64_t hash_block_size);

// Token ids of one row's prompt: its hash ids' blocks concatenated, the
// last one cut to input_length. Blocks are made once per id and reused.
class BlockSynthesizer {
 public:
  // Token ids are uniform in [100, vocab_size).
  BlockSynthesizer(int64_t hash_block_size, int64_t vocab_size, uint64_t seed);
  void Append(const MooncakeRow& row, std::vector<int32_t>& out);
  size_t distinct_blocks() const { return blocks_.size(); }

 private:
  const std::vector<int32_t>& Block(int64_t hash_id);
  int64_t block_size_;
  int64_t vocab_size_;
  uint64_t seed_;
  std::unordered_map<int64_t, std::vector<int32_t>> blocks_;
};

struct HitRate {
  int64_t prompt_tokens = 0;
  int64_t hit_tokens = 0;
  double rate() const {
    return prompt_tokens > 0 ? static_cast<double>(hit_tokens) / prompt_tokens
                             : 0;
  }
};

// Unbounded-cache hit rate of `rows` in order: each row hits the tokens of
// its leading hash ids seen before (an id counts up to the longest length
// it was seen with), at most input_length - 1 tokens (the last prompt
// token is always computed, as vLLM).
HitRate TheoreticalHitRate(const std::vector<MooncakeRow>& rows,
                           int64_t hash_block_size);

}  // namespace infx::trace
