// libFuzzer harness for the client's stream-chunk reader: arbitrary bytes
// as one SSE payload go through ParseStreamChunk (with and without text
// capture) and, when they parse, ApplyChunk on a record, twice (cumulative
// usage arithmetic). Invariants: a failed parse changes nothing it should
// not, an error payload fails the record, chunk_tokens stays aligned with
// chunk_ns. Build and run: fuzz/build.sh [seconds].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/stream_chunk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  for (bool want_text : {false, true}) {
    infx::client::StreamChunk chunk;
    if (!infx::client::ParseStreamChunk(payload, want_text, &chunk).ok()) {
      continue;
    }
    infx::metrics::RequestRecord r;
    for (int64_t t : {10, 20}) {
      auto effect = infx::client::ApplyChunk(chunk, t, want_text, &r);
      if (chunk.is_error &&
          (effect != infx::client::ChunkEffect::kFailed ||
           r.error != infx::metrics::ErrorKind::kServerError)) {
        std::abort();
      }
      if (!r.chunk_tokens.empty() && r.chunk_tokens.size() != r.chunk_ns.size())
        std::abort();
    }
    (void)r.OutputTokens();
  }
  return 0;
}
