#include "common/stored_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace infx {
namespace {

TEST(StoredTextTest, ValidUtf8IsUnchanged) {
  EXPECT_EQ(EscapeInvalidUtf8("plain"), "plain");
  EXPECT_EQ(EscapeInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));
}

TEST(StoredTextTest, InvalidBytesBecomeVisibleEscapes) {
  // Latin-1 "café", a euro sign cut after two bytes, a lone continuation,
  // an overlong '/', a surrogate, a code point above U+10FFFF.
  EXPECT_EQ(EscapeInvalidUtf8("caf\xE9!"), "caf\\xE9!");
  EXPECT_EQ(EscapeInvalidUtf8("x\xE2\x82"), "x\\xE2\\x82");
  EXPECT_EQ(EscapeInvalidUtf8("\x80"), "\\x80");
  EXPECT_EQ(EscapeInvalidUtf8("\xC0\xAF"), "\\xC0\\xAF");
  EXPECT_EQ(EscapeInvalidUtf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");
  EXPECT_EQ(EscapeInvalidUtf8("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");
  for (const char* bad : {"caf\xE9", "x\xE2\x82", "\xC0\xAF", "\xFF"}) {
    const std::string escaped = EscapeInvalidUtf8(bad);
    EXPECT_TRUE(IsValidUtf8(escaped));
    // What made bench exit with json type_error.316 now dumps.
    EXPECT_NO_THROW((void)nlohmann::json(escaped).dump());
    EXPECT_THROW((void)nlohmann::json(std::string(bad)).dump(),
                 nlohmann::json::type_error);
  }
}

TEST(StoredTextTest, SecretsAreRedactedIncludingATruncatedTail) {
  const std::vector<std::string> secrets = {"sk-secret-123456"};
  EXPECT_EQ(
      RedactSecrets("bad key sk-secret-123456 (sk-secret-123456)", secrets),
      "bad key [REDACTED] ([REDACTED])");
  EXPECT_EQ(RedactSecrets("echo: Bearer sk-secret-1", secrets),
            "echo: Bearer [REDACTED]");
  EXPECT_EQ(RedactSecrets("nothing here sk-secr", secrets),
            "nothing here sk-secr");
  EXPECT_EQ(RedactSecrets("text", {""}), "text");
  EXPECT_EQ(StoredText("k=sk-secret-123456 \xE9", secrets),
            "k=[REDACTED] \\xE9");
}

}  // namespace
}  // namespace infx
