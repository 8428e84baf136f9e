#include "report/app_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/synthetic_store.h"

namespace infx::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The structure of web/index.html that the report rewrites.
AppBundle FakeBundle() {
  AppBundle b;
  b.index_html =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>infx dashboard</title>\n"
      "<link rel=\"stylesheet\" href=\"app.css\">\n"
      "<script src=\"app.js\" defer></script>\n</head>\n<body>\n"
      "<main id=\"main\"></main>\n</body>\n</html>\n";
  b.app_js = "console.log('</script>');";
  b.app_css = "body { color: red; }";
  return b;
}

std::string Between(const std::string& s, const std::string& open,
                    const std::string& close) {
  const size_t a = s.find(open);
  if (a == std::string::npos) return "";
  const size_t b = s.find(close, a + open.size());
  return s.substr(a + open.size(), b - a - open.size());
}

class AppReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::OpenResultsStore(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    web::SyntheticOptions o;
    o.runs = 2;
    o.configs = 2;
    o.concurrencies = 3;
    o.hostile_names = true;  // keys hold "</script>" and quotes
    ASSERT_TRUE(web::FillSyntheticStore(*store_, o).ok());
  }
  std::unique_ptr<store::ResultsStore> store_;
};

TEST_F(AppReportTest, EmbedsTheRunsApiAnswersAndOnlyTheHashedScript) {
  auto html = RenderAppReport(*store_, 1, FakeBundle());
  ASSERT_TRUE(html.ok()) << html.status().message();
  // One inline script, the app (its "</script" escaped), named by the CSP.
  const std::string js = "console.log('<\\/script>');";
  EXPECT_THAT(*html, HasSubstr("<script>" + js + "</script>"));
  EXPECT_THAT(*html, HasSubstr("script-src '" + CspSha256(js) + "'"));
  EXPECT_THAT(*html, HasSubstr("<style>body { color: red; }</style>"));
  EXPECT_THAT(*html, Not(HasSubstr("src=\"app.js\"")));
  EXPECT_THAT(*html, Not(HasSubstr("href=\"app.css\"")));
  // The data block: no stored "<" survives to close it, and it parses.
  const std::string data =
      Between(*html, "<script type=\"application/json\" id=\"infx-data\">",
              "</script>");
  EXPECT_EQ(data.find('<'), std::string::npos);
  const auto j = nlohmann::json::parse(data);
  const auto& r = j["responses"];
  ASSERT_TRUE(r.contains("/api/runs"));
  ASSERT_EQ(r["/api/runs"]["runs"].size(), 1u);  // this run only
  EXPECT_EQ(r["/api/runs"]["runs"][0]["run_id"], 1);
  // The lean configs and column frontiers the views ask for.
  const auto& configs =
      r["/api/configs?fields=config_key,model,hardware,engine,precision,"
        "usd_per_gpu_hour,all_in_power_watts"]["configs"];
  EXPECT_EQ(configs[0]["config_key"], web::HostileConfigKey(0));
  EXPECT_FALSE(configs[0].contains("details"));
  const auto& f = r["/api/frontier?format=columns&x=interactivity&y=total"];
  EXPECT_EQ(f["format"], "columns");
  ASSERT_EQ(f["runs"].size(), 1u);
  EXPECT_FALSE(f["runs"][0]["scenarios"].empty());
  EXPECT_TRUE(r.contains(
      "/api/frontier?format=columns&x=ttft&y=input&include_invalid=1"));
  EXPECT_TRUE(r.contains("/api/history?metric=tput_per_gpu"));
  EXPECT_TRUE(r.contains("/api/run?run=1"));
}

TEST_F(AppReportTest, UnknownRunAndBrokenBundleAreErrors) {
  EXPECT_EQ(RenderAppReport(*store_, 9, FakeBundle()).status().code(),
            ErrorCode::kNotFound);
  AppBundle b = FakeBundle();
  b.index_html = "<html><body></body></html>";
  EXPECT_FALSE(RenderAppReport(*store_, 1, b).ok());
  EXPECT_FALSE(ReadAppBundle("/nonexistent-web-app").ok());
}

TEST(CspSha256Test, IsBase64OfTheDigest) {
  // printf 'abc' | openssl dgst -sha256 -binary | base64
  EXPECT_EQ(CspSha256("abc"),
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

}  // namespace
}  // namespace infx::report
