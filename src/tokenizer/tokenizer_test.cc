// Golden tests: every corpus string encodes to the ids Hugging Face's
// tokenizers.js produced (tools/tokenizer-goldens), with and without special
// tokens, and decodes back to its decoded text; plus load errors.
#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "tokenizer/utf8.h"

namespace infx::tokenizer {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

fs::path TestData() {
  return fs::path(INFX_SOURCE_DIR) / "src/tokenizer/testdata";
}

std::string TokenizerPath(const std::string& name) {
  if (name == "llama3_style" || name == "qwen2_style") {
    return (TestData() / name).string();
  }
  return (SharedDataDir(INFX_SOURCE_DIR) / "tokenizers" / name).string();
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, EncodeAndDecodeMatchHuggingFace) {
  auto tok = Tokenizer::Load(TokenizerPath(GetParam()));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  auto golden = ReadJsonFile(TestData() / "goldens" / (GetParam() + ".json"));
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  const json& cases = (*golden)["cases"];
  ASSERT_GE(cases.size(), 60u);
  for (const json& c : cases) {
    const std::string text = c["text"].get<std::string>();
    EXPECT_EQ(tok->Encode(text), c["ids"].get<std::vector<int32_t>>())
        << "text: " << text;
    const auto plain = c["ids_no_special"].get<std::vector<int32_t>>();
    EXPECT_EQ(tok->Encode(text, false), plain) << "text: " << text;
    EXPECT_EQ(tok->Decode(plain), c["decoded"].get<std::string>())
        << "text: " << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, GoldenTest,
                         ::testing::Values("gpt2", "llama2", "llama3_style",
                                           "qwen2_style"));

TEST(TokenizerTest, KindsAndSizes) {
  auto gpt2 = Tokenizer::Load(TokenizerPath("gpt2"));
  ASSERT_TRUE(gpt2.ok()) << gpt2.status().ToString();
  EXPECT_EQ(gpt2->Kind(), "byte-level BPE");
  EXPECT_EQ(gpt2->VocabSize(), 50257);
  EXPECT_TRUE(gpt2->IsSpecial(50256));
  auto llama2 = Tokenizer::Load(TokenizerPath("llama2") + "/tokenizer.json");
  ASSERT_TRUE(llama2.ok()) << llama2.status().ToString();
  EXPECT_EQ(llama2->Kind(), "BPE");
  EXPECT_EQ(llama2->VocabSize(), 32000);
  EXPECT_EQ(llama2->Decode({1, 15043, 3186, 2}, true), "Hello world");
}

// Qwen2's NFC normalizer: decomposed and composed accents encode alike
// (the goldens check the ids against Hugging Face's).
TEST(TokenizerTest, NfcComposesBeforeEncoding) {
  auto qwen2 = Tokenizer::Load(TokenizerPath("qwen2_style"));
  ASSERT_TRUE(qwen2.ok()) << qwen2.status().ToString();
  auto llama3 = Tokenizer::Load(TokenizerPath("llama3_style"));
  ASSERT_TRUE(llama3.ok()) << llama3.status().ToString();
  const std::string composed = "caf\u00e9 na\u00efve";
  const std::string decomposed = "cafe\u0301 nai\u0308ve";
  EXPECT_EQ(qwen2->Encode(decomposed), qwen2->Encode(composed));
  EXPECT_EQ(qwen2->Decode(qwen2->Encode(decomposed)), composed);
  EXPECT_NE(llama3->Encode(decomposed, false), llama3->Encode(composed, false));
}

TEST(TokenizerTest, DecodingArbitraryIdsGivesValidUtf8) {
  for (const char* name : {"gpt2", "llama2", "llama3_style", "qwen2_style"}) {
    auto tok = Tokenizer::Load(TokenizerPath(name));
    ASSERT_TRUE(tok.ok()) << tok.status().ToString();
    std::vector<int32_t> ids;
    for (int32_t i = 0; i < 3000; ++i)
      ids.push_back((i * 7919) % tok->VocabSize());
    EXPECT_TRUE(IsValidUtf8(tok->Decode(ids))) << name;
  }
}

TEST(TokenizerTest, InvalidUtf8InputIsReadLossily) {
  auto tok = Tokenizer::Load(TokenizerPath("gpt2"));
  ASSERT_TRUE(tok.ok());
  EXPECT_EQ(tok->Encode("a\xFF"
                        "b"),
            tok->Encode("a\xEF\xBF\xBD"
                        "b"));
}

std::string WriteScratch(const std::string& name, const std::string& body) {
  const fs::path dir =
      fs::path(INFX_BINARY_DIR) / "tokenizer_test" / std::to_string(::getpid());
  fs::create_directories(dir);
  std::ofstream(dir / name) << body;
  return (dir / name).string();
}

TEST(TokenizerLoadTest, UnknownFormatNamesWhatWasFound) {
  auto r =
      Tokenizer::Load(WriteScratch("odd.json", R"({"foo": 1, "bar": [2]})"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown tokenizer format"),
            std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("foo"), std::string::npos);
  auto text = Tokenizer::Load(WriteScratch("notjson.txt", "hello"));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("not JSON"), std::string::npos);
}

TEST(TokenizerLoadTest, UnsupportedComponentsAreNamed) {
  auto unigram = Tokenizer::Load(
      WriteScratch("unigram.json",
                   R"({"model": {"type": "Unigram", "vocab": [["a", 0.0]]}})"));
  ASSERT_FALSE(unigram.ok());
  EXPECT_NE(unigram.status().message().find("'Unigram'"), std::string::npos)
      << unigram.status().message();
  auto nfkc = Tokenizer::Load(
      WriteScratch("nfkc.json", R"({"normalizer": {"type": "NFKC"},
        "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})"));
  ASSERT_FALSE(nfkc.ok());
  EXPECT_NE(nfkc.status().message().find("normalizer 'NFKC'"),
            std::string::npos)
      << nfkc.status().message();
}

TEST(TokenizerLoadTest, MissingFilesAreNamed) {
  auto none = Tokenizer::Load("/nonexistent/tokenizer.json");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("/nonexistent/tokenizer.json"),
            std::string::npos);
  const std::string vocab = WriteScratch("vocab.json", R"({"a": 0, "b": 1})");
  auto no_merges = Tokenizer::Load(vocab);
  ASSERT_FALSE(no_merges.ok());
  EXPECT_NE(no_merges.status().message().find("merges.txt"), std::string::npos);
}

TEST(TokenizerLoadTest, MergeOutsideTheVocabNeverApplies) {
  auto r =
      Tokenizer::Load(WriteScratch("badmerge.json", R"({"model": {"type": "BPE",
        "vocab": {"a": 0, "b": 1, "ab": 2, "c": 3},
        "merges": ["a c", "a b", "c     "]}})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Encode("abac"), (std::vector<int32_t>{2, 0, 3}));
}

TEST(TokenizerLoadTest, MalformedModelIsAnError) {
  auto r = Tokenizer::Load(WriteScratch(
      "nomerges.json",
      R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": 3}})"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("merges"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace infx::tokenizer
