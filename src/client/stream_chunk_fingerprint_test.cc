// llama.cpp names its build in every OpenAI-style stream chunk as
// "system_fingerprint" (it has no /version); the record keeps the first.
#include <gtest/gtest.h>

#include "client/stream_chunk.h"

namespace infx::client {
namespace {

TEST(StreamChunkFingerprintTest, LlamaCppChunkCarriesItsBuild) {
  const std::string payload =
      R"({"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hi"}}],)"
      R"("created":1764400000,"id":"chatcmpl-x","model":"gpt-3.5-turbo",)"
      R"("system_fingerprint":"b6110-1e6f6554","object":"chat.completion.chunk"})";
  StreamChunk c;
  ASSERT_TRUE(ParseStreamChunk(payload, false, &c).ok());
  EXPECT_EQ(c.system_fingerprint, "b6110-1e6f6554");
  metrics::RequestRecord r;
  EXPECT_EQ(ApplyChunk(c, 100, false, &r), ChunkEffect::kContinue);
  EXPECT_EQ(r.system_fingerprint, "b6110-1e6f6554");
  // A later chunk with another value does not replace the first.
  StreamChunk later;
  ASSERT_TRUE(
      ParseStreamChunk(
          R"({"choices":[{"index":0,"text":"x"}],"system_fingerprint":"other"})",
          false, &later)
          .ok());
  ApplyChunk(later, 200, false, &r);
  EXPECT_EQ(r.system_fingerprint, "b6110-1e6f6554");
  // vLLM chunks carry none (or null).
  StreamChunk vllm;
  ASSERT_TRUE(
      ParseStreamChunk(
          R"({"choices":[{"index":0,"text":"x"}],"system_fingerprint":null})",
          false, &vllm)
          .ok());
  EXPECT_TRUE(vllm.system_fingerprint.empty());
}

}  // namespace
}  // namespace infx::client
