// Golden-file tests of the Slurm job scripts (array, heterogeneous, pyxis,
// docker prefix) and the Kubernetes manifests. Regenerate with
// INFX_UPDATE_GOLDEN=1 after an intended change, and review the diff.
#include "executor/job_scripts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "executor/k8s_manifests.h"

namespace infx::executor {
namespace {

std::string GoldenPath(const std::string& name) {
  return std::string(INFX_SOURCE_DIR) + "/src/executor/testdata/" + name;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (const char* u = std::getenv("INFX_UPDATE_GOLDEN"); u && *u == '1') {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path
                  << " (run with INFX_UPDATE_GOLDEN=1)";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), actual) << "golden file " << path << " differs";
}

constexpr const char* kMatrix = R"(name: golden
seed: 1
executor:
  type: slurm
  partition: gpu
  account: perf
  qos: high
  time: "02:00:00"
  gres: auto
  gpus_per_node: 8
  exclusive: true
  max_parallel: 2
  extra_sbatch: ["--mail-type=FAIL", "#SBATCH --comment=infx"]
  env: {HF_HOME: /shared/hf, VLLM_LOGGING: "debug mode"}
configs:
  - {model: llama-3.1-8b, hardware: h200, tp: [1, 8]}
  - {model: llama-3.1-70b, hardware: h200, tp: 8, pp: 2}
  - model: deepseek-r1
    hardware: gb200
    engine: sglang
    precision: fp8
    disaggregated:
      - prefill: {num_workers: 2, tp: 4, ep: 4}
        decode: {num_workers: 2, tp: 8, ep: 8, dp_attention: true}
workloads: [{isl: 1024, osl: 1024}]
concurrency: [4, 8]
)";

struct Fixture {
  sweep::Matrix matrix;
  JobContext ctx;
};

Fixture Load() {
  Fixture f;
  auto m = sweep::ParseMatrix(YAML::Load(kMatrix), "golden.yaml");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  f.matrix = *m;
  auto s = ParseExecutorSettings(f.matrix.executor, "golden.yaml");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  f.ctx.settings = *s;
  f.ctx.run_dir = "/shared/infx-runs/run7";
  f.ctx.run_id = 7;
  f.ctx.infx = "/opt/infx/bin/infx";
  return f;
}

std::string Concat(const std::vector<JobScript>& scripts) {
  std::string out;
  for (const auto& s : scripts) out += "==> " + s.file_name + " <==\n" + s.text;
  return out;
}

TEST(JobScriptsTest, ArraysByShapeAndHeterogeneousJobMatchGolden) {
  Fixture f = Load();
  auto scripts = RenderSlurmScripts(f.matrix, {0, 1, 2, 3}, f.ctx);
  // tp1 and tp8 differ in gres (auto); tp8-pp2 needs 2 nodes; the
  // disaggregated config (8 + 8 GPUs) is a heterogeneous job.
  ASSERT_EQ(scripts.size(), 4u);
  EXPECT_EQ(scripts[3].file_name, "het-config-3.sbatch");
  EXPECT_NE(scripts[3].text.find("#SBATCH hetjob"), std::string::npos);
  EXPECT_NE(scripts[3].text.find("srun --het-group=0"), std::string::npos);
  ExpectGolden("slurm_array_het.golden", Concat(scripts));
}

TEST(JobScriptsTest, PyxisContainerMatchesGolden) {
  Fixture f = Load();
  f.ctx.settings.container = {ContainerRuntime::kPyxis,
                              "nvcr.io#nvidia/vllm:25.09",
                              "/shared:/shared,/models:/models", ""};
  f.ctx.store_url = "postgresql://infx@db.example:5432/infx";
  ExpectGolden("slurm_pyxis.golden",
               Concat(RenderSlurmScripts(f.matrix, {0, 3}, f.ctx)));
}

TEST(JobScriptsTest, DockerPrefixMatchesGolden) {
  Fixture f = Load();
  f.ctx.settings.container = {
      ContainerRuntime::kPrefix, "", "",
      "docker run --rm --gpus all --network host -v /shared:/shared "
      "infx:latest"};
  f.ctx.settings.gres = "";
  f.ctx.settings.max_parallel = 0;
  ExpectGolden("slurm_docker.golden",
               Concat(RenderSlurmScripts(f.matrix, {0, 1}, f.ctx)));
}

TEST(JobScriptsTest, KubernetesManifestsMatchGolden) {
  Fixture f = Load();
  f.ctx.settings.kubernetes.ns = "bench";
  f.ctx.settings.kubernetes.image = "ghcr.io/example/infx:0.1";
  f.ctx.settings.kubernetes.volume_claim = "infx-runs";
  f.ctx.store_url = "postgresql://infx@db.example:5432/infx";
  auto manifests =
      RenderKubernetes(f.matrix, "name: golden\nseed: 1\n", {0, 3}, f.ctx);
  ASSERT_EQ(manifests.size(), 3u);
  std::string all;
  for (const auto& m : manifests)
    all += "---\n# " + m.file_name + "\n" + m.text;
  ExpectGolden("k8s_manifests.golden", all);
}

// `infx sweep --hardware-file` reaches the jobs: Slurm jobs read the run
// directory's copy, Kubernetes jobs the ConfigMap's.
TEST(JobScriptsTest, HardwareFileReachesTheJobs) {
  Fixture f = Load();
  f.ctx.hardware_yaml = "hardware:\n  - name: h200\n    usd_per_gpu_hour: 3\n";
  const std::string slurm = Concat(RenderSlurmScripts(f.matrix, {0}, f.ctx));
  EXPECT_NE(slurm.find("--hardware-file /shared/infx-runs/run7/hardware.yaml"),
            std::string::npos)
      << slurm;
  f.ctx.settings.kubernetes.image = "ghcr.io/example/infx:0.1";
  auto manifests = RenderKubernetes(f.matrix, "name: golden\n", {0}, f.ctx);
  ASSERT_EQ(manifests.size(), 2u);
  EXPECT_NE(manifests[0].text.find("  hardware.yaml: |\n    hardware:\n"
                                   "      - name: h200\n"),
            std::string::npos)
      << manifests[0].text;
  EXPECT_NE(manifests[1].text.find("- \"/etc/infx/hardware.yaml\""),
            std::string::npos)
      << manifests[1].text;
  // Without a hardware file nothing changes (the goldens above).
  f.ctx.hardware_yaml.clear();
  EXPECT_EQ(
      Concat(RenderSlurmScripts(f.matrix, {0}, f.ctx)).find("--hardware-file"),
      std::string::npos);
}

TEST(JobScriptsTest, ShellQuoteQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(ShellQuote("/a/b-c_d.yaml"), "/a/b-c_d.yaml");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ExecutorSettingsTest, TooManyGpusPerNodeNamesTheConfig) {
  Fixture f = Load();
  f.ctx.settings.gpus_per_node = 4;
  Status s = ValidateForCluster(f.matrix, f.ctx.settings);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("llama-3.1-8b/h200/vllm/bf16/tp8"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("gpus_per_node 4"), std::string::npos);
}

TEST(ExecutorSettingsTest, GresAboveGpusPerNodeIsAnError) {
  ExecutorSettings s;
  s.gpus_per_node = 4;
  s.gres = "gpu:8";
  sweep::Matrix m;
  EXPECT_FALSE(ValidateForCluster(m, s).ok());
}

TEST(ExecutorSettingsTest, UnknownKeysAndRuntimesAreErrorsNamingThem) {
  auto bad =
      ParseExecutorSettings(YAML::Load("{type: slurm, partion: x}"), "m.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("partion"), std::string::npos);
  auto rt = ParseExecutorSettings(
      YAML::Load("{type: slurm, container: {runtime: podman}}"), "m.yaml");
  ASSERT_FALSE(rt.ok());
  EXPECT_NE(rt.status().message().find("podman"), std::string::npos);
  auto kind = ParseExecutorSettings(YAML::Load("slurm"), "m.yaml");
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(kind->kind, ExecutorKind::kSlurm);
  EXPECT_FALSE(ParseExecutorName("pbs").ok());
}

TEST(ExecutorSettingsTest, NodesForRoundsUp) {
  EXPECT_EQ(NodesFor(8, 8), 1);
  EXPECT_EQ(NodesFor(9, 8), 2);
  EXPECT_EQ(NodesFor(72, 4), 18);
  EXPECT_EQ(NodesFor(16, 0), 1);
}

}  // namespace
}  // namespace infx::executor
