// Tests of up-front matrix validation, model key names and the emulator's
// engine calibration (issue 12 defects 5, 11, 12).
#include "sweep/validate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sweep/model_name.h"
#include "sweep/target.h"

namespace infx::sweep {
namespace {

std::string Scratch(const std::string& name) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "test-scratch" /
             ("validate-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

Result<Matrix> Parse(const std::string& text) {
  return ParseMatrix(YAML::Load(text), "m.yaml");
}

// Defect 5: every config is checked before the first launch, and every
// problem is reported at once, naming its config.
TEST(ValidateMatrixTest, ReportsEveryBadConfigBeforeAnythingRuns) {
  auto m = Parse(R"(
target:
  type: launch
  launch: {commands: {vllm: "serve {model} --tp {tp}", sglang: "serve {modle}"}}
configs:
  - {model: llama-3.1-8b, hardware: h200, engine: vllm}
  - {model: llama-3.1-8b, hardware: h2000, engine: vllm}
  - {model: llama-3.1-8b, hardware: h200, engine: sglang}
  - {model: llama-3.1-8b, hardware: h200, engine: trtllm, precision: fp9}
workloads: [{isl: 8, osl: 8}]
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Status s = ValidateMatrix(*m);
  ASSERT_FALSE(s.ok());
  const std::string& msg = s.message();
  EXPECT_NE(msg.find("config llama-3.1-8b/h2000/vllm/bf16/tp1: hardware"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("{modle}"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no command for engine 'trtllm'"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("precision"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("llama-3.1-8b/h200/vllm/bf16/tp1:"), std::string::npos)
      << "the good config is not listed: " << msg;
}

// Trace workloads: a missing file, and a trace sharing a random workload's
// lengths (the store keys points by isl/osl), are named before anything runs.
TEST(ValidateMatrixTest, TraceWorkloadsNeedTheirFileAndDistinctLengths) {
  const std::string dir = Scratch("trace");
  const std::string trace = dir + "/t.jsonl";
  std::ofstream(trace) << R"({"timestamp": 0, "input_length": 8, )"
                       << R"("output_length": 2, "hash_ids": [0]})"
                       << "\n";
  auto m = Parse(R"(
configs: [{model: llama-3.1-8b, hardware: h200}]
workloads:
  - {isl: 8, osl: 8}
  - {isl: 8, osl: 8, dataset: mooncake, dataset_path: )" +
                 trace + R"(}
  - {isl: 9, osl: 8, dataset: weka, dataset_path: )" +
                 dir + R"(/missing.json}
)");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  Status s = ValidateMatrix(*m);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("workloads[0] and workloads[1] both have isl/osl "
                             "8/8"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("missing.json': no such file"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("t.jsonl"), std::string::npos) << s.message();
  m->workloads.resize(2);
  m->workloads[1].isl = 16;
  EXPECT_TRUE(ValidateMatrix(*m).ok()) << ValidateMatrix(*m).message();
}

TEST(ValidateMatrixTest, EmulatorNeedsKnownModelsAndEngines) {
  auto m = Parse(R"(
configs:
  - {model: no-such-model}
  - {model: llama-3.1-8b, engine: llama.cpp}
workloads: [{isl: 8, osl: 8}]
)");
  ASSERT_TRUE(m.ok());
  Status s = ValidateMatrix(*m);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("config no-such-model/h200/vllm/bf16/tp1: model"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("engine 'llama.cpp'"), std::string::npos);
  auto url = Parse(
      "target: {type: url, url: 'ftp://x'}\nconfigs: [{model: "
      "some/hf-id}]\nworkloads: [{isl: 8, osl: 8}]\n");
  ASSERT_TRUE(url.ok());
  Status u = ValidateMatrix(*url);
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.message().find("target url"), std::string::npos) << u.message();
  EXPECT_EQ(u.message().find("model"), std::string::npos)
      << "an unknown HF id is fine for a url target: " << u.message();
}

TEST(ValidateMatrixTest, NegativePointTimeoutNamesTheField) {
  auto m = Parse(
      "point_timeout_s: -5\nconfigs: [{model: llama-3.1-8b}]\nworkloads: "
      "[{isl: 8, osl: 8}]\n");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("point_timeout_s"), std::string::npos)
      << m.status().message();
  EXPECT_EQ(m.status().message().find("--duration"), std::string::npos);
  auto startup = Parse(
      "target: {type: launch, launch: {command: x, startup_timeout_s: 0}}\n"
      "configs: [{model: llama-3.1-8b}]\nworkloads: [{isl: 8, osl: 8}]\n");
  ASSERT_FALSE(startup.ok());
  EXPECT_NE(startup.status().message().find("'startup_timeout_s'"),
            std::string::npos)
      << startup.status().message();
}

// Defect 12: unknown hardware names are rejected unless --hardware-file
// defines them.
TEST(ValidateMatrixTest, UnknownHardwareNeedsAHardwareFile) {
  auto m = Parse(
      "configs: [{model: llama-3.1-8b, hardware: my-gpu}]\nworkloads: "
      "[{isl: 8, osl: 8}]\n");
  ASSERT_TRUE(m.ok());
  Status s = ValidateMatrix(*m);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--hardware-file"), std::string::npos)
      << s.message();
  const std::string dir = Scratch("hw");
  std::ofstream(dir + "/hw.yaml")
      << "hardware:\n  - name: my-gpu\n    based_on: h200\n";
  m->hardware_file = dir + "/hw.yaml";
  EXPECT_TRUE(ValidateMatrix(*m).ok()) << ValidateMatrix(*m).ToString();
}

// Defect 12: a model path makes a readable, stable key; the path stays in
// `model`.
TEST(ModelKeyNameTest, PathsAreNamedByTheModel) {
  const std::string dir = Scratch("names");
  std::filesystem::create_directories(dir + "/models/tiny-hf");
  std::filesystem::create_directories(dir + "/models/other");
  std::ofstream(dir + "/models/tiny-hf/config.json") << "{}";
  std::ofstream(dir + "/models/other/config.json")
      << R"({"_name_or_path": "org/Tiny-Model"})";
  const std::string a = dir + "/models/tiny-hf/config.json";
  const std::string b = dir + "/models/other";
  EXPECT_EQ(ModelKeyName(a).rfind("tiny-hf@", 0), 0u) << ModelKeyName(a);
  EXPECT_EQ(ModelKeyName(b).rfind("Tiny-Model@", 0), 0u) << ModelKeyName(b);
  EXPECT_EQ(ModelKeyName(a), ModelKeyName(a));  // stable
  EXPECT_EQ(ModelKeyName(a).size(), std::string("tiny-hf@").size() + 6);
  EXPECT_EQ(ModelKeyName(a).find('/'), std::string::npos);
  EXPECT_EQ(ModelKeyName("llama-3.1-8b"), "llama-3.1-8b");
  auto m =
      Parse("configs: [{model: '" + a + "'}]\nworkloads: [{isl: 8, osl: 8}]\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->configs[0].model, a);
  EXPECT_EQ(m->configs[0].Key(), ModelKeyName(a) + "/h200/vllm/bf16/tp1");
}

// Defect 11: the emulator target is timed with the config's engine
// calibration and records it.
TEST(EmulatorTargetTest, UsesTheConfigsEngineCalibration) {
  TargetSpec spec;
  spec.emulator.time_scale = 0;
  auto target = MakeTarget(spec, 1, nullptr);
  ASSERT_TRUE(target.ok());
  ServingConfig c;
  c.model = "llama-3.1-8b";
  for (const std::string engine : {"sglang", "trtllm", "vllm"}) {
    c.engine = engine;
    auto ep = (*target)->Start(c, 0);
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    EXPECT_EQ(ep->emulated_engine, engine);
    // The engine version is what the emulator reports on GET /version
    // (target.emulator.version); the calibration is recorded beside it.
    EXPECT_EQ(ep->engine_version, "infx-emulator");
    (*target)->Stop();
  }
  c.engine = "llama.cpp";
  auto bad = (*target)->Start(c, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--engine"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace infx::sweep
