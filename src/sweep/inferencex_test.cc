#include "sweep/inferencex.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "common/files.h"

namespace infx::sweep {
namespace {

// (config key, isl, osl, concurrency) of every imported point, in order.
using PointTuple = std::tuple<std::string, int64_t, int64_t, int>;

std::vector<PointTuple> Tuples(const Matrix& m) {
  std::vector<PointTuple> out;
  for (const Point& p : ExpandPoints(m)) {
    const Workload& w = m.workloads[p.workload_index];
    out.emplace_back(m.configs[p.config_index].Key(), w.isl, w.osl,
                     p.concurrency);
  }
  return out;
}

std::string MasterPath() {
  return (SharedDataDir(INFX_SOURCE_DIR) / "inferencex" / "nvidia-master.yaml")
      .string();
}

Result<InferenceXImport> ImportNamed(const std::string& names) {
  auto filters = ParseInferenceXFilters({"name=" + names});
  if (!filters.ok()) return filters.status();
  return ImportInferenceXFile(MasterPath(), *filters);
}

TEST(InferenceXTest, SingleNodeConcRange) {
  auto im = ImportNamed("dsr1-fp8-h200-sglang");
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  EXPECT_EQ(im->entries_matched, 1);
  const std::string key =
      "dsr1-fp8-h200-sglang:deepseek-r1/h200/sglang/fp8/tp8";
  std::vector<PointTuple> expected;
  for (int c : {4, 8, 16, 32, 64}) expected.emplace_back(key, 8192, 1024, c);
  EXPECT_EQ(Tuples(im->matrix), expected);
  EXPECT_EQ(ExpandPoints(im->matrix)[2].num_prompts, 160);  // conc x 10
  EXPECT_DOUBLE_EQ(im->matrix.workloads[0].range_ratio, 0.8);
}

TEST(InferenceXTest, TwoSearchSpaceEntriesWithEpAndDpAttention) {
  auto im = ImportNamed("dsr1-fp8-h200-trt");
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  const std::string tep =
      "dsr1-fp8-h200-trt:deepseek-r1/h200/trtllm/fp8/tp8-ep8";
  const std::string dep =
      "dsr1-fp8-h200-trt:deepseek-r1/h200/trtllm/fp8/tp8-ep8-dpa";
  std::vector<PointTuple> expected = {{tep, 8192, 1024, 4},
                                      {tep, 8192, 1024, 8},
                                      {tep, 8192, 1024, 16},
                                      {tep, 8192, 1024, 32},
                                      {dep, 8192, 1024, 64}};
  EXPECT_EQ(Tuples(im->matrix), expected);
  ASSERT_EQ(im->matrix.configs.size(), 2u);
  EXPECT_EQ(im->matrix.configs[1].gpus(), 8);
}

TEST(InferenceXTest, MultinodeDisaggregatedConcListsAndUnhonoured) {
  auto im = ImportNamed("dsr1-fp8-h100-dynamo-sglang");
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  const Matrix& m = im->matrix;
  ASSERT_EQ(m.configs.size(), 2u);
  EXPECT_TRUE(m.configs[0].disaggregated());
  EXPECT_EQ(m.configs[0].gpus(), 32);
  EXPECT_EQ(m.configs[0].hardware, "h100");
  EXPECT_EQ(m.configs[0].engine, "sglang");
  EXPECT_EQ(m.configs[1].ParallelismLabel(), "p1x16-d1x16ep16dpa");
  auto tuples = Tuples(m);
  ASSERT_EQ(tuples.size(), 8u + 7u);
  EXPECT_EQ(std::get<3>(tuples[7]), 128);
  EXPECT_EQ(std::get<3>(tuples[14]), 64);
  EXPECT_NE(std::get<0>(tuples[0]).find("/spec-mtp"), std::string::npos);
  // Every field infx cannot act on is listed.
  std::string all;
  for (const auto& line : m.unhonoured) all += line + "\n";
  for (const char* field :
       {"image:", "router:", "kv-p2p-transfer:", "spec-decoding:",
        "worker additional-settings:", "disagg:"}) {
    EXPECT_NE(all.find(field), std::string::npos) << field << "\n" << all;
  }
}

TEST(InferenceXTest, FiltersCombine) {
  auto filters = ParseInferenceXFilters(
      {"model-prefix=dsr1,runner=h200", "framework=sglang|trt,max-conc=16"});
  ASSERT_TRUE(filters.ok()) << filters.status().ToString();
  auto im = ImportInferenceXFile(MasterPath(), *filters);
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  std::set<std::string> entries;
  for (const auto& c : im->matrix.configs) {
    entries.insert(c.metadata.at("inferencex-entry"));
    EXPECT_EQ(c.hardware, "h200");
  }
  EXPECT_TRUE(entries.count("dsr1-fp8-h200-sglang"));
  EXPECT_TRUE(entries.count("dsr1-fp8-h200-trt"));
  for (const Point& p : ExpandPoints(im->matrix)) {
    EXPECT_LE(p.concurrency, 16);
  }
}

TEST(InferenceXTest, OvershootKeepsEndAndAgenticIsListed) {
  auto root = YAML::Load(R"(
x-fp8-h200-vllm:
  image: img
  model: org/X
  model-prefix: x
  runner: cluster:h200-dgxc
  precision: fp8
  framework: vllm
  multinode: false
  scenarios:
    fixed-seq-len:
    - isl: 1024
      osl: 1024
      search-space:
      - { tp: 2, conc-start: 4, conc-end: 48 }
      - { tp: 2, conc-list: [48, 100] }
    agentic-coding:
    - trace-source: t
      search-space: [{tp: 2, conc-start: 1, conc-end: 2}]
)");
  auto im = ImportInferenceX(root, "x.yaml", {});
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  std::vector<int> concs;
  for (const Point& p : ExpandPoints(im->matrix))
    concs.push_back(p.concurrency);
  EXPECT_EQ(concs, (std::vector<int>{4, 8, 16, 32, 48, 100}));  // 48 once
  std::string all;
  for (const auto& line : im->matrix.unhonoured) all += line + "\n";
  EXPECT_NE(all.find("scenarios.agentic-coding"), std::string::npos) << all;
  EXPECT_NE(all.find("duplicate point"), std::string::npos) << all;
  EXPECT_EQ(im->matrix.configs[0].model, "org/X");
  EXPECT_EQ(im->matrix.configs[0].hardware, "h200");
}

TEST(InferenceXTest, WholeMasterImports) {
  auto im = ImportInferenceXFile(MasterPath(), {});
  ASSERT_TRUE(im.ok()) << im.status().ToString();
  EXPECT_GT(im->entries_matched, 100);
  EXPECT_GT(ExpandPoints(im->matrix).size(), 500u);
  std::set<std::string> keys;
  for (const auto& c : im->matrix.configs) keys.insert(c.Key());
  EXPECT_EQ(keys.size(), im->matrix.configs.size());  // keys are unique
}

TEST(InferenceXTest, BadFilterAndNoMatch) {
  EXPECT_FALSE(ParseInferenceXFilters({"colour=red"}).ok());
  EXPECT_FALSE(ParseInferenceXFilters({"framework"}).ok());
  EXPECT_FALSE(ParseInferenceXFilters({"max-conc=abc"}).ok());
  auto im = ImportNamed("no-such-entry*");
  ASSERT_FALSE(im.ok());
  EXPECT_NE(im.status().message().find("no fixed-seq-len points"),
            std::string::npos);
}

TEST(InferenceXTest, Mappings) {
  EXPECT_EQ(HardwareForRunner("cluster:gb300-nv"), "gb300");
  EXPECT_EQ(HardwareForRunner("b200-multinode"), "b200");
  EXPECT_EQ(HardwareForRunner("h200"), "h200");
  EXPECT_EQ(EngineForFramework("dynamo-trt"), "trtllm");
  EXPECT_EQ(EngineForFramework("llmd-vllm"), "vllm");
  EXPECT_EQ(ModelForEntry("dsr1", "deepseek-ai/DeepSeek-R1-0528"),
            "deepseek-r1");
  EXPECT_EQ(ModelForEntry("qwen3.5", "Qwen/Qwen3.5"), "Qwen/Qwen3.5");
}

}  // namespace
}  // namespace infx::sweep
