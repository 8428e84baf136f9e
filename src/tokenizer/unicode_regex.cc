#include "tokenizer/unicode_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace infx::tokenizer {

struct UnicodeRegex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

Result<UnicodeRegex> UnicodeRegex::Compile(const std::string& pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
      PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    return Status::InvalidArgument(
        "cannot compile pre-tokenizer regex '" + pattern + "' at offset " +
        std::to_string(offset) + ": " + reinterpret_cast<char*>(message));
  }
  auto shared = std::make_shared<Code>();
  shared->code = code;
  shared->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  UnicodeRegex re;
  re.code_ = std::move(shared);
  return re;
}

void UnicodeRegex::FindAll(
    std::string_view text,
    const std::function<void(size_t, size_t)>& on_match) const {
  pcre2_match_data* md =
      pcre2_match_data_create_from_pattern(code_->code, nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  PCRE2_SIZE start = 0;
  while (start <= text.size()) {
    const int rc = code_->jit
                       ? pcre2_jit_match(code_->code, subject, text.size(),
                                         start, PCRE2_NO_UTF_CHECK, md, nullptr)
                       : pcre2_match(code_->code, subject, text.size(), start,
                                     PCRE2_NO_UTF_CHECK, md, nullptr);
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t b = ov[0], e = ov[1];
    if (e > b) on_match(b, e);
    if (e == b) {  // empty match: step one character
      if (e >= text.size()) break;
      size_t next = e + 1;
      while (next < text.size() &&
             (static_cast<uint8_t>(text[next]) & 0xC0) == 0x80) {
        ++next;
      }
      start = next;
    } else {
      start = e;
    }
  }
  pcre2_match_data_free(md);
}

}  // namespace infx::tokenizer
