#include "emulator/text_gen.h"

#include <algorithm>
#include <cmath>

#include "common/files.h"

namespace infx::emulator {
namespace {

constexpr const char* kBuiltinWords[] = {
    " the",    " of",      " and",       " to",      " a",      " in",
    " is",     " that",    " for",       " it",      " as",     " was",
    " with",   " be",      " by",        " on",      " not",    " he",
    " this",   " are",     " or",        " his",     " from",   " at",
    " which",  " but",     " have",      " an",      " had",    " they",
    " you",    " were",    " their",     " one",     " all",    " we",
    " can",    " her",     " has",       " there",   " been",   " if",
    " more",   " when",    " will",      " would",   " who",    " so",
    " no",     " time",    " model",     " token",   " batch",  " cache",
    " memory", " step",    " server",    " request", " result", " value",
    " number", " first",   " second",    " next",    " each",   " then",
    " answer", " because", " therefore", " total",   " more",   " less",
    " same",   " new",     " system",    " data",    " point",  " curve",
    " rate",   " fast",    " slow",      ",",        ".",       ";",
    " work",   " part",    " way",       " day",     " week",   " year",
    " people", " water",   " light",
};

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string ReplaceAll(std::string s, std::string_view from,
                       std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos;
       p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

bool Printable(const std::string& s) {
  if (s.empty() || s.front() == '<' || s.front() == '[') return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return c >= 0x20 && c != 0x7f && c != '\\' && c != '"' && c < 0x80;
  });
}

// Truncates plan at the first stop string; returns true when one matched.
bool ApplyStop(const std::vector<std::string>& stop, OutputPlan& plan) {
  std::string text;
  for (size_t i = 0; i < plan.tokens.size(); ++i) {
    const size_t before = text.size();
    text += plan.tokens[i];
    for (const std::string& s : stop) {
      if (s.empty()) continue;
      const size_t from = before >= s.size() ? before - s.size() + 1 : 0;
      const size_t at = text.find(s, from);
      if (at == std::string::npos) continue;
      // Cut the stop string (and anything after it) out of token i; earlier
      // tokens may have held its first characters: vLLM holds those back,
      // so drop them from this token's text.
      plan.tokens.resize(i + 1);
      const size_t keep = at > before ? at - before : 0;
      plan.tokens[i] = plan.tokens[i].substr(0, keep);
      if (at < before) {
        // The match began in earlier tokens: trim them back to `at`.
        size_t pos = 0;
        for (size_t j = 0; j < i; ++j) {
          if (pos + plan.tokens[j].size() > at) {
            plan.tokens[j] = plan.tokens[j].substr(0, at > pos ? at - pos : 0);
          }
          pos += plan.tokens[j].size();
        }
      }
      plan.finish_reason = "stop";
      plan.stop_reason = s;
      return true;
    }
  }
  return false;
}

}  // namespace

uint64_t HashText(std::string_view text, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t MixSeed(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return SplitMix(s);
}

Vocabulary Vocabulary::Builtin() {
  Vocabulary v;
  for (const char* w : kBuiltinWords) v.texts_.emplace_back(w);
  return v;
}

Result<Vocabulary> Vocabulary::LoadFile(const std::string& path) {
  INFX_ASSIGN_OR_RETURN(nlohmann::json doc, ReadJsonFile(path));
  const nlohmann::json* vocab = &doc;
  if (doc.contains("model") && doc["model"].is_object() &&
      doc["model"].contains("vocab")) {
    vocab = &doc["model"]["vocab"];
  }
  if (!vocab->is_object() || vocab->empty()) {
    return Status::ParseError(
        path +
        ": no token vocabulary (expected {\"token\": id} or "
        "tokenizer.json model.vocab)");
  }
  Vocabulary v;
  v.builtin_ = false;
  size_t gpt2_marks = 0, sp_marks = 0;
  for (const auto& [token, id] : vocab->items()) {
    (void)id;
    if (token.rfind("\xC4\xA0", 0) == 0) ++gpt2_marks;    // "Ġ"
    if (token.rfind("\xE2\x96\x81", 0) == 0) ++sp_marks;  // "▁"
  }
  v.space_marker_ = gpt2_marks >= sp_marks ? "\xC4\xA0" : "\xE2\x96\x81";
  for (const auto& [token, id] : vocab->items()) {
    (void)id;
    v.pieces_.insert(token);
    v.max_piece_len_ = std::max(v.max_piece_len_, token.size());
    std::string text = ReplaceAll(token, v.space_marker_, " ");
    if (Printable(text)) v.texts_.push_back(std::move(text));
  }
  if (v.texts_.empty())
    return Status::ParseError(path + ": no printable tokens");
  std::sort(v.texts_.begin(), v.texts_.end());  // deterministic order
  return v;
}

int64_t Vocabulary::CountTextTokens(std::string_view text) const {
  if (text.empty()) return 0;
  if (exact_) return static_cast<int64_t>(exact_->Encode(text, true).size());
  if (builtin_) return static_cast<int64_t>((text.size() + 3) / 4);
  std::string raw = ReplaceAll(std::string(text), " ", space_marker_);
  raw = ReplaceAll(std::move(raw), "\n", "\xC4\x8A");  // "Ċ"
  int64_t count = 0;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t len = std::min(max_piece_len_, raw.size() - pos);
    while (len > 1 && !pieces_.contains(raw.substr(pos, len))) --len;
    pos += std::max<size_t>(1, len);
    ++count;
  }
  return count;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : text) {
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (c == ' ' || c == '\n') {
      flush();
      cur.push_back(c);
    } else if (alnum) {
      if (!cur.empty() &&
          !std::isalnum(static_cast<unsigned char>(cur.back())) && cur != " " &&
          cur != "\n") {
        flush();
      }
      cur.push_back(c);
    } else {
      flush();
      out.emplace_back(1, c);
    }
  }
  flush();
  return out;
}

std::string OutputPlan::text() const {
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

OutputPlan PlanOutput(const Vocabulary& vocab, const OutputParams& params,
                      uint64_t seed) {
  OutputPlan plan;
  const int64_t max_tokens = std::max<int64_t>(1, params.max_tokens);
  uint64_t state = seed;
  std::vector<std::string> words;
  int64_t natural = 0;  // tokens up to and including EOS
  if (!params.forced_text.empty()) {
    words = SplitWords(params.forced_text);
    natural = static_cast<int64_t>(words.size()) + 1;
  } else {
    // Geometric with the configured mean: EOS with probability 1/mean.
    const double p = 1.0 / std::max(1.0, params.mean_natural_tokens);
    const double u =
        std::max(1e-12, (SplitMix(state) >> 11) * (1.0 / 9007199254740992.0));
    natural = 1 + static_cast<int64_t>(std::log(u) / std::log1p(-p));
  }
  natural = std::max(natural, params.min_tokens + 1);  // min_tokens bans EOS
  const bool eos = !params.ignore_eos && natural <= max_tokens;
  const int64_t n = eos ? natural : max_tokens;
  plan.tokens.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    plan.tokens.push_back(i < static_cast<int64_t>(words.size())
                              ? words[static_cast<size_t>(i)]
                              : vocab.text(SplitMix(state) % vocab.size()));
  }
  if (eos) plan.tokens.back() = "";  // the EOS token has no text
  plan.finish_reason = eos ? "stop" : "length";
  ApplyStop(params.stop, plan);
  return plan;
}

}  // namespace infx::emulator
