// Opening a store: concurrent creators, read-only opens that leave other
// files untouched, URL schemes and password redaction (issue 12, defects 6,
// 8 and 9).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"
#include "store/results_store.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_open_test_tmp";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return path.string();
}

// One writer: open (creating the schema), a run, a config, some points.
bool WriteOneRun(const std::string& path, int writer) {
  auto store = OpenResultsStore(path);
  if (!store.ok()) {
    fprintf(stderr, "writer %d: %s\n", writer,
            store.status().ToString().c_str());
    return false;
  }
  auto run = (*store)->CreateRun({"m: x\n", "0.1.0", "sha", "host", ""});
  if (!run.ok()) {
    fprintf(stderr, "writer %d: %s\n", writer, run.status().ToString().c_str());
    return false;
  }
  ConfigRecord c;
  c.run_id = *run;
  c.config_key = "cfg" + std::to_string(writer);
  if (!(*store)->UpsertConfig(c).ok()) return false;
  for (int conc = 1; conc <= 4; ++conc) {
    PointRecord p;
    p.key = {*run, c.config_key, 128, 128, 1.0, conc, 0, 0};
    p.metrics.completed = 1;
    auto inserted = (*store)->InsertPoint(p);
    if (!inserted.ok() || !*inserted) {
      fprintf(stderr, "writer %d: point failed\n", writer);
      return false;
    }
  }
  return true;
}

// Issue 12 defect 6: sweeps started together on a new database failed with
// "database is locked". Real processes, each with its own connection, all
// create the schema and write at once; every one must succeed.
TEST(StoreOpenTest, ConcurrentProcessesOnANewDatabaseAllSucceed) {
  constexpr int kWriters = 8;
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path =
        TempPath("concurrent" + std::to_string(round) + ".db");
    std::vector<pid_t> children;
    for (int w = 0; w < kWriters; ++w) {
      pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) _exit(WriteOneRun(path, w) ? 0 : 1);
      children.push_back(pid);
    }
    int failed = 0;
    for (pid_t pid : children) {
      int status = 0;
      waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    EXPECT_EQ(failed, 0) << "round " << round;
    auto store = OpenResultsStoreReadOnly(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->ListRuns()->size(), static_cast<size_t>(kWriters));
  }
}

// An SQLite file of somebody else's, in the default rollback-journal mode.
void MakeForeignDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE songs (title TEXT);"
                         "INSERT INTO songs VALUES ('la');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

// Issue 12 defect 8: frontier, report and sweep switched an unrelated
// SQLite file to WAL mode before refusing it.
TEST(StoreOpenTest, ForeignSqliteFileIsRefusedAndNotModified) {
  const std::string path = TempPath("foreign.db");
  MakeForeignDatabase(path);
  const std::string before = *ReadFile(path);
  auto read_only = OpenResultsStoreReadOnly(path);
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(read_only.status().message().find("not an infx results store"),
            std::string::npos)
      << read_only.status().message();
  auto writable = OpenResultsStore(path);
  ASSERT_FALSE(writable.ok());
  EXPECT_EQ(writable.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*ReadFile(path), before);  // byte 18-19: journal mode, not WAL
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

// Issue 12 defect 8: `infx frontier` created the whole schema in a 0-byte
// file.
TEST(StoreOpenTest, ReadOnlyOpenOfEmptyFileCreatesNothing) {
  const std::string path = TempPath("empty.db");
  ASSERT_TRUE(WriteFileAtomic(path, "").ok());
  auto store = OpenResultsStoreReadOnly(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

TEST(StoreOpenTest, ReadOnlyOpenReadsAStoreAndRefusesWrites) {
  const std::string path = TempPath("readonly.db");
  ASSERT_TRUE(WriteOneRun(path, 0));
  auto store = OpenResultsStoreReadOnly(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto latest = (*store)->LatestRun();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*store)->ListPoints(latest->run_id)->size(), 4u);
  EXPECT_FALSE(
      (*store)->CreateRun({"m: x\n", "0.1.0", "sha", "host", ""}).ok());
}

TEST(StoreOpenTest, MissingFileForResumeIsNotFoundAndNotCreated) {
  const std::string path = TempPath("typo.db");
  auto store = OpenExistingResultsStore(path);
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

// Issue 12 defect 8: a mysql:// URL was taken as an SQLite path.
TEST(StoreOpenTest, UnknownUrlSchemeIsAnError) {
  const std::string cwd_file = "mysql:";
  std::filesystem::remove_all(cwd_file);
  for (const std::string url :
       {"mysql://user@db/infx", "sqlite+foo://x", "http://example/x.db"}) {
    auto store = OpenResultsStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(store.status().message().find("unknown store URL scheme"),
              std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(cwd_file));
}

// Issue 12 defect 9: "?password=" was not redacted.
TEST(StoreOpenTest, RedactsPasswordsInUserinfoAndQuery) {
  EXPECT_EQ(RedactStoreUrl("postgresql://u:pw@h:5432/db"),
            "postgresql://u@h:5432/db");
  EXPECT_EQ(RedactStoreUrl("postgresql://u@h/db?password=hunter2"),
            "postgresql://u@h/db");
  EXPECT_EQ(
      RedactStoreUrl("postgresql://u@h/db?sslmode=require&password=x%40y&a=b"),
      "postgresql://u@h/db?sslmode=require&a=b");
  EXPECT_EQ(RedactStoreUrl("postgres://u:p@ss@h/db?password=q"),
            "postgres://u@h/db");
  EXPECT_EQ(RedactStoreUrl("infx.db"), "infx.db");
  EXPECT_EQ(ScrubStoreUrlSecrets("bad token x@y and x%40y",
                                 "postgresql://h/db?password=x%40y"),
            "bad token *** and ***");
}

TEST(StoreOpenTest, ConnectionErrorsNeverShowThePassword) {
  // Port 1 on loopback refuses at once; no server needed.
  for (const std::string url :
       {"postgresql://infx@127.0.0.1:1/db?password=hunter2",
        "postgresql://infx:hunter2@127.0.0.1:1/db",
        "postgresql://infx@127.0.0.1:1/db?password=hunter2&bogus_param=1"}) {
    auto store = OpenResultsStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos)
        << store.status().message();
  }
}

}  // namespace
}  // namespace infx::store
