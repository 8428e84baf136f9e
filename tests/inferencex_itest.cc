// InferenceX's own result processing (utils/process_result.py, run with
// Debian's python3 as InferenceX's CI does) on what infx writes: a real
// `infx bench --result-file` against the emulator, and every point of a
// smoke sweep exported with `infx export`. The aggregate the script writes
// (agg_<name>.json) must carry the figures infx measured.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/files.h"
#include "emulator/emulator_server.h"
#include "test_support.h"

namespace infx {
namespace {

using nlohmann::json;
using testing::RunInfx;
using testing::ScratchDir;

constexpr const char* kPython = "/usr/bin/python3";

bool HavePython() { return std::filesystem::exists(kPython); }

void SkipOrFailWithoutPython() {
  if (std::getenv("CI") != nullptr) {
    FAIL() << kPython << " missing (scripts/setup.sh installs python3)";
  }
  GTEST_SKIP() << kPython << " missing";
}

// Runs process_result.py in `dir` on <dir>/<name>.json as InferenceX's
// benchmark workflow does (single node, TP GPUs) and returns the aggregate.
json ProcessResult(const std::string& dir, const std::string& name, int tp) {
  const std::string script =
      testing::SharedData("inferencex/utils/process_result.py");
  const std::string cmd =
      "cd '" + dir +
      "' && env RUNNER_TYPE=h200 FRAMEWORK=vllm "
      "PRECISION=bf16 SPEC_DECODING=none RESULT_FILENAME='" +
      name +
      "' ISL=32 OSL=8 DISAGG=false MODEL_PREFIX=llama "
      "IMAGE=infx TP=" +
      std::to_string(tp) +
      " EP_SIZE=1 DP_ATTENTION=false GPU_METRICS_CSV=none " + kPython + " '" +
      script + "' > '" + name + ".out' 2> '" + name + ".err'";
  const int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "process_result.py failed on " << name << ".json:\n"
                   << ReadFile(dir + "/" + name + ".err").value_or("");
  auto agg = ReadJsonFile(dir + "/agg_" + name + ".json");
  EXPECT_TRUE(agg.ok()) << agg.status().ToString();
  return agg.ok() ? *agg : json::object();
}

// The aggregate against the result it was made from.
void CheckAggregate(const json& result, const json& agg, int tp) {
  ASSERT_TRUE(agg.contains("tput_per_gpu")) << agg.dump();
  EXPECT_EQ(agg["conc"], result["max_concurrency"]);
  EXPECT_EQ(agg["model"], result["model_id"]);
  const double total = result["total_token_throughput"];
  const double output = result["output_throughput"];
  EXPECT_GT(total, 0);
  EXPECT_DOUBLE_EQ(agg["tput_per_gpu"].get<double>(), total / tp);
  EXPECT_DOUBLE_EQ(agg["output_tput_per_gpu"].get<double>(), output / tp);
  EXPECT_DOUBLE_EQ(agg["median_intvty"].get<double>(),
                   1000.0 / result["median_tpot_ms"].get<double>());
  EXPECT_DOUBLE_EQ(agg["p99_ttft"].get<double>(),
                   result["p99_ttft_ms"].get<double>() / 1000.0);
  EXPECT_DOUBLE_EQ(agg["median_e2el"].get<double>(),
                   result["median_e2el_ms"].get<double>() / 1000.0);
  // infx's own intvty keys went through unchanged.
  EXPECT_DOUBLE_EQ(agg["median_intvty"].get<double>(),
                   result["median_intvty"].get<double>());
}

TEST(InferenceXResultTest, ProcessResultReadsABenchResult) {
  if (!HavePython()) return SkipOrFailWithoutPython();
  const std::string dir = ScratchDir("inferencex-bench");
  emulator::EmulatorOptions o;
  o.served_model_name = "llama";
  // Real-time steps (tokens several ms apart): at a faster scale a loaded
  // client reads whole streams at once, TPOT statistics become 0 and the
  // script divides by them (such a run is INVALID: read_lag).
  o.time_scale = 1.0;
  o.seed = 3;
  auto server = emulator::EmulatorServer::Start(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string name = "infx_bench_result";
  auto out = RunInfx({"bench",
                      "--base-url",
                      "http://127.0.0.1:" + std::to_string((*server)->port()),
                      "--model",
                      "llama",
                      "--random-input-len",
                      "32",
                      "--random-output-len",
                      "8",
                      "--random-range-ratio",
                      "0.8",
                      "--max-concurrency",
                      "4",
                      "--num-prompts",
                      "16",
                      "--ignore-eos",
                      "--goodput",
                      "ttft:5000",
                      "tpot:1000",
                      "--num-gpus",
                      "2",
                      "--metric-percentiles",
                      "50,90,99",
                      "--no-progress",
                      "--result-file",
                      dir + "/" + name + ".json"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text << out.stdout_text;
  auto result = ReadJsonFile(dir + "/" + name + ".json");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  json agg = ProcessResult(dir, name, 2);
  CheckAggregate(*result, agg, 2);
}

TEST(InferenceXResultTest, ProcessResultReadsEverySweepPointExport) {
  if (!HavePython()) return SkipOrFailWithoutPython();
  const std::string dir = ScratchDir("inferencex-sweep");
  const std::string db = dir + "/smoke.db";
  auto sweep =
      RunInfx({"sweep", std::string(INFX_SOURCE_DIR) + "/examples/smoke.yaml",
               "--db", db});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.stderr_text;
  const std::string export_dir = dir + "/export";
  auto exported = RunInfx({"export", "--db", db, "--out-dir", export_dir});
  ASSERT_EQ(exported.exit_code, 0) << exported.stderr_text;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(export_dir)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  int files = 0;
  for (const auto& path : paths) {
    const std::string stem = path.stem().string();
    auto result = ReadJsonFile(path);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    // The smoke matrix runs tp1 and tp2 configs; per GPU is per TP GPU.
    const int tp = stem.find("_tp2") != std::string::npos ? 2 : 1;
    EXPECT_EQ((*result)["num_gpus"], tp) << stem;
    json agg = ProcessResult(export_dir, stem, tp);
    CheckAggregate(*result, agg, tp);
    ++files;
  }
  EXPECT_EQ(files, 6);  // 2 configs x 3 concurrencies
}

}  // namespace
}  // namespace infx
