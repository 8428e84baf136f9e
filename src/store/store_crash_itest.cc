// kill -9 while a process is inserting points into an SQLite store: the
// file stays intact, every acknowledged point is there, at most the point in
// flight is lost, and resuming (HasPoint + InsertPoint) fills the rest
// without duplicates.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "store/results_store.h"
#include "store/sql_connection.h"

namespace infx::store {
namespace {

PointRecord PointAt(int64_t run_id, int i) {
  PointRecord p;
  p.key = {run_id, "cfg", 128, 128, 1.0, i + 1, 0, 0};
  p.metrics.tput_per_gpu_total = 10.0 * (i + 1);
  p.metrics.interactivity_tok_s_user = 1000.0 / (i + 1);
  p.metrics.completed = 1;
  p.request_summaries = nlohmann::json::array({{{"i", i}}});
  return p;
}

// Child: insert points forever, acknowledging each committed one on `fd`.
[[noreturn]] void InsertForever(const std::string& path, int64_t run_id,
                                int fd) {
  auto store = OpenResultsStore(path);
  if (!store.ok()) _exit(2);
  for (int i = 0;; ++i) {
    auto inserted = (*store)->InsertPoint(PointAt(run_id, i));
    if (!inserted.ok() || !*inserted) _exit(3);
    if (write(fd, &i, sizeof i) != sizeof i) _exit(4);
  }
}

TEST(StoreCrashTest, KillNineLosesAtMostThePointInFlight) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "store_crash_tmp";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "infx.db").string();
  int64_t run_id = 0;
  {
    auto store = OpenResultsStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto run = (*store)->CreateRun({"m", "0.1.0", "sha", "host", ""});
    ASSERT_TRUE(run.ok());
    run_id = *run;
    ConfigRecord c;
    c.run_id = run_id;
    c.config_key = "cfg";
    ASSERT_TRUE((*store)->UpsertConfig(c).ok());
  }

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    InsertForever(path, run_id, fds[1]);
  }
  close(fds[1]);
  int acked = 0, i = 0;
  while (acked < 25 && read(fds[0], &i, sizeof i) == sizeof i) acked = i + 1;
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(wstatus)) << "child exited early: " << wstatus;
  while (read(fds[0], &i, sizeof i) == sizeof i) acked = i + 1;
  close(fds[0]);
  ASSERT_GE(acked, 25);

  // Reopen after the crash: intact, acknowledged points all present.
  {
    auto conn = OpenSqliteConnection(path, SqliteOpenMode::kExisting);
    ASSERT_TRUE(conn.ok());
    auto check = (*conn)->Query("PRAGMA integrity_check", {});
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(check->at(0).at(0), "ok");
  }
  auto store = OpenResultsStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto points = (*store)->ListPoints(run_id);
  ASSERT_TRUE(points.ok());
  const int stored = static_cast<int>(points->size());
  EXPECT_GE(stored, acked);
  EXPECT_LE(stored, acked + 1);  // the one in flight may have committed
  for (int k = 0; k < stored; ++k) {
    EXPECT_EQ((*points)[k].key.concurrency, k + 1);  // no holes
    EXPECT_FALSE(
        (*store)->GetRequestSummaries((*points)[k].point_id)->is_null());
  }

  // Resume: only the missing points are inserted.
  const int target = stored + 5;
  int inserted = 0;
  for (int k = 0; k < target; ++k) {
    PointRecord p = PointAt(run_id, k);
    if (*(*store)->HasPoint(p.key)) continue;
    ASSERT_TRUE(*(*store)->InsertPoint(p));
    ++inserted;
  }
  EXPECT_EQ(inserted, 5);
  EXPECT_EQ(static_cast<int>((*store)->ListPoints(run_id)->size()), target);
}

}  // namespace
}  // namespace infx::store
