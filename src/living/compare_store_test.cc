#include "living/compare_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace infx::living {
namespace {

using ::testing::ElementsAre;

store::RunRecord MakeRun(int64_t id, const std::string& matrix,
                         std::string_view status = store::kRunCompleted) {
  store::RunRecord r;
  r.run_id = id;
  r.matrix_name = matrix;
  r.status = std::string(status);
  return r;
}

TEST(NoiseHistoryRuns, EarlierRunsOfTheBaselinesMatrixNewestFirst) {
  // Newest first, as ListRuns.
  const std::vector<store::RunRecord> runs = {
      MakeRun(9, "a"), MakeRun(8, "a"),
      MakeRun(7, "b"), MakeRun(6, "a", store::kRunRunning),
      MakeRun(5, "a"), MakeRun(4, "a"),
      MakeRun(3, "b"), MakeRun(2, "a"),
      MakeRun(1, "a")};
  const store::RunRecord baseline = MakeRun(8, "a");
  // Not the baseline or later, not matrix b, not the running run 6.
  EXPECT_THAT(NoiseHistoryRuns(runs, baseline, 9, 10), ElementsAre(5, 4, 2, 1));
  // At most max_runs, the newest ones.
  EXPECT_THAT(NoiseHistoryRuns(runs, baseline, 9, 2), ElementsAre(5, 4));
  // The current run is never its own history, even when it is older.
  EXPECT_THAT(NoiseHistoryRuns(runs, baseline, 4, 10), ElementsAre(5, 2, 1));
  EXPECT_TRUE(NoiseHistoryRuns(runs, MakeRun(1, "a"), 9, 10).empty());
}

}  // namespace
}  // namespace infx::living
