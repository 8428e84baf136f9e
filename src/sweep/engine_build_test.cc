// Engine version of a target that has no /version: a fake llama.cpp server
// (GET /props with "build_info", behind an API key as `--api-key` makes
// it), and the build named in stream chunks' system_fingerprint.
#include "sweep/engine_build.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "http/server.h"
#include "sweep/matrix.h"
#include "sweep/target.h"

namespace infx::sweep {
namespace {

namespace asio = boost::asio;

constexpr const char* kKey = "sk-llama-test-key";

// llama-server --api-key sk-llama-test-key: every endpoint but /health
// answers 401 without the key; no /version.
std::unique_ptr<http::HttpServer> FakeLlamaCpp() {
  http::Handler handler = [](http::Exchange& ex) -> asio::awaitable<void> {
    const std::string target(ex.request().target());
    const std::string auth(ex.request()["Authorization"]);
    if (auth != std::string("Bearer ") + kKey) {
      co_await ex.Respond(
          401, "application/json",
          R"({"error":{"code":401,"message":"Invalid API Key"}})");
    } else if (target == "/props") {
      co_await ex.Respond(200, "application/json",
                          R"({"build_info":"b6110-1e6f6554","total_slots":1})");
    } else if (target == "/v1/models") {
      co_await ex.Respond(200, "application/json",
                          R"({"object":"list","data":[{"id":"qwen-0.5b"}]})");
    } else {
      co_await ex.Respond(404, "application/json", R"({"error":"not found"})");
    }
  };
  auto server = http::HttpServer::Start(http::ServerOptions{}, handler);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

TEST(EngineBuildTest, LlamaCppBuildComesFromPropsWithTheKey) {
  auto server = FakeLlamaCpp();
  EngineBuild without = ProbeEngineBuild("127.0.0.1", server->port(), "", 5);
  EXPECT_FALSE(without.known());
  EXPECT_EQ(without.version, "unknown");
  EngineBuild with = ProbeEngineBuild("127.0.0.1", server->port(),
                                      std::string("Bearer ") + kKey, 5);
  EXPECT_EQ(with.version, "llama.cpp b6110-1e6f6554");
  EXPECT_EQ(with.source, "/props build_info");
}

TEST(EngineBuildTest, UrlTargetProbesWithTheApiKey) {
  auto server = FakeLlamaCpp();
  ::setenv("OPENAI_API_KEY", kKey, 1);
  TargetSpec spec;
  spec.kind = TargetKind::kUrl;
  spec.url = "http://127.0.0.1:" + std::to_string(server->port());
  auto target = MakeTarget(spec, 0, nullptr);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  ServingConfig config;
  config.model = "qwen";
  auto ep = (*target)->Start(config, 0);
  ::unsetenv("OPENAI_API_KEY");
  ASSERT_TRUE(ep.ok()) << ep.status().ToString();
  EXPECT_EQ(ep->served_model, "qwen-0.5b");  // /v1/models answered
  EXPECT_EQ(ep->engine_version, "llama.cpp b6110-1e6f6554");
  EXPECT_EQ(ep->engine_version_source, "/props build_info");
}

TEST(EngineBuildTest, UrlTargetRefusesAKeyWithCrLf) {
  auto server = FakeLlamaCpp();
  ::setenv("OPENAI_API_KEY", "sk-x\r\nX-Evil: 1", 1);
  TargetSpec spec;
  spec.kind = TargetKind::kUrl;
  spec.url = "http://127.0.0.1:" + std::to_string(server->port());
  auto target = MakeTarget(spec, 0, nullptr);
  ASSERT_TRUE(target.ok());
  auto ep = (*target)->Start(ServingConfig{}, 0);
  ::unsetenv("OPENAI_API_KEY");
  ASSERT_FALSE(ep.ok());
  EXPECT_EQ(ep.status().code(), ErrorCode::kInvalidArgument);
}

TEST(EngineBuildTest, StreamFingerprintNamesTheBuild) {
  std::vector<metrics::RequestRecord> records(3);
  EXPECT_FALSE(BuildFromRecords(records).known());
  records[1].system_fingerprint = "b6110-1e6f6554";
  EngineBuild b = BuildFromRecords(records);
  EXPECT_EQ(b.version, "b6110-1e6f6554");
  EXPECT_EQ(b.source, "stream system_fingerprint");
}

}  // namespace
}  // namespace infx::sweep
