// Text that came from outside (a server's error body, a stream event, a
// generated completion) made safe to store and to write as JSON: valid
// UTF-8 (a Latin-1 byte, or a multi-byte character cut by a truncation,
// becomes the literal text "\xNN") and free of secrets (every occurrence of
// a secret, such as the API key a server echoed, becomes "[REDACTED]").
// Every place that turns request records into JSON or stored rows passes
// such text through StoredText, so formatting never loses a run.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace infx {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with every byte that is not part of a well-formed UTF-8 sequence
// written as the four characters \xNN (uppercase hex); valid text is
// returned unchanged.
std::string EscapeInvalidUtf8(std::string_view text);

// `text` with every occurrence of each non-empty secret replaced by
// "[REDACTED]"; a secret's prefix (8 bytes or more) cut off at the very end
// of `text` (a truncated echo) is replaced too.
std::string RedactSecrets(std::string_view text,
                          const std::vector<std::string>& secrets);

// RedactSecrets, then EscapeInvalidUtf8.
std::string StoredText(std::string_view text,
                       const std::vector<std::string>& secrets = {});

}  // namespace infx
