// Where `infx bench` writes its results: bad paths fail before the first
// request (nothing measured is lost), --result-dir is created as vLLM does,
// SIGTERM keeps the partial result as SIGINT does, and no *.tmp file is
// ever left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "emulator/emulator_server.h"
#include "test_support.h"

namespace infx {
namespace {

namespace fs = std::filesystem;
using testing::RunInfx;
using testing::ScratchDir;

std::vector<std::string> BenchArgs(const std::string& url) {
  return {"bench", "--base-url",    url,  "--model",
          "llama", "--input-len",   "32", "--output-len",
          "8",     "--num-prompts", "6",  "--max-concurrency",
          "2",     "--no-progress"};
}

int TmpFilesUnder(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() == ".tmp") ++n;
  }
  return n;
}

std::unique_ptr<emulator::EmulatorServer> Emulator(double time_scale) {
  emulator::EmulatorOptions o;
  o.served_model_name = "llama";
  o.time_scale = time_scale;
  o.seed = 3;
  auto server = emulator::EmulatorServer::Start(o);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

TEST(BenchOutputsTest, BadOutputPathsFailBeforeTheFirstRequest) {
  const std::string dir = ScratchDir("bench-bad-paths");
  fs::create_directories(dir + "/a_dir");
  std::ofstream(dir + "/a_file") << "x";
  // A dead server: had the run started, the error would be about it.
  const std::string dead = "http://127.0.0.1:1";
  struct Case {
    std::vector<std::string> flags;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"--result-file", dir + "/a_dir"}, "is a directory"},
      {{"--result-file", dir + "/a_file/r.json"}, "cannot create directory"},
      {{"--records-file", dir + "/a_dir"}, "is a directory"},
      {{"--save-result", "--result-dir", dir + "/a_file"},
       "cannot create directory"},
  };
  for (const Case& c : cases) {
    auto args = BenchArgs(dead);
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto out = RunInfx(args);
    EXPECT_EQ(out.exit_code, 1) << c.flags[0];
    EXPECT_NE(out.stderr_text.find(c.error), std::string::npos)
        << out.stderr_text;
    EXPECT_EQ(out.stdout_text.find("Serving Benchmark Result"),
              std::string::npos)
        << "the run started: " << out.stdout_text;
  }
  EXPECT_EQ(TmpFilesUnder(dir), 0);
}

TEST(BenchOutputsTest, SaveResultCreatesTheResultDirectory) {
  const std::string dir = ScratchDir("bench-save-result");
  auto server = Emulator(0.2);
  auto args = BenchArgs("http://127.0.0.1:" + std::to_string(server->port()));
  for (const char* a :
       {"--save-result", "--result-filename", "r.json", "--records-file"}) {
    args.push_back(a);
  }
  args.push_back(dir + "/records/run1/records.jsonl");
  args.push_back("--result-dir");
  args.push_back(dir + "/new/sub");
  auto out = RunInfx(args);
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto result = ReadJsonFile(dir + "/new/sub/r.json");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["completed"], 6);
  EXPECT_TRUE(fs::exists(dir + "/records/run1/records.jsonl"));
  EXPECT_EQ(TmpFilesUnder(dir), 0);
}

TEST(BenchOutputsTest, SigtermKeepsThePartialResultLikeSigint) {
  const std::string dir = ScratchDir("bench-sigterm");
  auto server = Emulator(1.0);
  const std::string result_file = dir + "/result.json";
  std::vector<std::string> args = {
      "bench",
      "--base-url",
      "http://127.0.0.1:" + std::to_string(server->port()),
      "--model",
      "llama",
      "--input-len",
      "32",
      "--output-len",
      "4000",  // minutes: only SIGTERM ends it
      "--ignore-eos",
      "--num-prompts",
      "4",
      "--max-concurrency",
      "2",
      "--no-progress",
      "--result-file",
      result_file};
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string bin = INFX_BIN;
    argv.push_back(bin.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::freopen("/dev/null", "w", stdout);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  // Let it send and stream for a while (no assertion on timing).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  auto result = ReadJsonFile(result_file);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["interrupted"], true);
  EXPECT_GE((*result)["cancelled"].get<int>(), 1);
  EXPECT_EQ(TmpFilesUnder(dir), 0);
}

}  // namespace
}  // namespace infx
