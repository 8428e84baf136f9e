// Checks of the MisbehavingServer fixture itself, through the client.
#include "client/misbehaving_server.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <vector>

#include "client/http_client.h"

namespace infx::client {
namespace {

namespace asio = boost::asio;
using metrics::RequestRecord;
using testing::Behavior;
using testing::MisbehavingServer;
using testing::Reply;

std::vector<RequestRecord> Sequential(const MisbehavingServer& server, int n) {
  asio::io_context io;
  ClientOptions options;
  options.base = *ParseUrl(server.url());
  options.request_timeout_s = 10;
  HttpClient client(io, options);
  std::vector<RequestRecord> records(n);
  PreparedRequest req{"/v1/completions", "{\"prompt\":\"hi\"}"};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < n; ++i) co_await client.Stream(req, &records[i]);
      },
      asio::detached);
  io.run();
  return records;
}

TEST(MisbehavingServerTest, ServesGoodStreamsOnOneConnection) {
  MisbehavingServer server(Behavior{Reply::kGoodStream, 5});
  auto records = Sequential(server, 3);
  for (const RequestRecord& r : records) {
    EXPECT_TRUE(r.ok()) << r.error_message;
    EXPECT_EQ(r.chunk_ns.size(), 5u);
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.requests_served(), 3);
}

TEST(MisbehavingServerTest, AnnouncedCloseOpensOneConnectionPerRequest) {
  Behavior b;
  b.announce_close = true;
  MisbehavingServer server(b);
  auto records = Sequential(server, 3);
  for (const RequestRecord& r : records) EXPECT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(server.connections(), 3);
}

TEST(MisbehavingServerTest, PicksTheBehaviorPerRequest) {
  MisbehavingServer server([](int index, const std::string&) {
    Behavior b;
    if (index == 1) b.reply = Reply::kLatin1Error;
    return b;
  });
  auto records = Sequential(server, 3);
  EXPECT_TRUE(records[0].ok());
  EXPECT_EQ(records[1].http_status, 500);
  EXPECT_EQ(records[1].error, metrics::ErrorKind::kHttpStatus);
  EXPECT_TRUE(records[2].ok());
}

}  // namespace
}  // namespace infx::client
