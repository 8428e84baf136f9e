#include "web/dashboard_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/test_client.h"
#include "web/synthetic_store.h"

namespace infx::web {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
namespace ht = http::testing;

class DashboardServerTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& token = "") {
    dir_ = fs::temp_directory_path() /
           ("infx-dash-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "web");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html>app";
    std::ofstream(dir_ / "secret.txt") << "secret";
    db_ = (dir_ / "t.db").string();
    auto store = store::OpenResultsStore(db_);
    ASSERT_TRUE(store.ok());
    SyntheticOptions o;
    o.configs = 2;
    o.concurrencies = 3;
    ASSERT_TRUE(FillSyntheticStore(**store, o).ok());
    DashboardOptions d;
    d.port = 0;
    d.web_root = (dir_ / "web").string();
    d.auth_token = token;
    auto s = DashboardServer::Start(d, db_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(*s);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    fs::remove_all(dir_);
  }
  std::string Raw(const std::string& target,
                  const std::string& extra_headers = "") {
    return ht::RawExchange(server_->port(),
                           "GET " + target +
                               " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                               extra_headers + "\r\n");
  }
  fs::path dir_;
  std::string db_;
  std::unique_ptr<DashboardServer> server_;
};

TEST_F(DashboardServerTest, ServesApiAndAppWithSecurityHeaders) {
  StartServer();
  auto runs = ht::Get(server_->port(), "/api/runs");
  EXPECT_EQ(runs.status, 200u);
  EXPECT_THAT(runs.body, HasSubstr("\"num_points\":6"));
  auto page = ht::Get(server_->port(), "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.body, "<!doctype html>app");
  const std::string raw = Raw("/");
  EXPECT_THAT(raw, HasSubstr("Content-Security-Policy: default-src 'none'; "
                             "script-src 'self'"));
  EXPECT_THAT(raw, HasSubstr("X-Content-Type-Options: nosniff"));
}

TEST_F(DashboardServerTest, ReadOnlyAndNoTraversal) {
  StartServer();
  EXPECT_EQ(ht::Post(server_->port(), "/api/runs", "{}").status, 405u);
  EXPECT_THAT(Raw("/../secret.txt"), HasSubstr("400 Bad Request"));
  EXPECT_THAT(Raw("/%2e%2e/secret.txt"), HasSubstr("400 Bad Request"));
  EXPECT_EQ(ht::Get(server_->port(), "/nope.js").status, 404u);
  auto bad = ht::Get(server_->port(), "/api/points?colour=red");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_THAT(bad.body, HasSubstr("'colour'"));
}

TEST_F(DashboardServerTest, CachedBodiesFollowTheStoresChanges) {
  StartServer();
  const std::string first = Raw("/api/runs");
  const size_t at = first.find("ETag: ");
  ASSERT_NE(at, std::string::npos);
  const std::string etag =
      first.substr(at + 6, first.find("\r\n", at) - at - 6);
  EXPECT_THAT(Raw("/api/runs", "If-None-Match: " + etag + "\r\n"),
              HasSubstr("304 Not Modified"));
  // A new run written by someone else shows up on the next request.
  auto writer = store::OpenResultsStore(db_);
  ASSERT_TRUE(writer.ok());
  SyntheticOptions o;
  o.configs = 1;
  o.concurrencies = 1;
  ASSERT_TRUE(FillSyntheticStore(**writer, o).ok());
  auto runs = ht::Get(server_->port(), "/api/runs");
  EXPECT_THAT(runs.body, HasSubstr("\"num_points\":1"));
  EXPECT_THAT(Raw("/api/runs", "If-None-Match: " + etag + "\r\n"),
              HasSubstr("200 OK"));
}

TEST_F(DashboardServerTest, AuthTokenGuardsTheApi) {
  StartServer("s3cret-token");
  EXPECT_THAT(Raw("/api/runs"), HasSubstr("401 Unauthorized"));
  EXPECT_THAT(Raw("/api/runs", "Authorization: Bearer wrong-token!\r\n"),
              HasSubstr("401 Unauthorized"));
  const std::string ok =
      Raw("/api/runs", "Authorization: Bearer s3cret-token\r\n");
  EXPECT_THAT(ok, HasSubstr("200 OK"));
  EXPECT_THAT(ok, ::testing::Not(HasSubstr("s3cret-token")));
  // The app itself loads without the token (it asks for one).
  EXPECT_EQ(ht::Get(server_->port(), "/").status, 200u);
}

TEST(IsLoopbackHostTest, KnowsLoopback) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.1.2.3"));
}

}  // namespace
}  // namespace infx::web
