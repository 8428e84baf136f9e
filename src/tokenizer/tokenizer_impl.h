// Internal: the parts of a loaded Tokenizer (tokenizer.cc encodes and
// decodes with them, load.cc builds them).
//
// Thread-safety: immutable once built.
#pragma once

#include <unordered_map>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer.h"

namespace infx::tokenizer {

struct Tokenizer::Impl {
  BpeModel model;
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  Decoder decoder;
  PostProcessor post_processor;
  std::vector<AddedToken> added;
  std::unordered_map<int32_t, size_t> added_by_id;
  // Added tokens matched in the raw text (normalized == false), and in the
  // normalized text (their content normalized), as indexes into `added`.
  AddedTokenSplitter raw_splitter, normalized_splitter;
  std::vector<size_t> raw_index, normalized_index;
  int32_t vocab_size = 0;
  // SentencePiece style (no pre-tokenizer): the normalized text may be cut
  // before every "▁" that follows another character, because no token spans
  // such a point (checked on the vocab); BPE then runs per word, which gives
  // the same ids much faster than one BPE over the whole text.
  std::string word_marker;

  // Fills the splitters from `added` (after the normalizer is set).
  void BuildSplitters();
};

}  // namespace infx::tokenizer
