// End-to-end tests of the living-benchmark data foundation (issue 14 part
// A): a sweep stores provenance, labels, the canary flag and one point per
// repetition keyed by series; a re-run with an "upgraded" emulator keeps the
// series keys and shows the version change as a suspect; `infx runs` lists
// both runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "living/provenance.h"
#include "living/run_data.h"
#include "store/results_store.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;
using testing::ScratchDir;

std::string Matrix(const std::string& version, double time_scale) {
  return "name: living\nseed: 11\nrepetitions: 2\n"
         "target:\n  type: emulator\n  emulator:\n    time_scale: " +
         std::to_string(time_scale) + "\n    version: \"" + version +
         "\"\nconfigs:\n"
         "  - {model: llama-3.1-8b, hardware: h200, tp: 1}\n"
         "  - {model: llama-3.1-8b, hardware: h200, tp: 2, canary: true}\n"
         "workloads: [{isl: 32, osl: 8}]\nconcurrency: [1, 2]\n"
         "prompts: {per_concurrency: 2, min: 2}\n";
}

void Sweep(const std::string& dir, const std::string& db,
           const std::string& version, double time_scale,
           const std::string& label) {
  const std::string path = dir + "/living-" + version + ".yaml";
  std::ofstream(path) << Matrix(version, time_scale);
  auto out = RunInfx({"sweep", path, "--db", db, "--report", dir + "/r.html",
                      "--quiet", "--label", label});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
}

TEST(LivingSweepTest, RunsCarryProvenanceSeriesKeysAndRepetitions) {
  const std::string dir = ScratchDir("living-sweep");
  const std::string db = dir + "/living.db";
  Sweep(dir, db, "vllm 0.9.1", 0.2, "branch=main");
  Sweep(dir, db, "vllm 0.9.2", 0.3, "branch=next");

  auto store = store::OpenExistingResultsStore(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto runs = living::ListRuns(**store);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  const auto& newest = runs->front();
  EXPECT_EQ(newest.run.matrix_name, "living");
  EXPECT_EQ(newest.run.matrix_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(newest.points, 8);  // 2 configs x 2 concurrencies x 2 reps
  EXPECT_EQ(newest.engine_versions, std::vector<std::string>{"vllm 0.9.2"});
  EXPECT_EQ(newest.run.labels.at("branch"), "next");

  auto a = living::LoadRun(**store, runs->back().run.run_id);
  auto b = living::LoadRun(**store, newest.run.run_id);
  ASSERT_TRUE(a.ok() && b.ok());
  auto sa = a->BySeries();
  auto sb = b->BySeries();
  ASSERT_EQ(sa.size(), 4u);
  for (const auto& [key, reps] : sa) {
    ASSERT_TRUE(sb.contains(key)) << key;  // same series across the upgrade
    ASSERT_EQ(reps.size(), 2u) << key;
    EXPECT_EQ(reps[0]->repetition, 0);
    EXPECT_EQ(reps[1]->repetition, 1);
    EXPECT_EQ(reps[0]->canary, key.find("/tp2/") != std::string::npos) << key;
  }
  EXPECT_TRUE(sa.contains("llama-3.1-8b/h200/vllm/bf16/tp1/32x8/c2"));
  const std::string cfg = a->points.front().config_key;
  auto suspects =
      living::DiffAttributes(a->Attributes(cfg), b->Attributes(cfg));
  ASSERT_FALSE(suspects.empty());
  EXPECT_EQ(living::FormatChange(suspects.front()),
            "engine_version: vllm 0.9.1 -> vllm 0.9.2");

  auto listed = RunInfx({"runs", "--db", db, "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.stderr_text;
  auto j = nlohmann::json::parse(listed.stdout_text);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["points"], 8);
  EXPECT_EQ(j[0]["engine_versions"][0], "vllm 0.9.2");
  EXPECT_EQ(j[1]["labels"]["branch"], "main");
  EXPECT_EQ(j[1]["matrix_name"], "living");
  auto table = RunInfx({"runs", "--db", db});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_NE(table.stdout_text.find("vllm 0.9.1"), std::string::npos)
      << table.stdout_text;
  EXPECT_NE(table.stdout_text.find("branch=next"), std::string::npos);
}

TEST(LivingSweepTest, RunsCommandErrors) {
  const std::string dir = ScratchDir("living-runs-errors");
  auto missing = RunInfx({"runs", "--db", dir + "/none.db"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.stderr_text.find("none.db"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/none.db"));
  {
    auto store = store::OpenResultsStore(dir + "/empty.db");
    ASSERT_TRUE(store.ok());
  }
  auto empty = RunInfx({"runs", "--db", dir + "/empty.db"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_NE(empty.stdout_text.find("no runs"), std::string::npos);
  auto unknown = RunInfx({"runs", "--db", dir + "/empty.db", "--run", "7"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.stderr_text.find("7"), std::string::npos);
  auto bad_label =
      RunInfx({"sweep", std::string(INFX_SOURCE_DIR) + "/examples/smoke.yaml",
               "--db", dir + "/l.db", "--label", "oops"});
  EXPECT_EQ(bad_label.exit_code, 1);
  EXPECT_NE(bad_label.stderr_text.find("oops"), std::string::npos);
}

TEST(LivingSweepTest, ScheduleDryRunInEveryForm) {
  const std::string dir = ScratchDir("living-schedule");
  const std::string matrix =
      std::string(INFX_SOURCE_DIR) + "/examples/smoke.yaml";
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"schedule",    matrix,      "--db",
                                     dir + "/n.db", "--workdir", dir,
                                     "--dry-run"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunInfx(args);
  };
  auto systemd = run({"--every", "daily", "--via", "systemd"});
  ASSERT_EQ(systemd.exit_code, 0) << systemd.stderr_text;
  EXPECT_NE(systemd.stdout_text.find("infx-smoke.timer <=="),
            std::string::npos);
  EXPECT_NE(systemd.stdout_text.find("OnCalendar=daily"), std::string::npos);
  EXPECT_NE(
      systemd.stdout_text.find("sweep " + matrix + " --db " + dir + "/n.db"),
      std::string::npos)
      << systemd.stdout_text;
  EXPECT_NE(systemd.stdout_text.find("compare --db " + dir +
                                     "/n.db --markdown --fail-on-regression"),
            std::string::npos);
  auto cron = run({"--every", "30 2 * * 1-5", "--via", "cron"});
  ASSERT_EQ(cron.exit_code, 0) << cron.stderr_text;
  EXPECT_NE(
      cron.stdout_text.find("30 2 * * 1-5 /bin/bash " + dir + "/infx-smoke.sh"),
      std::string::npos)
      << cron.stdout_text;
  auto slurm = run({"--every", "6h", "--executor", "slurm"});
  ASSERT_EQ(slurm.exit_code, 0) << slurm.stderr_text;
  EXPECT_NE(slurm.stdout_text.find("sbatch --begin=\"now+6hours\" " + dir +
                                   "/infx-smoke.sbatch"),
            std::string::npos)
      << slurm.stdout_text;
  EXPECT_FALSE(std::filesystem::exists(dir + "/infx-smoke.sh"));  // dry run
  auto bad = run({"--every", "5h"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("'5h'"), std::string::npos);
  auto missing = RunInfx(
      {"schedule", dir + "/none.yaml", "--every", "daily", "--dry-run"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.stderr_text.find("none.yaml"), std::string::npos);
}

}  // namespace
}  // namespace infx
