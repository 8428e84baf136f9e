// Normalizers and pre-tokenizers (pipeline.h); decoders and post-processors
// are in decoder.cc.
#include "tokenizer/pipeline.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <string_view>

#include "tokenizer/byte_level.h"

namespace infx::tokenizer {
namespace {

using nlohmann::json;

// GPT-2's pre-tokenizer regex (tokenizers' ByteLevel with use_regex).
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::string RegexEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}/-").find(c) !=
        std::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

// The "pattern" of Split/Replace: {"Regex": p} or {"String": s}.
Result<std::string> PatternOf(const json& j, bool allow_regex) {
  const json& p = j.contains("pattern") ? j["pattern"] : json();
  if (p.is_object() && p.contains("String") && p["String"].is_string()) {
    const std::string s = p["String"].get<std::string>();
    return allow_regex ? RegexEscape(s) : s;
  }
  if (allow_regex && p.is_object() && p.contains("Regex") &&
      p["Regex"].is_string()) {
    return p["Regex"].get<std::string>();
  }
  return Status::InvalidArgument("unsupported pattern " + p.dump() + " in " +
                                 ComponentType(j));
}

// Splits `text` by the matches of `re` (tokenizers' SplitDelimiterBehavior).
// behavior: 0 Isolated, 1 Removed, 2 MergedWithPrevious, 3 MergedWithNext.
enum { kIsolated = 0, kRemoved = 1, kMergedPrev = 2 };
void SplitByRegex(const UnicodeRegex& re, int behavior, const std::string& text,
                  std::vector<std::string>& out) {
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<bool> is_match;
  size_t last = 0;
  re.FindAll(text, [&](size_t b, size_t e) {
    if (b > last) {
      spans.emplace_back(last, b);
      is_match.push_back(false);
    }
    spans.emplace_back(b, e);
    is_match.push_back(true);
    last = e;
  });
  if (last < text.size()) {
    spans.emplace_back(last, text.size());
    is_match.push_back(false);
  }
  std::string pending;  // MergedWithNext: a match waiting for its gap
  for (size_t i = 0; i < spans.size(); ++i) {
    std::string piece =
        text.substr(spans[i].first, spans[i].second - spans[i].first);
    if (behavior == kIsolated) {
      out.push_back(std::move(piece));
    } else if (behavior == kRemoved) {
      if (!is_match[i]) out.push_back(std::move(piece));
    } else if (behavior == kMergedPrev) {
      if (is_match[i] && !out.empty() && i > 0 && !is_match[i - 1]) {
        out.back() += piece;
      } else {
        out.push_back(std::move(piece));
      }
    } else {  // merged with next
      if (is_match[i]) {
        if (!pending.empty()) out.push_back(std::move(pending));
        pending = std::move(piece);
      } else {
        out.push_back(pending + piece);
        pending.clear();
      }
    }
  }
  if (!pending.empty()) out.push_back(std::move(pending));
}

}  // namespace

std::string ComponentType(const json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    return j.dump().substr(0, 60);
  }
  return j["type"].get<std::string>();
}

Status UnsupportedComponent(const std::string& section, const json& j) {
  return Status::InvalidArgument("unsupported " + section + " '" +
                                 ComponentType(j) + "' in tokenizer.json");
}

void ReplaceAll(std::string& s, const std::string& from,
                const std::string& to) {
  if (from.empty()) return;
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos;
       pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
  }
  out.append(s, pos, std::string::npos);
  s = std::move(out);
}

Result<Normalizer> Normalizer::FromJson(const json& j) {
  Normalizer n;
  if (j.is_null()) return n;
  const std::string type = ComponentType(j);
  if (type == "Sequence" && j.contains("normalizers") &&
      j["normalizers"].is_array()) {
    for (const json& sub : j["normalizers"]) {
      INFX_ASSIGN_OR_RETURN(Normalizer s, FromJson(sub));
      n.steps_.insert(n.steps_.end(), s.steps_.begin(), s.steps_.end());
    }
  } else if (type == "Prepend" && j.value("prepend", json()).is_string()) {
    n.steps_.push_back({Step::kPrepend, j["prepend"].get<std::string>(), ""});
  } else if (type == "Replace") {
    INFX_ASSIGN_OR_RETURN(std::string from, PatternOf(j, false));
    n.steps_.push_back({Step::kReplace, from, j.value("content", "")});
  } else if (type == "NFC") {
    n.steps_.push_back({Step::kNfc, "", ""});
  } else {
    return UnsupportedComponent("normalizer", j);
  }
  return n;
}

namespace {

// Unicode NFC by ICU; text already in NFC (and text ICU fails on) is left
// as it is.
void NormalizeNfc(std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return;
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(text);
  if (nfc->isNormalized(in, status) && U_SUCCESS(status)) return;
  status = U_ZERO_ERROR;
  const icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return;
  text.clear();
  out.toUTF8String(text);
}

}  // namespace

void Normalizer::Apply(std::string& text) const {
  for (const Step& s : steps_) {
    if (s.kind == Step::kPrepend) {
      if (!text.empty()) text.insert(0, s.a);
    } else if (s.kind == Step::kNfc) {
      NormalizeNfc(text);
    } else {
      ReplaceAll(text, s.a, s.b);
    }
  }
}

Result<PreTokenizer::Step> PreTokenizer::ParseStep(const json& j) {
  Step s;
  const std::string type = ComponentType(j);
  auto compile = [&](const std::string& pattern) -> Status {
    INFX_ASSIGN_OR_RETURN(UnicodeRegex re, UnicodeRegex::Compile(pattern));
    s.regex = std::make_shared<UnicodeRegex>(std::move(re));
    return Status::Ok();
  };
  if (type == "Split") {
    if (j.value("invert", false))
      return UnsupportedComponent("pre_tokenizer", j);
    INFX_ASSIGN_OR_RETURN(std::string pattern, PatternOf(j, true));
    INFX_RETURN_IF_ERROR(compile(pattern));
    s.kind = Step::kSplit;
    const std::string b = j.value("behavior", "Isolated");
    if (b == "Isolated")
      s.behavior = Step::kIsolated;
    else if (b == "Removed")
      s.behavior = Step::kRemoved;
    else if (b == "MergedWithPrevious")
      s.behavior = Step::kMergedPrev;
    else if (b == "MergedWithNext")
      s.behavior = Step::kMergedNext;
    else
      return Status::InvalidArgument("unsupported Split behavior '" + b + "'");
  } else if (type == "Digits") {
    s.kind = Step::kSplit;
    INFX_RETURN_IF_ERROR(
        compile(j.value("individual_digits", false) ? "[0-9]" : "[0-9]+"));
  } else if (type == "ByteLevel") {
    s.kind = Step::kByteLevel;
    s.add_prefix_space = j.value("add_prefix_space", false);
    if (j.value("use_regex", true)) INFX_RETURN_IF_ERROR(compile(kGpt2Pattern));
  } else if (type == "Metaspace") {
    s.kind = Step::kMetaspace;
    s.replacement = j.value("replacement", "\u2581");
    s.split = j.value("split", true);
    const std::string scheme =
        j.value("prepend_scheme",
                j.value("add_prefix_space", true) ? "always" : "never");
    s.prepend = scheme == "first"   ? Step::kFirst
                : scheme == "never" ? Step::kNever
                                    : Step::kAlways;
    INFX_RETURN_IF_ERROR(compile(RegexEscape(s.replacement)));
  } else {
    return UnsupportedComponent("pre_tokenizer", j);
  }
  return s;
}

Result<PreTokenizer> PreTokenizer::FromJson(const json& j) {
  PreTokenizer p;
  if (j.is_null()) return p;
  if (ComponentType(j) == "Sequence" && j.contains("pretokenizers") &&
      j["pretokenizers"].is_array()) {
    for (const json& sub : j["pretokenizers"]) {
      INFX_ASSIGN_OR_RETURN(PreTokenizer s, FromJson(sub));
      p.steps_.insert(p.steps_.end(), s.steps_.begin(), s.steps_.end());
    }
    return p;
  }
  INFX_ASSIGN_OR_RETURN(Step s, ParseStep(j));
  p.steps_.push_back(std::move(s));
  return p;
}

void PreTokenizer::ApplyStep(const Step& s, std::vector<std::string>& pieces,
                             bool first_section) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string& piece = pieces[i];
    if (s.kind == Step::kSplit) {
      SplitByRegex(*s.regex, s.behavior, piece, out);
    } else if (s.kind == Step::kByteLevel) {
      if (s.add_prefix_space && piece.rfind(' ', 0) != 0) piece.insert(0, " ");
      std::vector<std::string> words;
      if (s.regex) {
        SplitByRegex(*s.regex, kIsolated, piece, words);
      } else {
        words.push_back(std::move(piece));
      }
      for (const std::string& w : words) out.push_back(BytesToUnicodeString(w));
    } else {
      ReplaceAll(piece, " ", s.replacement);
      const bool first = first_section && i == 0;
      if ((s.prepend == Step::kAlways ||
           (s.prepend == Step::kFirst && first)) &&
          piece.rfind(s.replacement, 0) != 0) {
        piece.insert(0, s.replacement);
      }
      if (s.split) {
        SplitByRegex(*s.regex, Step::kMergedNext, piece, out);
      } else {
        out.push_back(std::move(piece));
      }
    }
  }
  pieces.clear();
  for (std::string& p : out) {
    if (!p.empty()) pieces.push_back(std::move(p));
  }
}

std::vector<std::string> PreTokenizer::Split(const std::string& text,
                                             bool first_section) const {
  std::vector<std::string> pieces{text};
  for (const Step& s : steps_) ApplyStep(s, pieces, first_section);
  return pieces;
}

}  // namespace infx::tokenizer
