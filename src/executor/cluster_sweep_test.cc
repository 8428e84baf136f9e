// The controller's handling of job ends, against fake Slurm tools (shell
// scripts): a timed-out or node-failed job leaves its config's points
// failed with the state, Slurm's reason and the log tail (never silence),
// and the cancel flag (Ctrl-C) scancels what was submitted. The real
// cluster is exercised by tests/cluster_slurm_itest.cc.
#include "executor/cluster_sweep.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace infx::executor {
namespace {

namespace fs = std::filesystem;

fs::path Scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("infx-cluster-sweep-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "bin");
  return dir;
}

void Tool(const fs::path& dir, const std::string& name,
          const std::string& body) {
  const fs::path p = dir / "bin" / name;
  std::ofstream(p) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(p, fs::perms::owner_all);
}

// Fake Slurm: job 42 (an array, task 0); squeue lists it RUNNING until
// the file `ended` exists, then scontrol reports `final_state`.
void FakeSlurm(const fs::path& dir, const std::string& final_state) {
  const std::string ended = (dir / "ended").string();
  Tool(dir, "sbatch", "echo 42");
  Tool(dir, "squeue", "[ -e " + ended + " ] || echo '42_0|RUNNING|None'");
  Tool(dir, "scontrol",
       "if [ \"$1\" = ping ]; then echo 'Slurmctld(primary) at vm is UP'; "
       "exit 0; fi\necho 'JobId=43 ArrayJobId=42 ArrayTaskId=0 JobState=" +
           final_state + " ExitCode=0:15'");
  Tool(dir, "scancel",
       "touch " + ended + "; echo \"$@\" > " + (dir / "scancelled").string());
}

ClusterSweepOptions Options(const fs::path& dir) {
  ClusterSweepOptions o;
  o.sweep.matrix_text =
      "name: fake\nconfigs: [{model: llama-3.1-8b, hardware: h200}]\n"
      "workloads: [{isl: 8, osl: 4}]\nconcurrency: [1, 2]\n";
  o.sweep.matrix =
      sweep::ParseMatrix(YAML::Load(o.sweep.matrix_text), "fake.yaml").value();
  o.settings.kind = ExecutorKind::kSlurm;
  o.settings.run_dir = (dir / "runs").string();
  o.settings.poll_interval_s = 0.05;
  o.slurm_bin_dir = (dir / "bin").string();
  o.store_location = ":memory:";
  return o;
}

class JobEndTest : public ::testing::TestWithParam<const char*> {};

TEST_P(JobEndTest, FailedJobLeavesFailedPointsWithReasonAndLogTail) {
  const std::string state = GetParam();
  const fs::path dir = Scratch(state);
  FakeSlurm(dir, state + " Reason=" +
                     (state == "TIMEOUT" ? "TimeLimit" : "NodeDown"));
  // The job "ends" at once: squeue no longer lists it.
  std::ofstream(dir / "ended") << "";
  fs::create_directories(dir / "runs/run1/logs");
  std::ofstream(dir / "runs/run1/logs/config-0.log")
      << "loading weights\nslurmstepd: error: *** JOB 43 " << state << "\n";
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto r = RunClusterSweep(Options(dir), store->get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& s = r->summary;
  EXPECT_EQ(s.points_failed, 2);
  EXPECT_EQ(s.points_measured, 0);
  ASSERT_EQ(s.failures.size(), 1u);
  const std::string& why = s.failures[0].what;
  EXPECT_NE(why.find("job 42_0 " + state), std::string::npos) << why;
  EXPECT_NE(why.find(state == "TIMEOUT" ? "TimeLimit" : "NodeDown"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("2 point(s) missing"), std::string::npos) << why;
  EXPECT_NE(why.find("*** JOB 43 " + state), std::string::npos) << why;
  // The reason is kept with the config in the store.
  auto configs = (*store)->ListConfigs(s.run_id);
  ASSERT_TRUE(configs.ok());
  ASSERT_EQ(configs->size(), 1u);
  EXPECT_EQ((*configs)[0].details["cluster_job"]["state"], state);
  auto run = (*store)->GetRun(s.run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "failed");
}

INSTANTIATE_TEST_SUITE_P(States, JobEndTest,
                         ::testing::Values("TIMEOUT", "NODE_FAIL", "FAILED"));

TEST(ClusterSweepTest, CancelFlagScancelsSubmittedJobs) {
  const fs::path dir = Scratch("cancel");
  FakeSlurm(dir, "CANCELLED Reason=None");
  std::atomic<bool> cancel{false};
  ClusterSweepOptions o = Options(dir);
  o.sweep.cancel = &cancel;
  std::thread ctrl_c([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto r = RunClusterSweep(o, store->get());
  ctrl_c.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->summary.interrupted);
  std::ifstream in(dir / "scancelled");
  std::string ids;
  std::getline(in, ids);
  EXPECT_EQ(ids, "42_0");
  auto run = (*store)->GetRun(r->summary.run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "interrupted");
}

TEST(ClusterSweepTest, SlurmDownIsOneErrorBeforeAnythingIsCreated) {
  const fs::path dir = Scratch("down");
  Tool(dir, "sbatch", "echo 42");
  Tool(dir, "squeue", "exit 1");
  Tool(dir, "scancel", "exit 1");
  Tool(dir, "scontrol",
       "echo 'slurm_load_ctl_conf error: Unable to contact slurm "
       "controller'; exit 1");
  auto store = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto r = RunClusterSweep(Options(dir), store->get());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("controller does not answer"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "runs"));
  auto runs = (*store)->ListRuns();
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

}  // namespace
}  // namespace infx::executor
