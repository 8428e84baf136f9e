// Matrix fields of living benchmarks (issue 14): canary configs, the
// emulator's engine-version label, the launch recipe's image, and the
// config details that series keys derive from.
#include <gtest/gtest.h>

#include "living/series_key.h"
#include "sweep/matrix.h"
#include "sweep/runner.h"

namespace infx::sweep {
namespace {

Result<Matrix> Parse(const std::string& text) {
  return ParseMatrix(YAML::Load(text), "m.yaml");
}

// Prefix caching is off in sweeps unless asked for: points of a config
// re-send the same seeded prompts.
TEST(MatrixLivingTest, EmulatorPrefixCachingIsOffUnlessAskedFor) {
  const std::string body =
      "configs: [{model: llama-3.1-8b}]\nworkloads: [{isl: 8, osl: 4}]\n";
  auto off = Parse("target: {type: emulator}\n" + body);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->target.emulator.prefix_caching);
  auto on = Parse(
      "target: {type: emulator, emulator: {prefix_caching: true}}\n" + body);
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->target.emulator.prefix_caching);
  EXPECT_FALSE(Parse("target: {type: emulator, emulator: {prefix_caching: "
                     "maybe}}\n" +
                     body)
                   .ok());
}

TEST(MatrixLivingTest, CanaryVersionAndImage) {
  auto m = Parse(R"(
name: nightly
target:
  type: emulator
  emulator: {time_scale: 0.5, noise: 0.02, version: "vllm 0.9.2"}
configs:
  - {model: llama-3.1-8b, tp: [1, 2]}
  - {model: llama-3.1-8b, tp: 4, canary: true}
workloads: [{isl: 128, osl: 64}]
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->target.emulator.version, "vllm 0.9.2");
  EXPECT_DOUBLE_EQ(m->target.emulator.noise, 0.02);
  ASSERT_EQ(m->configs.size(), 3u);
  EXPECT_FALSE(m->configs[0].canary);
  EXPECT_FALSE(m->configs[1].canary);
  EXPECT_TRUE(m->configs[2].canary);
  EXPECT_EQ(ConfigDetails(*m, 2).value("canary", false), true);
  EXPECT_FALSE(ConfigDetails(*m, 0).contains("canary"));
  auto launch = Parse(R"(
target:
  type: launch
  launch: {command: "docker run {image} --tp {tp} --port {port}", image: "vllm/vllm-openai@sha256:ab"}
configs: [{model: llama-3.1-8b}]
workloads: [{isl: 128, osl: 64}]
)");
  ASSERT_TRUE(launch.ok()) << launch.status().ToString();
  EXPECT_EQ(launch->target.launch.image, "vllm/vllm-openai@sha256:ab");
  auto d = ConfigDetails(*launch, 0);
  EXPECT_EQ(d.value("image", ""), "vllm/vllm-openai@sha256:ab");
  EXPECT_EQ(d.value("image_digest", ""), "sha256:ab");
  EXPECT_EQ(d.value("engine_flags", ""),
            "docker run {image} --tp {tp} --port {port}");
  EXPECT_FALSE(Parse("configs: [{model: x, canary: maybe}]\n"
                     "workloads: [{isl: 1, osl: 1}]\n")
                   .ok());
  EXPECT_FALSE(Parse("target: {emulator: {versions: x}}\n"
                     "configs: [{model: x}]\nworkloads: [{isl: 1, osl: 1}]\n")
                   .ok());
}

TEST(MatrixLivingTest, SeriesKeysIgnoreVersionAndTimeScaleButNotFlags) {
  const std::string body =
      "configs: [{model: llama-3.1-8b, tp: 2}]\n"
      "workloads: [{isl: 128, osl: 64}]\n";
  auto a = Parse("target: {emulator: {version: a, time_scale: 1}}\n" + body);
  auto b = Parse("target: {emulator: {version: b, time_scale: 2}}\n" + body);
  auto c = Parse("target: {emulator: {max_num_seqs: 64}}\n" + body);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto key = [](const Matrix& m) {
    store::ConfigRecord config;
    config.config_key = m.configs[0].Key();
    config.details = ConfigDetails(m, 0);
    return living::SeriesKeyOf(config, MakePointKey(m, {0, 0, 8, 1, 8}, 1));
  };
  EXPECT_EQ(key(*a), "llama-3.1-8b/h200/vllm/bf16/tp2/128x64/c8");
  EXPECT_EQ(key(*a), key(*b));
  EXPECT_NE(key(*a), key(*c));
  EXPECT_NE(key(*c).find("/vllm@"), std::string::npos) << key(*c);
}

}  // namespace
}  // namespace infx::sweep
