#include "store/change_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/results_store.h"

namespace infx::store {
namespace {

TEST(ChangeWatcherTest, TokenMovesWithEveryVisibleWrite) {
  const std::string db = (std::filesystem::temp_directory_path() /
                          ("infx-watch-" + std::to_string(::getpid()) + ".db"))
                             .string();
  std::filesystem::remove(db);
  EXPECT_EQ(ChangeWatcher::Open(db).status().code(), ErrorCode::kNotFound);
  auto store = OpenResultsStore(db);
  ASSERT_TRUE(store.ok());
  auto watcher = ChangeWatcher::Open(db);
  ASSERT_TRUE(watcher.ok()) << watcher.status().message();
  auto token = [&] { return (*watcher)->Token().value_or("error"); };
  const std::string t0 = token();
  EXPECT_EQ(token(), t0);  // nothing written: same token

  auto run = (*store)->CreateRun({.matrix_text = "x"});
  ASSERT_TRUE(run.ok());
  const std::string t1 = token();
  EXPECT_NE(t1, t0);
  ConfigRecord c{.run_id = *run, .config_key = "a"};
  ASSERT_TRUE((*store)->UpsertConfig(c).ok());
  const std::string t2 = token();
  EXPECT_NE(t2, t1);
  PointRecord p;
  p.key = {*run, "a", 8, 8, 1.0, 1, 0, 0};
  ASSERT_TRUE((*store)->InsertPoint(p).ok());
  const std::string t3 = token();
  EXPECT_NE(t3, t2);
  ASSERT_TRUE(
      (*store)
          ->InsertEval({.run_id = *run, .config_key = "a", .task = "gsm8k"})
          .ok());
  const std::string t4 = token();
  EXPECT_NE(t4, t3);
  ASSERT_TRUE((*store)->FinishRun(*run, kRunCompleted).ok());
  EXPECT_NE(token(), t4);
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
}

}  // namespace
}  // namespace infx::store
