// SlurmClient's checks and parsers. The real cluster is exercised by
// tests/cluster_slurm_itest.cc; here fake tools stand in for a missing or
// down Slurm.
#include "executor/slurm_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace infx::executor {
namespace {

std::string FakeBinDir(const std::string& ping_output) {
  auto dir = std::filesystem::temp_directory_path() /
             ("infx-fake-slurm-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* tool : {"sbatch", "squeue", "scontrol", "scancel"}) {
    const auto path = dir / tool;
    std::ofstream(path) << "#!/bin/sh\necho '" << ping_output << "'\nexit 1\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  return dir.string();
}

TEST(SlurmClientTest, MissingSbatchIsOneClearError) {
  Status s = SlurmClient("/nonexistent/slurm/bin").Check();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("sbatch not found"), std::string::npos)
      << s.message();
}

TEST(SlurmClientTest, ControllerDownIsOneClearError) {
  const std::string dir = FakeBinDir(
      "slurm_load_ctl_conf error: Unable to contact slurm controller");
  Status s = SlurmClient(dir).Check();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("controller does not answer"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("Unable to contact"), std::string::npos);
  EXPECT_NE(s.message().find("nothing was submitted"), std::string::npos);
}

TEST(SlurmClientTest, ParsesScontrolShowJob) {
  JobState js = ParseScontrolJob(
      "JobId=12 ArrayJobId=10 ArrayTaskId=2 JobName=infx-run1 UserId=root(0) "
      "JobState=CANCELLED Reason=None Dependency=(null) Requeue=1 "
      "ExitCode=0:15 RunTime=00:00:03");
  EXPECT_EQ(js.state, "CANCELLED");
  EXPECT_EQ(js.reason, "None");
  EXPECT_EQ(js.exit_code, "0:15");
  EXPECT_TRUE(IsFinalState("CANCELLED"));
  EXPECT_TRUE(IsFinalState("NODE_FAIL"));
  EXPECT_TRUE(IsFinalState("TIMEOUT"));
  EXPECT_FALSE(IsFinalState("RUNNING"));
  EXPECT_FALSE(IsFinalState("COMPLETING"));
}

TEST(SlurmClientTest, RunCommandReportsMissingProgram) {
  CommandResult r = RunCommand({"/nonexistent/program"});
  EXPECT_EQ(r.exit_code, 127);
  CommandResult ok = RunCommand({"/bin/echo", "hi"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.output, "hi\n");
}

}  // namespace
}  // namespace infx::executor
