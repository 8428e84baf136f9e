#include "living/provenance.h"

#include <gtest/gtest.h>

namespace infx::living {
namespace {

TEST(ProvenanceTest, ParsesNvidiaSmi) {
  auto a =
      ParseNvidiaSmiQuery("550.54.15, NVIDIA H200\n550.54.15, NVIDIA H200\n");
  EXPECT_EQ(a.at("driver_version"), "550.54.15");
  EXPECT_EQ(a.at("gpu_name"), "NVIDIA H200");
  const std::string banner =
      "+------------------------------------------------------------------+\n"
      "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: "
      "12.4     |\n";
  EXPECT_EQ(ParseNvidiaSmiCudaVersion(banner), "12.4");
  EXPECT_EQ(ParseNvidiaSmiCudaVersion("no gpu here"), std::nullopt);
}

TEST(ProvenanceTest, ParsesAmdSmiVersion) {
  auto a = ParseAmdSmiVersion(
      "AMDSMI Tool: 24.6.3+9578815 | AMDSMI Library version: 24.6.3.0 | "
      "ROCm version: 6.2.1\n");
  EXPECT_EQ(a.at("rocm_version"), "6.2.1");
  EXPECT_EQ(a.at("amdsmi_version"), "24.6.3.0");
}

TEST(ProvenanceTest, CollectsWhatTheToolsSay) {
  std::vector<std::string> asked;
  auto fake = [&asked](const std::string& cmd) -> std::optional<std::string> {
    asked.push_back(cmd);
    if (cmd.starts_with("nvidia-smi --query")) return "535.1, NVIDIA H100\n";
    if (cmd == "nvidia-smi") return "| CUDA Version: 12.2 |";
    return std::nullopt;  // no amd-smi
  };
  auto j = CollectHostProvenance(fake);
  EXPECT_EQ(j.value("driver_version", ""), "535.1");
  EXPECT_EQ(j.value("cuda_version", ""), "12.2");
  EXPECT_EQ(j.value("gpu_name", ""), "NVIDIA H100");
  EXPECT_FALSE(j.contains("rocm_version"));
  EXPECT_EQ(asked.size(), 3u);
  auto none = CollectHostProvenance(
      [](const std::string&) -> std::optional<std::string> {
        return std::nullopt;
      });
  EXPECT_FALSE(none.contains("driver_version"));
}

TEST(ProvenanceTest, ImageDigestFromReferenceOrDocker) {
  auto never = [](const std::string&) -> std::optional<std::string> {
    ADD_FAILURE() << "docker must not be asked";
    return std::nullopt;
  };
  EXPECT_EQ(ImageDigest("vllm/vllm-openai@sha256:abcd", never), "sha256:abcd");
  EXPECT_EQ(ImageDigest("", never), "");
  EXPECT_EQ(ImageDigest("bad; rm -rf /", never), "");
  auto docker = [](const std::string& cmd) -> std::optional<std::string> {
    EXPECT_NE(cmd.find("docker image inspect"), std::string::npos);
    return "vllm/vllm-openai@sha256:1234\n";
  };
  EXPECT_EQ(ImageDigest("vllm/vllm-openai:v0.9.2", docker), "sha256:1234");
}

TEST(ProvenanceTest, ParsesLabels) {
  auto l = ParseLabels({"branch=main", "note=a=b", "empty="});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(
      *l, (store::Labels{{"branch", "main"}, {"empty", ""}, {"note", "a=b"}}));
  for (const char* bad : {"novalue", "=x"}) {
    auto r = ParseLabels({bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos);
  }
  EXPECT_FALSE(ParseLabels({"a=1", "a=2"}).ok());
}

store::RunRecord RunWithDriver(const std::string& driver) {
  store::RunRecord r;
  r.infx_version = "infx 0.1.0";
  r.git_sha = "abc";
  r.host = "node1";
  r.matrix_hash = "sha256:11";
  r.provenance = {{"driver_version", driver}};
  r.labels = {{"team", "perf"}};
  return r;
}

TEST(ProvenanceTest, AttributesOfRunAndConfig) {
  store::ConfigRecord c;
  c.engine_version = "vllm 0.9.1";
  c.details = {{"engine", "vllm"},
               {"image", "vllm/vllm-openai:v0.9.1"},
               {"image_digest", "sha256:aa"},
               {"engine_flags", "--max-num-seqs 256"}};
  auto a = ConfigAttributes(RunWithDriver("550"), c);
  EXPECT_EQ(a.at("infx_version"), "infx 0.1.0");
  EXPECT_EQ(a.at("host"), "node1");
  EXPECT_EQ(a.at("driver_version"), "550");
  EXPECT_EQ(a.at("label.team"), "perf");
  EXPECT_EQ(a.at("engine_version"), "vllm 0.9.1");
  EXPECT_EQ(a.at("image_digest"), "sha256:aa");
  EXPECT_EQ(a.at("engine_flags").rfind("sha256:", 0), 0u);
  // Old configs: the version lives in the details only.
  store::ConfigRecord old;
  old.details = {{"engine_version", "vllm 0.8"}};
  EXPECT_EQ(ConfigAttributes(RunWithDriver("550"), old).at("engine_version"),
            "vllm 0.8");
}

TEST(ProvenanceTest, DiffNamesChangedAddedAndRemovedLikeliestFirst) {
  Attributes before = {{"engine_version", "vllm 0.9.1"},
                       {"driver_version", "550"},
                       {"host", "node1"},
                       {"label.team", "perf"}};
  Attributes after = {{"engine_version", "vllm 0.9.2"},
                      {"driver_version", "550"},
                      {"host", "node2"},
                      {"image_digest", "sha256:bb"}};
  auto d = DiffAttributes(before, after);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0],
            (AttributeChange{"engine_version", "vllm 0.9.1", "vllm 0.9.2"}));
  EXPECT_EQ(d[1], (AttributeChange{"image_digest", "", "sha256:bb"}));
  EXPECT_EQ(d[2], (AttributeChange{"host", "node1", "node2"}));
  EXPECT_EQ(d[3], (AttributeChange{"label.team", "perf", ""}));
  EXPECT_EQ(FormatChange(d[0]), "engine_version: vllm 0.9.1 -> vllm 0.9.2");
  EXPECT_EQ(FormatChange(d[1]), "image_digest: (none) -> sha256:bb");
  EXPECT_TRUE(DiffAttributes(before, before).empty());
}

}  // namespace
}  // namespace infx::living
