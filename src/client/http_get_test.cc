// The control-plane GET: any status is a reply, the Authorization header
// is sent, and one deadline bounds a server that accepts and never answers.
#include "client/http_get.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "client/misbehaving_server.h"

namespace infx::client {
namespace {

TEST(HttpGetTest, ReadsAnyStatusAndSendsTheAuthorization) {
  std::string seen;
  testing::MisbehavingServer server([&](int, const std::string& request) {
    seen = request;
    return testing::Behavior{testing::Reply::kHtml200};
  });
  GetOptions o;
  o.authorization = "Bearer sk-probe";
  auto reply = HttpGet(*ParseUrl(server.url()), "/props", o);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("It works!"), std::string::npos);
  EXPECT_NE(seen.find("GET /props HTTP/1.1"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Bearer sk-probe"), std::string::npos) << seen;
}

// HttpPost: the same exchange as a POST with an empty body (control
// endpoints such as vLLM's /reset_prefix_cache), and errors name the verb.
TEST(HttpGetTest, PostSendsAnEmptyBody) {
  std::string seen;
  testing::MisbehavingServer server([&](int, const std::string& request) {
    seen = request;
    return testing::Behavior{testing::Reply::kHtml200};
  });
  auto reply = HttpPost(*ParseUrl(server.url()), "/reset_prefix_cache");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(seen.find("POST /reset_prefix_cache HTTP/1.1"), std::string::npos)
      << seen;
  EXPECT_NE(seen.find("Content-Length: 0"), std::string::npos) << seen;
}

// A numeric host is connected to as it is; a name goes through the
// resolver. Both reach the same server.
TEST(HttpGetTest, NumericAndNamedHostsBothConnect) {
  testing::MisbehavingServer server([&](int, const std::string&) {
    return testing::Behavior{testing::Reply::kHtml200};
  });
  const Url numeric = *ParseUrl(server.url());
  ASSERT_EQ(numeric.host, "127.0.0.1");
  Url named = numeric;
  named.host = "localhost";
  for (const Url& url : {numeric, named}) {
    auto reply = HttpGet(url, "/metrics");
    ASSERT_TRUE(reply.ok()) << url.host << ": " << reply.status().ToString();
    EXPECT_EQ(reply->status, 200) << url.host;
  }
}

TEST(HttpGetTest, AServerThatNeverAnswersEndsAtTheDeadline) {
  // Accepts (the kernel completes the handshake) but never reads or replies.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(
      io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  Url url = *ParseUrl("http://127.0.0.1:" +
                      std::to_string(silent.local_endpoint().port()));
  GetOptions o;
  o.timeout_s = 0.3;
  auto reply = HttpGet(url, "/health", o);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), ErrorCode::kTimeout);
}

TEST(HttpGetTest, ARefusedConnectionIsUnavailable) {
  boost::asio::io_context io;
  uint16_t port;
  {
    boost::asio::ip::tcp::acceptor a(
        io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  auto reply = HttpGet(*ParseUrl("http://127.0.0.1:" + std::to_string(port)),
                       "/version", {});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace infx::client
