#include "tokenizer/added_tokens.h"

namespace infx::tokenizer {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

}  // namespace

void AddedTokenSplitter::Build(std::vector<Entry> entries) {
  entries_ = std::move(entries);
  edges_.clear();
  terminal_.assign(1, -1);
  first_byte_.fill(false);
  for (size_t e = 0; e < entries_.size(); ++e) {
    const std::string& s = entries_[e].content;
    if (s.empty()) continue;
    first_byte_[static_cast<uint8_t>(s[0])] = true;
    int node = 0;
    for (char c : s) {
      const uint64_t key =
          (static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(c);
      auto it = edges_.find(key);
      if (it == edges_.end()) {
        const int next = static_cast<int>(terminal_.size());
        terminal_.push_back(-1);
        it = edges_.emplace(key, next).first;
      }
      node = it->second;
    }
    terminal_[node] = static_cast<int>(e);
  }
}

int AddedTokenSplitter::Step(int node, uint8_t byte) const {
  auto it = edges_.find((static_cast<uint64_t>(node) << 8) | byte);
  return it == edges_.end() ? -1 : it->second;
}

std::vector<AddedTokenSplitter::Piece> AddedTokenSplitter::Split(
    std::string_view text) const {
  std::vector<Piece> out;
  size_t start = 0, i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (!first_byte_[static_cast<uint8_t>(text[i])]) {
      ++i;
      continue;
    }
    int node = 0, match = -1;
    size_t match_end = i;
    for (size_t j = i; j < n; ++j) {
      node = Step(node, static_cast<uint8_t>(text[j]));
      if (node < 0) break;
      if (terminal_[node] >= 0) {
        match = terminal_[node];
        match_end = j + 1;
      }
    }
    if (match < 0) {
      ++i;
      continue;
    }
    if (i > start)
      out.push_back({std::string(text.substr(start, i - start)), -1});
    out.push_back({std::string(text.substr(i, match_end - i)), match});
    i = start = match_end;
  }
  if (start < n) out.push_back({std::string(text.substr(start)), -1});
  // lstrip / rstrip: the whitespace beside the token goes with it.
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k].index < 0) continue;
    const Entry& e = entries_[out[k].index];
    if (e.lstrip && k > 0 && out[k - 1].index < 0) {
      std::string& prev = out[k - 1].text;
      while (!prev.empty() && IsSpace(prev.back())) prev.pop_back();
    }
    if (e.rstrip && k + 1 < out.size() && out[k + 1].index < 0) {
      std::string& next = out[k + 1].text;
      size_t cut = 0;
      while (cut < next.size() && IsSpace(next[cut])) ++cut;
      next.erase(0, cut);
    }
  }
  return out;
}

}  // namespace infx::tokenizer
