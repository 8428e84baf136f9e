// libFuzzer harness for the client's HTTP response handling: arbitrary
// bytes are fed, in reads of a size taken from the first byte, to the same
// ResponseReader the client runs on its connections (Beast's response
// parser, 1xx skipping, chunked/length/close-delimited bodies, SSE events,
// stream chunks, the event-size cap, the no-token and status judgements),
// then EOF. Invariants: a failed response is recorded as a failure, a done
// one is either failed with a kind or completed with an end time, and
// nothing is fed after the reader finished. Build and run: fuzz/build.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/response_reader.h"

using infx::client::ResponseReader;
using infx::metrics::ErrorKind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t step = 1 + data[0] % 200;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  infx::client::ReaderOptions options;
  options.capture_text = (data[0] & 1) != 0;
  options.max_event_bytes = 2048;  // small, so the cap is reached
  options.body_buffer_bytes = 64 + data[0] % 256;
  ResponseReader reader(options);
  infx::metrics::RequestRecord r;
  ResponseReader::State state = ResponseReader::State::kMore;
  int64_t t = 1000;
  for (size_t at = 0;
       at < input.size() && state == ResponseReader::State::kMore;
       at += step, ++t) {
    state = reader.Feed(input.substr(at, step), t, t, &r);
  }
  if (state == ResponseReader::State::kMore) state = reader.FeedEof(t, &r);
  if (state == ResponseReader::State::kMore) std::abort();  // EOF decides
  if (state == ResponseReader::State::kFailed && r.error == ErrorKind::kNone)
    std::abort();
  if (r.error == ErrorKind::kNone && r.end_ns == 0) std::abort();
  (void)reader.keep_alive();
  return 0;
}
