// Output text and token counting for the emulator: a vocabulary (a small
// built-in English one, or the tokens of a Hugging Face vocab.json /
// tokenizer.json), deterministic pseudo-random outputs honouring max_tokens,
// min_tokens, ignore_eos and stop strings, and the prompt-length rule.
//
// Prompt counting: token-id prompts count exactly. Text is counted by greedy
// longest match against the loaded vocabulary (GPT-2 byte-level markers
// "Ġ"/"▁" for spaces), or, with the built-in vocabulary, as
// ceil(UTF-8 bytes / 4) — OpenAI's rule of thumb for English.
//
// Thread-safety: Vocabulary is immutable after loading; functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "tokenizer/tokenizer.h"

namespace infx::emulator {

class Vocabulary {
 public:
  static Vocabulary Builtin();
  // HF vocab.json ({"token": id}) or tokenizer.json (model.vocab).
  static Result<Vocabulary> LoadFile(const std::string& path);

  // Decoded text of token i (byte-level markers mapped back to spaces).
  const std::string& text(size_t i) const { return texts_[i]; }
  size_t size() const { return texts_.size(); }
  int64_t CountTextTokens(std::string_view text) const;
  // Counts text with `exact` (special tokens included, as vLLM counts a
  // /v1/completions prompt) instead of the greedy vocabulary match.
  void SetExactTokenizer(std::shared_ptr<const tokenizer::Tokenizer> exact) {
    exact_ = std::move(exact);
  }
  bool exact() const { return exact_ != nullptr; }
  bool builtin() const { return builtin_; }

 private:
  std::vector<std::string> texts_;          // candidates for generated tokens
  std::unordered_set<std::string> pieces_;  // for counting (raw form)
  size_t max_piece_len_ = 0;
  std::string space_marker_;  // "Ġ" (GPT-2) or "▁" (SentencePiece)
  bool builtin_ = true;
  std::shared_ptr<const tokenizer::Tokenizer> exact_;
};

struct OutputParams {
  int64_t max_tokens = 16;
  int64_t min_tokens = 0;
  bool ignore_eos = false;
  std::vector<std::string> stop;
  // Text to reply with (answer-key mode) instead of random tokens; split
  // into word tokens and ended by EOS unless max_tokens cuts it.
  std::string forced_text;
  // Mean natural length (tokens before EOS) of random outputs.
  double mean_natural_tokens = 256;
};

struct OutputPlan {
  std::vector<std::string> tokens;  // text of each generated token ("" = EOS)
  std::string finish_reason;        // "length" | "stop"
  std::string stop_reason;          // the matched stop string, if any
  std::string text() const;
};

// Deterministic in (vocab, params, seed).
OutputPlan PlanOutput(const Vocabulary& vocab, const OutputParams& params,
                      uint64_t seed);

// Splits text into word tokens (" word" pieces, punctuation separate).
std::vector<std::string> SplitWords(std::string_view text);

// 64-bit FNV-1a, for seeds derived from text.
uint64_t HashText(std::string_view text, uint64_t seed = 0);
uint64_t MixSeed(uint64_t a, uint64_t b);

}  // namespace infx::emulator
