// The BPE model of Hugging Face tokenizers: a vocabulary, ranked merges, and
// the merge loop of tokenizers' `Word::merge_all` (lowest rank first, ties to
// the leftmost pair), with unknown characters as byte-fallback tokens
// (<0xXX>, SentencePiece style) or the (optionally fused) unknown token, and
// `ignore_merges` (a word already in the vocabulary is one token, Llama-3).
//
// Thread-safety: immutable after construction; EncodeWord is const and may
// be called from several threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"

namespace infx::tokenizer {

class BpeModel {
 public:
  struct Options {
    std::string unk_token;  // empty: none
    bool fuse_unk = false;
    bool byte_fallback = false;
    bool ignore_merges = false;
  };

  // `vocab` maps token -> id; `merges` are (left, right) token pairs by rank;
  // a merge whose parts or result are not in the vocab never applies.
  // InvalidArgument names a negative id.
  static Result<BpeModel> Create(
      std::unordered_map<std::string, int32_t> vocab,
      const std::vector<std::pair<std::string, std::string>>& merges,
      Options options);

  // Appends the ids of `word` (UTF-8; one BPE word, split into characters).
  void EncodeWord(std::string_view word, std::vector<int32_t>& out) const;

  // True if some token has `marker` right after another character (so a
  // merge can join a word ending before `marker` with the next).
  bool MarkerFollowsCharInAnyToken(std::string_view marker) const;

  // Token string of `id`, or nullptr if the model has no such id.
  const std::string* IdToToken(int32_t id) const;
  // Id of `token`, or -1.
  int32_t TokenToId(std::string_view token) const;
  // One past the largest id in the vocabulary.
  int32_t Size() const { return static_cast<int32_t>(id_to_token_.size()); }

 private:
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    int32_t len;  // 0 once merged into its left neighbour
  };
  int32_t CharId(std::string_view ch) const;
  void AddInitialSymbols(std::string_view word,
                         std::vector<Symbol>& symbols) const;
  void MergeAll(std::vector<Symbol>& symbols) const;
  const std::pair<int32_t, int32_t>* FindMerge(int32_t left,
                                               int32_t right) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  // (left id << 32 | right id) -> (rank, merged id)
  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges_;
  std::vector<int32_t> small_char_ids_;  // code point < 0x800 -> id or -1
  std::array<int32_t, 256> byte_ids_{};  // <0xXX> ids or -1
  int32_t unk_id_ = -1;
  Options options_;
};

}  // namespace infx::tokenizer
