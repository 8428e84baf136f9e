// End-to-end tests of `infx sweep`: a smoke sweep against the emulator,
// resume after kill -9 (no duplicate or lost point), the InferenceX import,
// and launch targets that fail to start or never become healthy.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "store/results_store.h"
#include "sweep/matrix.h"
#include "sweep/process.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

std::string Example(const std::string& name) {
  return std::string(INFX_SOURCE_DIR) + "/examples/" + name;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::vector<store::PointRecord> StoredPoints(const std::string& db) {
  auto store = store::OpenResultsStore(db);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  auto run = (*store)->LatestRun();
  if (!run.ok()) return {};
  auto points = (*store)->ListPoints(run->run_id);
  return points.ok() ? *points : std::vector<store::PointRecord>{};
}

std::string KeyText(const store::PointKey& k) {
  return k.config_key + "|" + std::to_string(k.isl) + "|" +
         std::to_string(k.osl) + "|" + std::to_string(k.concurrency) + "|" +
         std::to_string(k.repetition);
}

TEST(SweepCliTest, SmokeSweepEndToEnd) {
  const std::string dir = ScratchDir("sweep-smoke");
  const std::string db = dir + "/smoke.db";
  const std::string report = dir + "/smoke.html";
  auto out =
      RunInfx({"sweep", Example("smoke.yaml"), "--db", db, "--report", report});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_TRUE(std::filesystem::exists(report));
  EXPECT_NE(out.stdout_text.find("llama-3.1-8b/h200/vllm/bf16/tp1"),
            std::string::npos)
      << out.stdout_text;
  EXPECT_NE(out.stderr_text.find("6 points measured"), std::string::npos)
      << out.stderr_text;
  auto matrix = sweep::LoadMatrixFile(Example("smoke.yaml"));
  ASSERT_TRUE(matrix.ok());
  auto points = StoredPoints(db);
  EXPECT_EQ(points.size(), sweep::ExpandPoints(*matrix).size());
  for (const auto& p : points) {
    EXPECT_GT(p.metrics.completed, 0);
    EXPECT_GT(p.metrics.tput_per_gpu_total, 0);
  }
}

TEST(SweepCliTest, ResumeAfterKill9NeitherDuplicatesNorLosesPoints) {
  const std::string dir = ScratchDir("sweep-kill9");
  const std::string db = dir + "/kill9.db";
  const std::string matrix = dir + "/slow.yaml";
  // Long enough points (~0.5-1 s each) to kill the sweep in the middle.
  WriteText(matrix, R"(name: kill9
seed: 3
configs:
  - {model: llama-3.1-8b, hardware: h200, tp: [1, 2]}
workloads: [{isl: 64, osl: 64}]
concurrency: [1, 2, 4]
prompts: {per_concurrency: 2, min: 2}
)");
  auto child = sweep::ChildProcess::Spawn(
      std::string("exec ") + INFX_BIN + " sweep " + matrix + " --db " + db +
          " --quiet --report " + dir + "/r1.html",
      dir + "/first.log");
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  // Wait for the first stored point, then kill -9 mid-sweep.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(120);
  size_t stored = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(db)) stored = StoredPoints(db).size();
    if (stored >= 1 || (*child)->Poll()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(stored, 1u) << sweep::TailOfFile(dir + "/first.log", 20);
  ASSERT_FALSE((*child)->Poll()) << "sweep finished before it was killed";
  kill(-(*child)->pid(), SIGKILL);
  (*child)->Terminate(0);
  const size_t before = StoredPoints(db).size();
  EXPECT_LT(before, 6u);

  auto out = RunInfx(
      {"sweep", matrix, "--db", db, "--resume", "--report", dir + "/r2.html"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find(std::to_string(before) + " resumed"),
            std::string::npos)
      << out.stderr_text;
  auto points = StoredPoints(db);
  EXPECT_EQ(points.size(), 6u);
  std::set<std::string> keys;
  for (const auto& p : points) keys.insert(KeyText(p.key));
  EXPECT_EQ(keys.size(), 6u);  // no duplicates
  auto store = store::OpenResultsStore(db);
  ASSERT_TRUE(store.ok());
  auto runs = (*store)->ListRuns();
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), 1u);  // resumed, not a new run
}

TEST(SweepCliTest, InferenceXImportListsTheExpectedPoints) {
  auto out = RunInfx({"sweep", "--from-inferencex",
                      testing::SharedData("inferencex/nvidia-master.yaml"),
                      "--filter", "name=dsr1-fp8-h200-trt", "--list"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stdout_text.find("5 points, 2 configs"), std::string::npos)
      << out.stdout_text;
  EXPECT_NE(out.stdout_text.find("tp8-ep8-dpa"), std::string::npos);
  EXPECT_NE(out.stderr_text.find("image:"), std::string::npos)
      << out.stderr_text;
  auto bad = RunInfx({"sweep", "--from-inferencex",
                      testing::SharedData("inferencex/nvidia-master.yaml"),
                      "--filter", "colour=red", "--list"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("unknown key 'colour'"), std::string::npos);
}

TEST(SweepCliTest, LaunchFailuresAreReportedAndCleanedUp) {
  const std::string dir = ScratchDir("sweep-launch");
  const std::string pids = dir + "/pids";
  const std::string matrix = dir + "/launch.yaml";
  // tp1: exits at once; tp2: never healthy (and ignores SIGTERM).
  WriteText(matrix,
            "name: launch-fail\ntarget:\n  type: launch\n  launch:\n"
            "    command: \"if [ {tp} = 1 ]; then echo boom >&2; "
            "exit 7; fi; trap '' TERM; echo $$ >> " +
                pids +
                "; sleep 60\"\n"
                "    startup_timeout_s: 1\n    shutdown_grace_s: 0.2\n"
                "    log_dir: " +
                dir +
                "/logs\nconfigs:\n  - {model: llama-3.1-8b, tp: [1, "
                "2]}\nworkloads: [{isl: 8, osl: 4}]\nconcurrency: "
                "[1]\n");
  auto out = RunInfx(
      {"sweep", matrix, "--db", dir + "/l.db", "--report", dir + "/l.html"});
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.stderr_text.find("exited with status 7"), std::string::npos)
      << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("boom"), std::string::npos);
  EXPECT_NE(out.stderr_text.find("did not become healthy"), std::string::npos);
  std::ifstream in(pids);
  pid_t pid = 0;
  int count = 0;
  while (in >> pid) {
    ++count;
    EXPECT_NE(kill(pid, 0), 0) << "engine pid " << pid << " still alive";
  }
  EXPECT_EQ(count, 1);
  EXPECT_TRUE(StoredPoints(dir + "/l.db").empty());
}

TEST(SweepCliTest, BadMatrixIsOneClearError) {
  const std::string dir = ScratchDir("sweep-bad");
  WriteText(dir + "/bad.yaml",
            "configs: [{model: m, tp: [1, two]}]\n"
            "workloads: [{isl: 1, osl: 1}]\n");
  auto out = RunInfx({"sweep", dir + "/bad.yaml", "--db", dir + "/b.db"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("configs[0]: 'tp'"), std::string::npos)
      << out.stderr_text;
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.db"));
}

// issue 12 defects 5 and 12: a bad config anywhere in the matrix (here the
// last one, an unknown hardware name) stops the sweep before any engine is
// launched or any store is created.
TEST(SweepCliTest, WholeMatrixIsValidatedBeforeTheFirstLaunch) {
  const std::string dir = ScratchDir("sweep-validate");
  const std::string marker = dir + "/launched";
  WriteText(dir + "/m.yaml",
            "target:\n  type: launch\n  launch:\n    command: \"touch " +
                marker + "; exit 1\"\n    log_dir: " + dir +
                "/logs\nconfigs:\n  - {model: llama-3.1-8b}\n"
                "  - {model: llama-3.1-8b, hardware: cpu}\n"
                "workloads: [{isl: 8, osl: 4}]\n");
  auto out = RunInfx({"sweep", dir + "/m.yaml", "--db", dir + "/v.db"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("llama-3.1-8b/cpu/vllm/bf16/tp1: hardware"),
            std::string::npos)
      << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("--hardware-file"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "an engine was launched";
  EXPECT_FALSE(std::filesystem::exists(dir + "/v.db"));
  // Defined by --hardware-file, the same name is accepted.
  WriteText(dir + "/hw.yaml", "hardware:\n  - name: cpu\n    based_on: h200\n");
  auto listed =
      RunInfx({"sweep", dir + "/m.yaml", "--hardware-file", dir + "/hw.yaml",
               "--db", dir + "/v.db", "--report", dir + "/v.html"});
  EXPECT_NE(listed.stderr_text.find("config llama-3.1-8b/h200/vllm/bf16/tp1"),
            std::string::npos)
      << listed.stderr_text;
  EXPECT_TRUE(std::filesystem::exists(marker)) << listed.stderr_text;
}

// issue 12 defect 9: a secret written into a launch command is stored and
// reported redacted.
TEST(SweepCliTest, SecretsInLaunchCommandsAreNotStored) {
  const std::string dir = ScratchDir("sweep-secret");
  WriteText(dir + "/m.yaml",
            "target:\n  type: launch\n  launch:\n    command: \"exit 3 "
            "--api-key sk-live-XYZ\"\n    log_dir: " +
                dir +
                "/logs\nconfigs:\n  - {model: llama-3.1-8b}\n"
                "workloads: [{isl: 8, osl: 4}]\n");
  auto out = RunInfx({"sweep", dir + "/m.yaml", "--db", dir + "/s.db",
                      "--report", dir + "/s.html"});
  EXPECT_NE(out.exit_code, 0);
  EXPECT_EQ(out.stderr_text.find("sk-live-XYZ"), std::string::npos)
      << out.stderr_text;
  auto store = store::OpenResultsStore(dir + "/s.db");
  ASSERT_TRUE(store.ok());
  auto run = (*store)->LatestRun();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->matrix_text.find("sk-live-XYZ"), std::string::npos);
  EXPECT_NE(run->matrix_text.find("--api-key ***"), std::string::npos)
      << run->matrix_text;
  std::ifstream in(dir + "/s.html");
  std::string html((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_FALSE(html.empty());
  EXPECT_EQ(html.find("sk-live-XYZ"), std::string::npos);
}

}  // namespace
}  // namespace infx
