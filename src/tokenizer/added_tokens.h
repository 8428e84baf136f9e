// Splitting text on added tokens as tokenizers does: leftmost-longest
// matches of a set of strings, with lstrip/rstrip trimming the whitespace
// beside a match.
//
// Thread-safety: immutable after Build; Split is const.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace infx::tokenizer {

class AddedTokenSplitter {
 public:
  struct Piece {
    std::string text;
    int index = -1;  // index of the matched string, -1 for text between
  };
  struct Entry {
    std::string content;
    bool lstrip = false;
    bool rstrip = false;
  };
  void Build(std::vector<Entry> entries);
  bool empty() const { return entries_.empty(); }
  std::vector<Piece> Split(std::string_view text) const;

 private:
  int Step(int node, uint8_t byte) const;
  std::vector<Entry> entries_;
  std::unordered_map<uint64_t, int> edges_;  // node << 8 | byte -> node
  std::vector<int> terminal_;                // node -> entry index or -1
  std::array<bool, 256> first_byte_{};
};

}  // namespace infx::tokenizer
