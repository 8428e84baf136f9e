#include "sweep/redact.h"

#include <cctype>
#include <vector>

namespace infx::sweep {
namespace {

// A shell-like word of the text: [begin, end), quotes and backslashes kept.
struct Word {
  size_t begin = 0;
  size_t end = 0;
};

std::vector<Word> SplitWords(const std::string& text) {
  std::vector<Word> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    if (i >= text.size()) break;
    Word w{i, i};
    char quote = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) break;
      if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
        i += 2;
        continue;
      }
      if ((c == '\'' || c == '"') && (quote == 0 || quote == c)) {
        quote = quote == 0 ? c : 0;
      }
      ++i;
    }
    w.end = i;
    words.push_back(w);
  }
  return words;
}

bool IsVariableReference(std::string_view value) {
  while (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    value.remove_prefix(1);
  }
  return !value.empty() && value.front() == '$' &&
         (value.size() == 1 || value[1] != '(');
}

}  // namespace

bool IsSecretName(std::string_view name) {
  while (!name.empty() && name.front() == '-') name.remove_prefix(1);
  static constexpr std::string_view kSecret[] = {
      "key",    "token",      "password",    "passwd", "pwd",
      "secret", "credential", "credentials", "apikey"};
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '-' && name[i] != '_') continue;
    std::string part;
    for (char c : name.substr(start, i - start)) {
      part.push_back(
          static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    for (std::string_view s : kSecret) {
      if (part == s) return true;
    }
    start = i + 1;
  }
  return false;
}

// Value spans of secret-named flags and assignments in `text`, in order.
static std::vector<Word> SecretSpans(const std::string& text) {
  const std::vector<Word> words = SplitWords(text);
  // Value spans to replace, in order.
  std::vector<Word> values;
  for (size_t k = 0; k < words.size(); ++k) {
    const std::string_view word(text.data() + words[k].begin,
                                words[k].end - words[k].begin);
    const size_t eq = word.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      // --flag=value or NAME=value.
      if (IsSecretName(word.substr(0, eq)) &&
          !IsVariableReference(word.substr(eq + 1)) && eq + 1 < word.size()) {
        values.push_back({words[k].begin + eq + 1, words[k].end});
      }
      continue;
    }
    if (word.size() > 1 && word.front() == '-' && IsSecretName(word) &&
        k + 1 < words.size()) {
      const std::string_view next(text.data() + words[k + 1].begin,
                                  words[k + 1].end - words[k + 1].begin);
      if (next.front() != '-' && !IsVariableReference(next)) {
        values.push_back(words[k + 1]);
        ++k;
      }
    }
  }
  return values;
}

std::string RedactSecrets(const std::string& text) {
  const std::vector<Word> values = SecretSpans(text);
  std::string out;
  size_t at = 0;
  for (const Word& v : values) {
    out.append(text, at, v.begin - at);
    out += kRedacted;
    at = v.end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::vector<std::string> SecretValues(const std::string& command) {
  std::vector<std::string> out;
  for (const Word& w : SecretSpans(command)) {
    std::string raw = command.substr(w.begin, w.end - w.begin);
    std::string bare = raw;
    if (bare.size() >= 2 && (bare.front() == '"' || bare.front() == '\'') &&
        bare.back() == bare.front()) {
      bare = bare.substr(1, bare.size() - 2);
    }
    for (const std::string& v : {raw, bare}) {
      if (v.size() >= 3) out.push_back(v);
    }
  }
  return out;
}

std::string RedactValues(std::string text,
                         const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    if (v.empty()) continue;
    for (size_t at = text.find(v); at != std::string::npos;
         at = text.find(v, at + kRedacted.size())) {
      text.replace(at, v.size(), kRedacted);
    }
  }
  return text;
}

}  // namespace infx::sweep
