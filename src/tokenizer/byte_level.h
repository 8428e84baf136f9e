// GPT-2's byte-level alphabet: every byte maps to one printable code point
// (printable Latin-1 bytes to themselves, the rest to U+0100...), so byte
// strings become vocabulary strings and back.
//
// Thread-safety: the tables are built once (function-local statics).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace infx::tokenizer {

// UTF-8 of the code point that stands for byte b.
const std::string& ByteToUnicode(uint8_t b);
// Byte for code point cp, or -1 if cp is not in the alphabet.
int UnicodeToByte(uint32_t cp);
// Maps every byte of `bytes` to its code point (UTF-8).
std::string BytesToUnicodeString(std::string_view bytes);

}  // namespace infx::tokenizer
