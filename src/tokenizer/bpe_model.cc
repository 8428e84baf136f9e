#include "tokenizer/bpe_model.h"

#include <cstdio>
#include <queue>

#include "tokenizer/utf8.h"

namespace infx::tokenizer {
namespace {

uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
         static_cast<uint32_t>(right);
}

struct Merge {
  int32_t rank;
  int32_t pos;
  int32_t new_id;
  // std::priority_queue pops the largest: "larger" = lower rank, then the
  // leftmost position, as tokenizers' Merge ordering.
  bool operator<(const Merge& o) const {
    if (rank != o.rank) return rank > o.rank;
    return pos > o.pos;
  }
};

}  // namespace

Result<BpeModel> BpeModel::Create(
    std::unordered_map<std::string, int32_t> vocab,
    const std::vector<std::pair<std::string, std::string>>& merges,
    Options options) {
  BpeModel m;
  m.options_ = std::move(options);
  int32_t max_id = -1;
  for (const auto& [token, id] : vocab) {
    if (id < 0) {
      return Status::InvalidArgument("negative id for token '" + token + "'");
    }
    max_id = std::max(max_id, id);
  }
  m.id_to_token_.assign(static_cast<size_t>(max_id + 1), std::string());
  for (const auto& [token, id] : vocab) m.id_to_token_[id] = token;
  m.vocab_ = std::move(vocab);
  m.merges_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    const int32_t ia = m.TokenToId(a), ib = m.TokenToId(b);
    const int32_t merged = m.TokenToId(a + b);
    // A merge of tokens outside the vocab can never apply (tokenizers.js
    // keeps it unmatched; Llama-2's tokenizer.json has one of spaces).
    if (ia < 0 || ib < 0 || merged < 0) continue;
    m.merges_.emplace(PairKey(ia, ib),
                      std::make_pair(static_cast<int32_t>(rank), merged));
  }
  m.small_char_ids_.assign(0x800, -1);
  for (const auto& [token, id] : m.vocab_) {
    if (!token.empty() && Utf8CharLen(token, 0) == token.size()) {
      const uint32_t cp = DecodeUtf8At(token, 0);
      if (cp < 0x800) m.small_char_ids_[cp] = id;
    }
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    m.byte_ids_[b] = m.TokenToId(name);
  }
  if (!m.options_.unk_token.empty()) {
    m.unk_id_ = m.TokenToId(m.options_.unk_token);
  }
  return m;
}

bool BpeModel::MarkerFollowsCharInAnyToken(std::string_view marker) const {
  for (const auto& [token, id] : vocab_) {
    for (size_t pos = token.find(marker, 1); pos != std::string::npos;
         pos = token.find(marker, pos + 1)) {
      if (pos < marker.size() ||
          token.compare(pos - marker.size(), marker.size(), marker) != 0) {
        return true;
      }
    }
  }
  return false;
}

const std::string* BpeModel::IdToToken(int32_t id) const {
  if (id < 0 || id >= Size()) return nullptr;
  const std::string& t = id_to_token_[id];
  if (t.empty() && !vocab_.count(t)) return nullptr;
  return &t;
}

int32_t BpeModel::TokenToId(std::string_view token) const {
  auto it = vocab_.find(std::string(token));
  return it == vocab_.end() ? -1 : it->second;
}

int32_t BpeModel::CharId(std::string_view ch) const {
  if (ch.size() <= 2) {
    const uint32_t cp = DecodeUtf8At(ch, 0);
    if (cp < 0x800) return small_char_ids_[cp];
  }
  return TokenToId(ch);
}

const std::pair<int32_t, int32_t>* BpeModel::FindMerge(int32_t left,
                                                       int32_t right) const {
  auto it = merges_.find(PairKey(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

// tokenizers' BPE::merge_word: one symbol per character; an unknown
// character becomes its byte tokens (byte_fallback, when all exist) or the
// unknown token, fused with a preceding unknown when fuse_unk.
void BpeModel::AddInitialSymbols(std::string_view word,
                                 std::vector<Symbol>& symbols) const {
  bool prev_unk = false;
  auto push = [&](int32_t id, int32_t len) {
    const int32_t n = static_cast<int32_t>(symbols.size());
    symbols.push_back(Symbol{id, n - 1, n + 1, len});
  };
  size_t i = 0;
  while (i < word.size()) {
    const size_t n = Utf8CharLen(word, i);
    const std::string_view ch = word.substr(i, n);
    i += n;
    const int32_t id = CharId(ch);
    if (id >= 0) {
      push(id, static_cast<int32_t>(n));
      prev_unk = false;
      continue;
    }
    if (options_.byte_fallback) {
      bool all = true;
      for (char c : ch) all = all && byte_ids_[static_cast<uint8_t>(c)] >= 0;
      if (all) {
        for (char c : ch) push(byte_ids_[static_cast<uint8_t>(c)], 1);
        prev_unk = false;
        continue;
      }
    }
    if (unk_id_ < 0) continue;
    if (options_.fuse_unk && prev_unk) {
      symbols.back().len += static_cast<int32_t>(n);
    } else {
      push(unk_id_, static_cast<int32_t>(n));
    }
    prev_unk = true;
  }
  if (!symbols.empty()) symbols.back().next = -1;
}

void BpeModel::MergeAll(std::vector<Symbol>& symbols) const {
  std::priority_queue<Merge> queue;
  const int32_t count = static_cast<int32_t>(symbols.size());
  for (int32_t i = 0; i + 1 < count; ++i) {
    if (const auto* m = FindMerge(symbols[i].id, symbols[i + 1].id)) {
      queue.push(Merge{m->first, i, m->second});
    }
  }
  while (!queue.empty()) {
    const Merge top = queue.top();
    queue.pop();
    Symbol& cur = symbols[top.pos];
    if (cur.len == 0 || cur.next < 0) continue;
    const int32_t next_pos = cur.next;
    const Symbol right = symbols[next_pos];
    const auto* m = FindMerge(cur.id, right.id);
    if (m == nullptr || m->second != top.new_id) continue;
    cur.id = top.new_id;
    cur.len += right.len;
    cur.next = right.next;
    symbols[next_pos].len = 0;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (cur.prev >= 0) {
      if (const auto* pm = FindMerge(symbols[cur.prev].id, cur.id)) {
        queue.push(Merge{pm->first, cur.prev, pm->second});
      }
    }
    if (cur.next >= 0) {
      if (const auto* nm = FindMerge(cur.id, symbols[cur.next].id)) {
        queue.push(Merge{nm->first, top.pos, nm->second});
      }
    }
  }
}

void BpeModel::EncodeWord(std::string_view word,
                          std::vector<int32_t>& out) const {
  if (word.empty()) return;
  if (options_.ignore_merges) {
    const int32_t id = TokenToId(word);
    if (id >= 0) {
      out.push_back(id);
      return;
    }
  }
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  AddInitialSymbols(word, symbols);
  MergeAll(symbols);
  for (const Symbol& s : symbols) {
    if (s.len > 0) out.push_back(s.id);
  }
}

}  // namespace infx::tokenizer
