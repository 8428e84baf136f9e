#include "tokenizer/tokenizer.h"

#include <deque>
#include <string_view>
#include <unordered_map>

#include "tokenizer/tokenizer_impl.h"
#include "tokenizer/utf8.h"

namespace infx::tokenizer {

void Tokenizer::Impl::BuildSplitters() {
  std::vector<AddedTokenSplitter::Entry> raw, norm;
  raw_index.clear();
  normalized_index.clear();
  for (size_t i = 0; i < added.size(); ++i) {
    const AddedToken& t = added[i];
    if (t.normalized && !normalizer.empty()) {
      std::string content = t.content;
      normalizer.Apply(content);
      norm.push_back({content, t.lstrip, t.rstrip});
      normalized_index.push_back(i);
    } else {
      raw.push_back({t.content, t.lstrip, t.rstrip});
      raw_index.push_back(i);
    }
  }
  raw_splitter.Build(std::move(raw));
  normalized_splitter.Build(std::move(norm));
  vocab_size = model.Size();
  for (const AddedToken& t : added) {
    vocab_size = std::max(vocab_size, t.id + 1);
    added_by_id[t.id] = &t - added.data();
  }
}

namespace {

// Splits `text` before every `marker` that follows a different character.
std::vector<std::string_view> CutBeforeMarker(std::string_view text,
                                              std::string_view marker) {
  std::vector<std::string_view> words;
  size_t start = 0;
  for (size_t pos = text.find(marker, 1); pos != std::string_view::npos;
       pos = text.find(marker, pos + marker.size())) {
    const bool after_marker =
        pos >= marker.size() &&
        text.compare(pos - marker.size(), marker.size(), marker) == 0;
    if (!after_marker && pos > start) {
      words.push_back(text.substr(start, pos - start));
      start = pos;
    }
  }
  words.push_back(text.substr(start));
  return words;
}

// Words seen in one Encode call and their ids (text repeats its words).
class WordCache {
 public:
  void Encode(const BpeModel& model, std::string_view word,
              std::vector<int32_t>& out) {
    if (word.size() > 64) return model.EncodeWord(word, out);
    auto it = cache_.find(word);
    if (it == cache_.end()) {
      std::vector<int32_t> ids;
      model.EncodeWord(word, ids);
      keys_.emplace_back(word);
      it = cache_.emplace(keys_.back(), std::move(ids)).first;
    }
    out.insert(out.end(), it->second.begin(), it->second.end());
  }

 private:
  std::deque<std::string> keys_;  // stable storage for the views
  std::unordered_map<std::string_view, std::vector<int32_t>> cache_;
};

}  // namespace

void Tokenizer::EncodeSection(const std::string& text, bool first_section,
                              std::vector<int32_t>& out) const {
  const Impl& m = *impl_;
  WordCache cache;
  std::string normalized = text;
  m.normalizer.Apply(normalized);
  const auto pieces = m.normalized_splitter.Split(normalized);
  for (size_t k = 0; k < pieces.size(); ++k) {
    const auto& piece = pieces[k];
    if (piece.index >= 0) {
      out.push_back(m.added[m.normalized_index[piece.index]].id);
      continue;
    }
    if (piece.text.empty()) continue;
    for (const std::string& word :
         m.pre_tokenizer.Split(piece.text, first_section && k == 0)) {
      if (m.word_marker.empty()) {
        cache.Encode(m.model, word, out);
      } else {
        for (std::string_view w : CutBeforeMarker(word, m.word_marker)) {
          cache.Encode(m.model, w, out);
        }
      }
    }
  }
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text,
                                       bool add_special_tokens) const {
  std::string valid;
  if (!IsValidUtf8(text)) {
    valid = LossyUtf8(text);
    text = valid;
  }
  const Impl& m = *impl_;
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  const auto sections = m.raw_splitter.Split(text);
  for (size_t i = 0; i < sections.size(); ++i) {
    const auto& s = sections[i];
    if (s.index >= 0) {
      ids.push_back(m.added[m.raw_index[s.index]].id);
    } else if (!s.text.empty()) {
      EncodeSection(s.text, i == 0, ids);
    }
  }
  if (add_special_tokens) return m.post_processor.Process(std::move(ids));
  return ids;
}

std::string Tokenizer::Decode(const std::vector<int32_t>& ids,
                              bool skip_special_tokens) const {
  const Impl& m = *impl_;
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    auto it = m.added_by_id.find(id);
    if (it != m.added_by_id.end()) {
      if (skip_special_tokens && m.added[it->second].special) continue;
      tokens.push_back(m.added[it->second].content);
    } else if (const std::string* t = m.model.IdToToken(id)) {
      tokens.push_back(*t);
    }
  }
  return m.decoder.Decode(std::move(tokens));
}

int32_t Tokenizer::VocabSize() const { return impl_->vocab_size; }

bool Tokenizer::IsSpecial(int32_t id) const {
  auto it = impl_->added_by_id.find(id);
  return it != impl_->added_by_id.end() && impl_->added[it->second].special;
}

std::string Tokenizer::IdToToken(int32_t id) const {
  auto it = impl_->added_by_id.find(id);
  if (it != impl_->added_by_id.end()) return impl_->added[it->second].content;
  const std::string* t = impl_->model.IdToToken(id);
  return t ? *t : std::string();
}

}  // namespace infx::tokenizer
