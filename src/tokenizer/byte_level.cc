#include "tokenizer/byte_level.h"

#include <array>
#include <vector>

#include "tokenizer/utf8.h"

namespace infx::tokenizer {
namespace {

struct Tables {
  std::array<std::string, 256> to_unicode;
  std::vector<int> to_byte = std::vector<int>(512, -1);
  Tables() {
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable =
          (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      const uint32_t cp = printable ? b : 256 + n++;
      AppendUtf8(cp, to_unicode[b]);
      to_byte[cp] = b;
    }
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

}  // namespace

const std::string& ByteToUnicode(uint8_t b) {
  return GetTables().to_unicode[b];
}

int UnicodeToByte(uint32_t cp) {
  return cp < 512 ? GetTables().to_byte[cp] : -1;
}

std::string BytesToUnicodeString(std::string_view bytes) {
  const Tables& t = GetTables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += t.to_unicode[static_cast<uint8_t>(c)];
  return out;
}

}  // namespace infx::tokenizer
