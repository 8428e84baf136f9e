// `infx serve`'s dashboard over a PostgreSQL store: the API answers from
// it and follows its changes (store/change_watcher.h on PostgreSQL). Needs
// INFX_TEST_PG_URL (scripts/start-services.sh); skips without it, or fails
// when CI=true. Works in its own schema, dropped afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "http/test_client.h"
#include "store/change_watcher.h"
#include "store/results_store.h"
#include "store/sql_connection.h"
#include "web/dashboard_server.h"
#include "web/synthetic_store.h"

namespace infx {
namespace {

TEST(ServePgTest, ServesAndFollowsAPostgresStore) {
  const char* base = std::getenv("INFX_TEST_PG_URL");
  if (base == nullptr || *base == '\0') {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") {
      FAIL() << "INFX_TEST_PG_URL is not set but CI=true";
    }
    GTEST_SKIP() << "INFX_TEST_PG_URL not set";
  }
  const std::string schema = "infx_serve_" + std::to_string(::getpid());
  auto admin = store::OpenPostgresConnection(base);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  ASSERT_TRUE((*admin)
                  ->ExecScript("DROP SCHEMA IF EXISTS " + schema +
                               " CASCADE; CREATE SCHEMA " + schema)
                  .ok());
  const std::string b = base;
  const std::string url = b + (b.find('?') == std::string::npos ? '?' : '&') +
                          "options=-csearch_path%3D" + schema;
  {
    auto writer = store::OpenResultsStore(url);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    web::SyntheticOptions o;
    o.configs = 2;
    o.concurrencies = 3;
    ASSERT_TRUE(web::FillSyntheticStore(**writer, o).ok());
    web::DashboardOptions d;
    d.port = 0;
    auto server = web::DashboardServer::Start(d, url);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    EXPECT_THAT((*server)->store_description(),
                ::testing::HasSubstr("postgres"));
    auto runs = http::testing::Get((*server)->port(), "/api/runs");
    ASSERT_EQ(runs.status, 200u) << runs.body;
    EXPECT_EQ(nlohmann::json::parse(runs.body)["runs"].size(), 1u);
    auto points =
        http::testing::Get((*server)->port(), "/api/points?hardware=h200");
    EXPECT_EQ(nlohmann::json::parse(points.body)["points"].size(), 6u);
    ASSERT_TRUE(web::FillSyntheticStore(**writer, o).ok());
    runs = http::testing::Get((*server)->port(), "/api/runs");
    EXPECT_EQ(nlohmann::json::parse(runs.body)["runs"].size(), 2u);
    (*server)->Stop();
  }
  (void)(*admin)->ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

}  // namespace
}  // namespace infx
