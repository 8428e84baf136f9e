#include "client/response_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace infx::client {
namespace {

using metrics::ErrorKind;
using metrics::RequestRecord;
using State = ResponseReader::State;

const std::string kEvents =
    "data: {\"choices\":[{\"index\":0,\"text\":\"a\",\"finish_reason\":null}]}"
    "\n\ndata: {\"choices\":[{\"index\":0,\"text\":\"b\",\"finish_reason\":"
    "null}]}\n\ndata: [DONE]\n\n";

std::string LengthResponse(const std::string& status, const std::string& type,
                           const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

// Feeds `wire` `step` bytes at a time, read i arriving at 100 + i.
State FeedAll(ResponseReader& reader, const std::string& wire, size_t step,
              RequestRecord* r) {
  State state = State::kMore;
  int64_t t = 100;
  for (size_t at = 0; at < wire.size() && state == State::kMore;
       at += step, ++t) {
    state = reader.Feed(std::string_view(wire).substr(at, step), t, t, r);
  }
  return state;
}

TEST(ResponseReaderTest, ReadsAStreamSplitAnywhere) {
  const std::string wire =
      LengthResponse("200 OK", "text/event-stream", kEvents);
  for (size_t step : {1u, 7u, 64u, 4096u}) {
    ResponseReader reader(ReaderOptions{});
    RequestRecord r;
    EXPECT_EQ(FeedAll(reader, wire, step, &r), State::kDone) << step;
    EXPECT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.chunk_ns.size(), 2u);
    EXPECT_TRUE(reader.keep_alive());
  }
}

TEST(ResponseReaderTest, SkipsInterimResponsesInTheSameRead) {
  ResponseReader reader(ReaderOptions{});
  RequestRecord r;
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n" +
      LengthResponse("200 OK", "text/event-stream", kEvents);
  EXPECT_EQ(FeedAll(reader, wire, wire.size(), &r), State::kDone);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.ok()) << r.error_message;
}

TEST(ResponseReaderTest, SwitchingProtocolsFails) {
  ResponseReader reader(ReaderOptions{});
  RequestRecord r;
  EXPECT_EQ(FeedAll(reader, "HTTP/1.1 101 Switching Protocols\r\n\r\n", 64, &r),
            State::kFailed);
  EXPECT_EQ(r.error, ErrorKind::kHttpStatus);
}

TEST(ResponseReaderTest, CloseDelimitedStreamEndsAtEof) {
  ResponseReader reader(ReaderOptions{});
  RequestRecord r;
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + kEvents;
  EXPECT_EQ(FeedAll(reader, wire, 16, &r), State::kMore);
  EXPECT_EQ(reader.FeedEof(500, &r), State::kDone);
  EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_FALSE(reader.keep_alive());
}

TEST(ResponseReaderTest, EofInsideALengthBodyIsADroppedStream) {
  ResponseReader reader(ReaderOptions{});
  RequestRecord r;
  std::string wire = LengthResponse("200 OK", "text/event-stream", kEvents);
  wire.resize(wire.size() - 20);
  EXPECT_EQ(FeedAll(reader, wire, 32, &r), State::kMore);
  EXPECT_EQ(reader.FeedEof(500, &r), State::kFailed);
  EXPECT_EQ(r.error, ErrorKind::kStreamDropped);
  EXPECT_EQ(r.end_ns, 500);
}

TEST(ResponseReaderTest, ErrorBodyKeepsItsStartOnOneLine) {
  ResponseReader reader(ReaderOptions{});
  RequestRecord r;
  const std::string body = "line1\nline2" + std::string(1000, 'x');
  EXPECT_EQ(
      FeedAll(reader, LengthResponse("503 Busy", "text/plain", body), 100, &r),
      State::kDone);
  EXPECT_EQ(r.error, ErrorKind::kHttpStatus);
  EXPECT_EQ(r.error_message.rfind("HTTP 503: line1 line2x", 0), 0u);
  EXPECT_EQ(r.error_message.size(), std::string("HTTP 503: ").size() + 512);
  EXPECT_TRUE(reader.keep_alive());
}

TEST(ResponseReaderTest, EventCapCountsTheUnfinishedEvent) {
  ReaderOptions options;
  options.max_event_bytes = 1024;
  ResponseReader reader(options);
  RequestRecord r;
  const std::string wire =
      LengthResponse("200 OK", "text/event-stream",
                     "data: {\"x\":\"" + std::string(2000, 'y'));
  EXPECT_EQ(FeedAll(reader, wire, 256, &r), State::kFailed);
  EXPECT_EQ(r.error, ErrorKind::kEventTooLarge);
}

TEST(ResponseReaderTest, ResetReadsTheNextResponseOnTheConnection) {
  ResponseReader reader(ReaderOptions{});
  const std::string wire =
      LengthResponse("200 OK", "text/event-stream", kEvents);
  for (int i = 0; i < 2; ++i) {
    reader.Reset();
    RequestRecord r;
    EXPECT_EQ(FeedAll(reader, wire, 50, &r), State::kDone);
    EXPECT_TRUE(r.ok());
  }
}

TEST(ResponseReaderTest, EventsOfOneReadShareItsTimeAndAreCounted) {
  const std::string wire =
      LengthResponse("200 OK", "text/event-stream", kEvents);
  {  // the whole response in one read: two token events, one shared
    ResponseReader reader(ReaderOptions{});
    RequestRecord r;
    EXPECT_EQ(reader.Feed(wire, 500, 500, &r), State::kDone);
    ASSERT_EQ(r.chunk_ns.size(), 2u);
    EXPECT_EQ(r.chunk_ns[0], r.chunk_ns[1]);
    EXPECT_EQ(r.shared_read_events, 1);
  }
  {  // one read per event: nothing shared
    ResponseReader reader(ReaderOptions{});
    RequestRecord r;
    const size_t second = wire.find("data: {", wire.find("data: {") + 1);
    EXPECT_EQ(reader.Feed(wire.substr(0, second), 500, 500, &r), State::kMore);
    EXPECT_EQ(reader.Feed(wire.substr(second), 600, 600, &r), State::kDone);
    ASSERT_EQ(r.chunk_ns.size(), 2u);
    EXPECT_EQ(r.chunk_ns[1] - r.chunk_ns[0], 100);
    EXPECT_EQ(r.shared_read_events, 0);
  }
}

TEST(ResponseReaderTest, KeepsBytesTheParserLeftForTheNextRead) {
  // Reads that end inside the status line, a header and a chunk size: the
  // parser takes what it can, the rest waits for the next read.
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n" +
      [] {
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", kEvents.size());
        return std::string(size);
      }() +
      kEvents + "\r\n0\r\n\r\n";
  for (size_t step : {3u, 5u, 11u}) {
    ResponseReader reader(ReaderOptions{});
    RequestRecord r;
    EXPECT_EQ(FeedAll(reader, wire, step, &r), State::kDone) << step;
    EXPECT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.chunk_ns.size(), 2u);
    EXPECT_TRUE(reader.keep_alive()) << step;
  }
}

}  // namespace
}  // namespace infx::client
