#include "client/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace infx::client {
namespace {

struct Got {
  std::string data;
  int64_t ns;
  bool operator==(const Got&) const = default;
};

std::vector<Got> FeedAll(SseParser& p, std::string_view bytes, int64_t ns) {
  std::vector<Got> out;
  for (const SseEvent& e : p.Feed(bytes, ns))
    out.push_back({std::string(e.data), e.first_byte_ns});
  return out;
}

TEST(SseParserTest, SeveralEventsInOneRead) {
  SseParser p;
  auto got =
      FeedAll(p, "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n", 5);
  EXPECT_EQ(got, (std::vector<Got>{
                     {"{\"a\":1}", 5}, {"{\"a\":2}", 5}, {"[DONE]", 5}}));
  EXPECT_TRUE(p.idle());
}

TEST(SseParserTest, EventSplitAcrossReadsKeepsFirstByteTime) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, "da", 10).empty());
  EXPECT_FALSE(p.idle());
  EXPECT_TRUE(FeedAll(p, "ta: hel", 20).empty());
  EXPECT_TRUE(FeedAll(p, "lo\n", 30).empty());
  auto got = FeedAll(p, "\ndata: x\n", 40);
  EXPECT_EQ(got, (std::vector<Got>{{"hello", 10}}));
  got = FeedAll(p, "\n", 50);
  EXPECT_EQ(got, (std::vector<Got>{{"x", 40}}));
}

TEST(SseParserTest, EveryByteSplitGivesTheSameEvents) {
  std::string stream =
      ": keep-alive\r\n\r\ndata: one\r\n\r\nevent: message\r\nid: 7\r\n"
      "data: two\r\ndata: lines\r\n\r\ndata:three\r\rdata: four\n\n";
  std::vector<std::string> expected = {"one", "two\nlines", "three", "four"};
  SseParser whole;
  std::vector<std::string> got;
  for (const auto& e : whole.Feed(stream, 0)) got.emplace_back(e.data);
  EXPECT_EQ(got, expected);
  SseParser bytes;
  got.clear();
  for (size_t i = 0; i < stream.size(); ++i) {
    for (const auto& e :
         bytes.Feed(stream.substr(i, 1), static_cast<int64_t>(i))) {
      got.emplace_back(e.data);
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(SseParserTest, CrLfSplitBetweenReads) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, "data: a\r", 1).empty());
  // "\n" completes the CRLF; the lone "\r" is the blank line ending "a".
  EXPECT_EQ(FeedAll(p, "\n\r", 2), (std::vector<Got>{{"a", 1}}));
  // This "\n" belongs to the previous CR and must not start a new line.
  EXPECT_EQ(FeedAll(p, "\ndata: b\r\n\r\n", 3), (std::vector<Got>{{"b", 3}}));
}

TEST(SseParserTest, CommentsAndEmptyDataDispatchNothing) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, ": ping\n\n\n\ndata:\n\nretry: 5\n\n", 1).empty());
  EXPECT_TRUE(p.idle());
}

TEST(SseParserTest, EventStartTimeIsItsFirstLineNotTheBlankLine) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, "data: a\n", 100).empty());
  auto got = FeedAll(p, "\ndata: b\n\n", 200);
  EXPECT_EQ(got, (std::vector<Got>{{"a", 100}, {"b", 200}}));
}

}  // namespace
}  // namespace infx::client
