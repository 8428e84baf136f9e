// UTF-8 helpers for the tokenizer: code point iteration, encoding, and lossy
// decoding of arbitrary bytes into valid UTF-8 (U+FFFD for each maximal
// invalid subpart, as WHATWG's TextDecoder and Rust's from_utf8_lossy do).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace infx::tokenizer {

// Length in bytes of the UTF-8 sequence starting at s[i] (1 for an invalid
// lead byte or a truncated/invalid sequence, so iteration always advances).
size_t Utf8CharLen(std::string_view s, size_t i);

// Appends code point `cp` encoded as UTF-8.
void AppendUtf8(uint32_t cp, std::string& out);

// Decodes the code point at s[i] (length Utf8CharLen); U+FFFD if invalid.
uint32_t DecodeUtf8At(std::string_view s, size_t i);

// `bytes` as valid UTF-8, invalid subparts replaced by U+FFFD.
std::string LossyUtf8(std::string_view bytes);

// True if `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace infx::tokenizer
