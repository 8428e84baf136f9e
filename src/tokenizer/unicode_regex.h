// A compiled Unicode regular expression (PCRE2 with UTF and UCP, JIT when
// available) for the pre-tokenizer patterns of Hugging Face tokenizers
// (\p{L}, \p{N}, (?i:...), lookahead). Rust's tokenizers compiles them with
// Oniguruma; PCRE2 accepts the same syntax for every pattern in use.
//
// Thread-safety: a compiled UnicodeRegex is immutable; FindAll may be called
// from several threads at once (each call uses its own match data).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace infx::tokenizer {

class UnicodeRegex {
 public:
  // InvalidArgument naming the pattern and PCRE2's message on failure.
  static Result<UnicodeRegex> Compile(const std::string& pattern);

  // Calls on_match(begin, end) (byte offsets) for every non-overlapping match
  // in `text`, left to right. `text` must be valid UTF-8.
  void FindAll(std::string_view text,
               const std::function<void(size_t, size_t)>& on_match) const;

 private:
  struct Code;
  std::shared_ptr<const Code> code_;
};

}  // namespace infx::tokenizer
