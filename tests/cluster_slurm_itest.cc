// `infx sweep --executor slurm` through the local single-node Slurm cluster
// (scripts/start-slurm.sh): the same points and frontier as the local
// executor with an SQLite store on the controller; the PostgreSQL store
// written by the jobs directly; a job scancelled mid-run is reported
// failed with its reason, and --resume fills in the missing points without
// repeating stored ones. Skips when Slurm is not up, fails when CI=true.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "executor/slurm_client.h"
#include "frontier/analysis.h"
#include "store/results_store.h"
#include "sweep/process.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

bool SlurmUp() {
  const char* flag = std::getenv("INFX_TEST_SLURM");
  if (flag && std::string(flag) == "1") return true;
  return executor::SlurmClient().Check().ok();
}

#define REQUIRE_SLURM()                                                     \
  do {                                                                      \
    if (!SlurmUp()) {                                                       \
      const char* ci = std::getenv("CI");                                   \
      if (ci && std::string(ci) == "true") {                                \
        FAIL() << "Slurm is not up but CI=true: scripts/start-slurm.sh "    \
                  "must start it";                                          \
      }                                                                     \
      GTEST_SKIP() << "Slurm not available (source scripts/start-slurm.sh " \
                      "as root to start a local cluster)";                  \
    }                                                                       \
  } while (0)

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Four configs (tp 1/2 x bf16/fp8), tiny points. Real model time (the
// points last ~0.1 s) keeps the configs' differences well above timing
// noise, so the frontier's configs are the same on every run.
constexpr const char* kFourConfigs = R"(name: cluster4
seed: 11
target:
  type: emulator
  emulator: {time_scale: 1}
executor: {type: slurm, poll_interval_s: 0.2}
configs:
  - {model: llama-3.1-8b, hardware: h200, precision: [bf16, fp8], tp: [1, 2]}
workloads: [{isl: 32, osl: 32}]
concurrency: [1, 4]
prompts: {per_concurrency: 2, min: 2}
)";

std::string PointText(const store::PointKey& k) {
  return k.config_key + "|" + std::to_string(k.isl) + "|" +
         std::to_string(k.osl) + "|" + std::to_string(k.concurrency) + "|" +
         std::to_string(k.repetition);
}

struct StoredRun {
  std::vector<store::PointRecord> points;
  std::set<std::string> keys;
  // Configs on the frontier (which of a config's near-equal concurrencies
  // lands on it is timing noise, so it is not compared).
  std::set<std::string> frontier;
};

StoredRun Load(const std::string& location) {
  StoredRun out;
  auto store = store::OpenResultsStore(location);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return out;
  auto run = (*store)->LatestRun();
  EXPECT_TRUE(run.ok());
  if (!run.ok()) return out;
  auto points = (*store)->ListPoints(run->run_id);
  EXPECT_TRUE(points.ok());
  if (points.ok()) out.points = *points;
  for (const auto& p : out.points) out.keys.insert(PointText(p.key));
  // Every point counts: run validity (read lag on a busy host) is judged
  // per run and is not what this comparison of executors is about.
  frontier::AnalysisOptions options;
  options.include_invalid = true;
  auto analysis = frontier::AnalyzeRun(**store, run->run_id, options, {});
  EXPECT_TRUE(analysis.ok()) << analysis.status().ToString();
  if (analysis.ok()) {
    for (const auto& sc : analysis->scenarios) {
      for (const auto& cp : sc.frontier) {
        out.frontier.insert(cp.config_key);
      }
    }
  }
  return out;
}

int Lines(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
  return n;
}

TEST(ClusterSlurmTest, FourConfigSweepMatchesTheLocalExecutor) {
  REQUIRE_SLURM();
  const std::string dir = ScratchDir("cluster-slurm-4");
  const std::string matrix = dir + "/four.yaml";
  WriteText(matrix, kFourConfigs);
  auto local = RunInfx({"sweep", matrix, "--executor", "local", "--db",
                        dir + "/local.db", "--report", dir + "/local.html"});
  ASSERT_EQ(local.exit_code, 0) << local.stderr_text;
  auto slurm = RunInfx({"sweep", matrix, "--db", dir + "/slurm.db", "--run-dir",
                        dir + "/runs", "--report", dir + "/slurm.html"});
  ASSERT_EQ(slurm.exit_code, 0) << slurm.stderr_text;
  EXPECT_NE(slurm.stderr_text.find("submitted"), std::string::npos);
  EXPECT_NE(
      slurm.stderr_text.find("4 done, 0 failed; 8 points stored (of 8 to run)"),
      std::string::npos)
      << slurm.stderr_text;
  StoredRun a = Load(dir + "/local.db"), b = Load(dir + "/slurm.db");
  EXPECT_EQ(a.points.size(), 8u);
  EXPECT_EQ(a.keys, b.keys);
  EXPECT_EQ(b.points.size(), b.keys.size());  // no duplicates
  for (const auto& p : b.points) EXPECT_GT(p.metrics.completed, 0);
  EXPECT_FALSE(b.frontier.empty());
  EXPECT_EQ(a.frontier, b.frontier);
  // Every config's result file and log are in the run directory.
  for (int k = 0; k < 4; ++k) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/runs/run1/results/config-" +
                                        std::to_string(k) + ".jsonl"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/runs/run1/logs/config-" +
                                        std::to_string(k) + ".log"));
  }
  // Nothing is missing: --resume submits nothing.
  auto again =
      RunInfx({"sweep", matrix, "--db", dir + "/slurm.db", "--run-dir",
               dir + "/runs", "--resume", "--report", dir + "/again.html"});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_EQ(again.stderr_text.find("submitted"), std::string::npos)
      << again.stderr_text;
  EXPECT_NE(again.stderr_text.find("8 resumed"), std::string::npos)
      << again.stderr_text;
}

TEST(ClusterSlurmTest, PostgresStoreIsWrittenByTheJobsWithoutDuplicates) {
  REQUIRE_SLURM();
  const char* url = std::getenv("INFX_TEST_PG_URL");
  if (!url || !*url) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") {
      FAIL() << "INFX_TEST_PG_URL is not set but CI=true";
    }
    GTEST_SKIP() << "INFX_TEST_PG_URL not set";
  }
  const std::string dir = ScratchDir("cluster-slurm-pg");
  const std::string matrix = dir + "/four.yaml";
  WriteText(matrix, std::string(kFourConfigs) + "# pg " + dir + "\n");
  auto out = RunInfx({"sweep", matrix, "--store", url, "--run-dir",
                      dir + "/runs", "--report", dir + "/pg.html", "--json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto j = nlohmann::json::parse(out.stdout_text);
  const int64_t run_id = j.at("run_id").get<int64_t>();
  auto store = store::OpenResultsStore(url);
  ASSERT_TRUE(store.ok());
  auto points = (*store)->ListPoints(run_id);
  ASSERT_TRUE(points.ok());
  std::set<std::string> keys;
  for (const auto& p : *points) keys.insert(PointText(p.key));
  EXPECT_EQ(points->size(), 8u);
  EXPECT_EQ(keys.size(), 8u);
  EXPECT_EQ(j.at("points_measured").get<int>(), 8) << out.stdout_text;
  auto run = (*store)->GetRun(run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "completed");
}

// Hardware known only from `infx sweep --hardware-file` reaches the jobs
// (their copy of the matrix, and of the hardware file, in the run dir).
TEST(ClusterSlurmTest, HardwareFileReachesTheJobs) {
  REQUIRE_SLURM();
  const std::string dir = ScratchDir("cluster-slurm-hw");
  WriteText(dir + "/hw.yaml",
            "hardware:\n  - name: h200-site\n    based_on: h200\n"
            "    usd_per_gpu_hour: 2.5\n");
  WriteText(dir + "/m.yaml",
            "name: site-hw\nseed: 3\ntarget: {type: emulator}\n"
            "executor: {type: slurm, poll_interval_s: 0.2}\n"
            "configs:\n  - {model: llama-3.1-8b, hardware: h200-site, tp: 1}\n"
            "workloads: [{isl: 16, osl: 8}]\nconcurrency: [1]\n"
            "prompts: {per_concurrency: 2, min: 2}\n");
  auto out = RunInfx({"sweep", dir + "/m.yaml", "--hardware-file",
                      dir + "/hw.yaml", "--db", dir + "/hw.db", "--run-dir",
                      dir + "/runs", "--report", dir + "/hw.html"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("1 done, 0 failed"), std::string::npos)
      << out.stderr_text;
  EXPECT_TRUE(std::filesystem::exists(dir + "/runs/run1/hardware.yaml"));
  StoredRun run = Load(dir + "/hw.db");
  ASSERT_EQ(run.points.size(), 1u);
  EXPECT_NE(run.points[0].key.config_key.find("h200-site"), std::string::npos);
}

TEST(ClusterSlurmTest, EngineThatCannotStartFailsItsConfigWithTheLogTail) {
  REQUIRE_SLURM();
  const std::string dir = ScratchDir("cluster-slurm-engine");
  const std::string matrix = dir + "/launch.yaml";
  // Both configs' engines exit at once: each config fails with its own
  // engine output, and the sweep goes on to the other.
  WriteText(matrix,
            "name: engine-fail\ntarget:\n  type: launch\n  launch:\n"
            "    command: \"echo engine-boom-tp{tp} >&2; exit 7\"\n"
            "    startup_timeout_s: 5\n    log_dir: " +
                dir +
                "/engine-logs\nexecutor: {type: slurm, poll_interval_s: "
                "0.2}\nconfigs:\n  - {model: llama-3.1-8b, tp: [1, 2]}\n"
                "workloads: [{isl: 8, osl: 4}]\nconcurrency: [1]\n");
  auto out = RunInfx({"sweep", matrix, "--db", dir + "/e.db", "--run-dir",
                      dir + "/runs", "--report", dir + "/e.html"});
  EXPECT_NE(out.exit_code, 0);
  for (const char* tp : {"1", "2"}) {
    const std::string key = std::string("llama-3.1-8b/h200/vllm/bf16/tp") + tp;
    const auto at = out.stderr_text.find("failed: " + key + ": job ");
    ASSERT_NE(at, std::string::npos) << out.stderr_text;
    EXPECT_NE(out.stderr_text.find("exited with status 7", at),
              std::string::npos)
        << out.stderr_text;
    EXPECT_NE(out.stderr_text.find(std::string("engine-boom-tp") + tp, at),
              std::string::npos)
        << out.stderr_text;
  }
  EXPECT_NE(out.stderr_text.find("0 done, 2 failed"), std::string::npos)
      << out.stderr_text;
}

TEST(ClusterSlurmTest, DryRunWritesScriptsAndBadSiteIsAnError) {
  // No Slurm needed: nothing is submitted.
  const std::string dir = ScratchDir("cluster-dry-run");
  const std::string matrix = dir + "/four.yaml";
  WriteText(matrix, kFourConfigs);
  auto out = RunInfx({"sweep", matrix, "--dry-run", "--run-dir", dir + "/runs",
                      "--max-parallel", "2", "--partition", "gpu"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  const std::string script = dir + "/runs/dry-run/scripts/array-0.sbatch";
  ASSERT_TRUE(std::filesystem::exists(script)) << out.stderr_text;
  EXPECT_EQ(Lines(script, "#SBATCH --array=0,1,2,3%2"), 1);
  EXPECT_EQ(Lines(script, "#SBATCH --partition=gpu"), 1);
  EXPECT_TRUE(std::filesystem::exists(dir + "/runs/dry-run/matrix.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/infx.db"));
  // A site with 1 GPU per node cannot hold a tp2 config.
  std::string text = kFourConfigs;
  text.replace(text.find("poll_interval_s: 0.2"), 20,
               "poll_interval_s: 0.2, gpus_per_node: 1");
  WriteText(dir + "/small.yaml", text);
  auto bad = RunInfx(
      {"sweep", dir + "/small.yaml", "--dry-run", "--run-dir", dir + "/runs"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("config llama-3.1-8b/h200/vllm/bf16/tp2: "
                                 "tp2 needs 2 GPUs per node"),
            std::string::npos)
      << bad.stderr_text;
  // Kubernetes: manifests rendered, nothing applied.
  auto k8s = RunInfx({"sweep", matrix, "--executor", "kubernetes", "--dry-run",
                      "--run-dir", dir + "/k8s"});
  ASSERT_EQ(k8s.exit_code, 0) << k8s.stderr_text;
  EXPECT_TRUE(
      std::filesystem::exists(dir + "/k8s/dry-run/scripts/job-config-3.yaml"));
  EXPECT_TRUE(
      std::filesystem::exists(dir + "/k8s/dry-run/scripts/configmap.yaml"));
}

// The first "submitted <id>" line of a controller log whose script is `file`.
std::string SubmittedId(const std::string& log, const std::string& file) {
  std::ifstream in(log);
  std::string line;
  std::regex re("submitted ([0-9]+) \\(.*" + file + "\\)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) return m[1];
  }
  return "";
}

TEST(ClusterSlurmTest, ScancelledJobIsFailedAndResumeFillsTheGap) {
  REQUIRE_SLURM();
  const std::string dir = ScratchDir("cluster-slurm-scancel");
  const std::string db = dir + "/cancel.db";
  const std::string matrix = dir + "/slow.yaml";
  // Config 1 (tp2) has many slow points; the job is cancelled after its
  // first stored point.
  WriteText(matrix, R"(name: cancel
seed: 5
target:
  type: emulator
  emulator: {time_scale: 1}
executor: {type: slurm, poll_interval_s: 0.2}
configs:
  - {model: llama-3.1-8b, hardware: h200, tp: 1, concurrency: [1]}
  - {model: llama-3.1-8b, hardware: h200, tp: 2, concurrency: [1, 2, 3, 4, 5, 6]}
workloads: [{isl: 32, osl: 256}]
concurrency: [1]
prompts: {per_concurrency: 2, min: 2}
)");
  auto child = sweep::ChildProcess::Spawn(
      std::string("exec ") + INFX_BIN + " sweep " + matrix + " --db " + db +
          " --run-dir " + dir + "/runs --report " + dir + "/r1.html",
      dir + "/first.log");
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  const std::string result = dir + "/runs/run1/results/config-1.jsonl";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (std::chrono::steady_clock::now() < deadline &&
         Lines(result, "\"kind\":\"point\"") < 1 && !(*child)->Poll()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(Lines(result, "\"kind\":\"point\""), 1)
      << sweep::TailOfFile(dir + "/first.log", 30);
  const std::string id = SubmittedId(dir + "/first.log", "array-0.sbatch");
  ASSERT_FALSE(id.empty()) << sweep::TailOfFile(dir + "/first.log", 30);
  auto cancelled = executor::RunCommand({"scancel", id + "_1"});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.output;
  while (!(*child)->Poll() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto status = (*child)->Poll();
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(*status, 0);
  const std::string log = sweep::TailOfFile(dir + "/first.log", 80);
  EXPECT_NE(log.find("failed: llama-3.1-8b/h200/vllm/bf16/tp2: job " + id +
                     "_1 CANCELLED"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("log tail:"), std::string::npos) << log;
  StoredRun before = Load(db);
  ASSERT_GE(before.points.size(), 2u);  // config 0 + >= 1 of config 1
  ASSERT_LT(before.points.size(), 7u);

  auto resumed =
      RunInfx({"sweep", matrix, "--db", db, "--run-dir", dir + "/runs",
               "--resume", "--report", dir + "/r2.html"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.stderr_text;
  EXPECT_NE(resumed.stderr_text.find(std::to_string(before.points.size()) +
                                     " resumed"),
            std::string::npos)
      << resumed.stderr_text;
  // Only config 1 was submitted again.
  EXPECT_NE(resumed.stderr_text.find("1 config(s)"), std::string::npos)
      << resumed.stderr_text;
  StoredRun after = Load(db);
  EXPECT_EQ(after.points.size(), 7u);
  EXPECT_EQ(after.keys.size(), 7u);
  // Stored points were not measured again: same ids and numbers.
  std::map<std::string, const store::PointRecord*> by_key;
  for (const auto& p : after.points) by_key[PointText(p.key)] = &p;
  for (const auto& p : before.points) {
    const auto* q = by_key.at(PointText(p.key));
    EXPECT_EQ(q->point_id, p.point_id);
    EXPECT_EQ(q->metrics.tput_per_gpu_total, p.metrics.tput_per_gpu_total);
  }
  // The job's result file holds each point once (the job skipped them).
  EXPECT_EQ(Lines(result, "\"kind\":\"point\""), 6);
}

}  // namespace
}  // namespace infx
