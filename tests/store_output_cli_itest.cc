// The CLI leaves what it should not change alone (issue 12, defects 7 and
// 8): read-only commands never modify an unrelated file, `sweep --resume`
// never creates a database, unknown URL schemes are errors, and outputs
// follow symlinks and honour "-".
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/files.h"
#include "store/results_store.h"
#include "test_support.h"

namespace infx {
namespace {

namespace fs = std::filesystem;
using testing::RunInfx;

std::string MakeStore(const std::string& dir) {
  const std::string path = dir + "/infx.db";
  auto store = store::OpenResultsStore(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto run = (*store)->CreateRun({"model: m\n", "0.1.0", "sha", "host", ""});
  store::ConfigRecord c;
  c.run_id = *run;
  c.config_key = "m/h200/tp1";
  c.hardware = "h200";
  EXPECT_TRUE((*store)->UpsertConfig(c).ok());
  for (int conc : {1, 4, 16}) {
    store::PointRecord p;
    p.key = {*run, c.config_key, 1024, 1024, 1.0, conc, 0, 0};
    p.metrics.interactivity_tok_s_user = 120.0 / (1 + conc * 0.02);
    p.metrics.tput_per_gpu_total = 40.0 * conc;
    p.metrics.completed = 10;
    EXPECT_TRUE((*store)->InsertPoint(p).ok());
  }
  EXPECT_TRUE((*store)->FinishRun(*run, store::kRunCompleted).ok());
  return path;
}

std::string MakeForeignDatabase(const std::string& dir) {
  const std::string path = dir + "/songs.db";
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "CREATE TABLE songs (title TEXT)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  return path;
}

TEST(StoreCliTest, ReadOnlyCommandsLeaveOtherFilesUntouched) {
  const std::string dir = testing::ScratchDir("store_cli_untouched");
  const std::string foreign = MakeForeignDatabase(dir);
  const std::string foreign_bytes = *ReadFile(foreign);
  const std::string empty = dir + "/empty.db";
  ASSERT_TRUE(WriteFileAtomic(empty, "").ok());
  for (const std::string& db : {foreign, empty}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"frontier", "--db", db},
          std::vector<std::string>{"report", "--db", db, "-o",
                                   dir + "/r.html"}}) {
      auto out = RunInfx(args);
      EXPECT_EQ(out.exit_code, 1) << args[0] << " " << db;
      EXPECT_NE(out.stderr_text.find("not an infx results store"),
                std::string::npos)
          << out.stderr_text;
    }
  }
  EXPECT_EQ(*ReadFile(foreign), foreign_bytes);  // still rollback journal
  EXPECT_FALSE(fs::exists(foreign + "-wal"));
  EXPECT_EQ(fs::file_size(empty), 0u);
  EXPECT_FALSE(fs::exists(dir + "/r.html"));
}

TEST(StoreCliTest, SweepRefusesForeignDatabaseAndResumeOfMissingOne) {
  const std::string dir = testing::ScratchDir("store_cli_sweep");
  const std::string foreign = MakeForeignDatabase(dir);
  const std::string foreign_bytes = *ReadFile(foreign);
  const std::string matrix =
      std::string(INFX_SOURCE_DIR) + "/examples/smoke.yaml";
  auto out = RunInfx({"sweep", matrix, "--db", foreign, "--quiet"});
  EXPECT_EQ(out.exit_code, 1) << out.stderr_text;
  EXPECT_EQ(*ReadFile(foreign), foreign_bytes);
  EXPECT_FALSE(fs::exists(foreign + "-wal"));

  const std::string typo = dir + "/typo.db";
  auto resume = RunInfx({"sweep", matrix, "--resume", "--db", typo, "--quiet"});
  EXPECT_EQ(resume.exit_code, 1);
  EXPECT_NE(resume.stderr_text.find("typo.db"), std::string::npos)
      << resume.stderr_text;
  EXPECT_FALSE(fs::exists(typo));
}

TEST(StoreCliTest, UnknownStoreUrlSchemeIsAnError) {
  const std::string dir = testing::ScratchDir("store_cli_scheme");
  fs::current_path(dir);
  auto out = RunInfx({"frontier", "--store", "mysql://user@db/infx"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.stderr_text.find("unknown store URL scheme 'mysql'"),
            std::string::npos)
      << out.stderr_text;
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(StoreCliTest, OutputsFollowSymlinksAndDashIsStdout) {
  const std::string dir = testing::ScratchDir("store_cli_outputs");
  const std::string db = MakeStore(dir);
  ASSERT_TRUE(WriteFileAtomic(dir + "/real.html", "old").ok());
  fs::create_symlink("real.html", dir + "/link.html");
  auto report =
      RunInfx({"report", "--db", db, "--static-svg", "-o", dir + "/link.html"});
  ASSERT_EQ(report.exit_code, 0) << report.stderr_text;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir + "/link.html")));
  EXPECT_NE(ReadFile(dir + "/real.html")->find("<html"), std::string::npos);

  auto to_stdout = RunInfx({"report", "--db", db, "--static-svg", "-o", "-"});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.stderr_text;
  EXPECT_EQ(to_stdout.stdout_text.rfind("<!DOCTYPE html>", 0), 0u)
      << to_stdout.stdout_text.substr(0, 80);

  fs::create_symlink("/dev/null", dir + "/chart.svg");
  auto chart = RunInfx(
      {"frontier", "--db", db, "--chart", dir + "/chart.svg", "--csv", "-"});
  ASSERT_EQ(chart.exit_code, 0) << chart.stderr_text;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dir + "/chart.svg")));
  EXPECT_NE(chart.stdout_text.find("kind,run_id,"), std::string::npos);
}

}  // namespace
}  // namespace infx
