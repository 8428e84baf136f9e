// Exact Hugging Face tokenizers in C++: loads a `tokenizer.json` (BPE model:
// byte-level as GPT-2 / Llama-3 / Qwen, or SentencePiece-style with byte
// fallback as Llama-2 / Mistral) or a GPT-2 style `vocab.json` +
// `merges.txt` pair, and encodes / decodes token for token as Rust's
// `tokenizers` does: added tokens are split out first (leftmost longest,
// before and after normalization as their "normalized" flag says), then
// normalizer, pre-tokenizer, BPE model, post-processor (special tokens when
// add_special_tokens); decode maps ids to tokens and runs the decoder.
// The goldens in src/tokenizer/testdata were made with Hugging Face's
// tokenizers.js (tools/tokenizer-goldens).
//
// Thread-safety: a loaded Tokenizer is immutable; Encode and Decode are const
// and may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/pipeline.h"

namespace infx::tokenizer {

struct AddedToken {
  std::string content;
  int32_t id = 0;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
};

class Tokenizer {
 public:
  // `path` is a tokenizer.json file, a directory with tokenizer.json, or a
  // directory with vocab.json + merges.txt (or the path of that vocab.json).
  // NotFound names what is missing; InvalidArgument names an unknown format
  // (model type, normalizer, pre-tokenizer, decoder) and what was found.
  static Result<Tokenizer> Load(const std::string& path);
  static Result<Tokenizer> FromTokenizerJson(const nlohmann::json& j,
                                             const std::string& source);
  // GPT-2's byte-level BPE from vocab.json and merges.txt text; tokens named
  // "<|endoftext|>" (and every "<|...|>" in the vocab) are special.
  static Result<Tokenizer> FromVocabAndMerges(const nlohmann::json& vocab,
                                              std::string_view merges_text,
                                              const std::string& source);

  // Token ids of `text` (invalid UTF-8 is read as its lossy decoding).
  std::vector<int32_t> Encode(std::string_view text,
                              bool add_special_tokens = true) const;
  // Text of `ids` (ids out of range are skipped).
  std::string Decode(const std::vector<int32_t>& ids,
                     bool skip_special_tokens = false) const;

  // One past the largest id (model and added tokens).
  int32_t VocabSize() const;
  bool IsSpecial(int32_t id) const;
  // Token string of `id` or "" if none.
  std::string IdToToken(int32_t id) const;
  // "byte-level BPE" or "BPE" (SentencePiece style), for messages.
  const std::string& Kind() const { return kind_; }

 private:
  struct Trie;
  struct Impl;
  void EncodeSection(const std::string& text, bool first_section,
                     std::vector<int32_t>& out) const;
  std::shared_ptr<const Impl> impl_;
  std::string kind_;
};

}  // namespace infx::tokenizer
