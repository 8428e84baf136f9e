#include "living/schedule.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace infx::living {
namespace {

// Golden files live in src/living/testdata; INFX_UPDATE_GOLDEN=1 rewrites
// them (review the diff before committing).
void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path =
      std::string(INFX_SOURCE_DIR) + "/src/living/testdata/" + name;
  if (std::getenv("INFX_UPDATE_GOLDEN")) std::ofstream(path) << actual;
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden " << name;
}

ScheduleSpec Spec(const std::string& every) {
  ScheduleSpec s;
  s.name = "infx-nightly";
  s.infx_bin = "/usr/local/bin/infx";
  s.matrix_path = "/srv/infx/nightly.yaml";
  s.store_flag = "--db";
  s.store_value = "/srv/infx/nightly.db";
  s.workdir = "/srv/infx";
  s.reports_dir = "/srv/infx/infx-reports";
  s.labels = {"site=lab 1"};
  auto e = ParseEvery(every);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  s.every = *e;
  s.system_units = true;
  s.units_dir = "/etc/systemd/system";
  return s;
}

TEST(ScheduleTest, SystemdDryRunGolden) {
  auto plan = PlanSchedule(Spec("daily"), ScheduleForm::kSystemd);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ExpectGolden("schedule_systemd.golden", FormatPlan(*plan));
}

TEST(ScheduleTest, CronDryRunGolden) {
  auto plan = PlanSchedule(Spec("6h"), ScheduleForm::kCron);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ExpectGolden("schedule_cron.golden", FormatPlan(*plan));
}

TEST(ScheduleTest, SlurmDryRunGolden) {
  auto plan = PlanSchedule(Spec("daily"), ScheduleForm::kSlurm);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ExpectGolden("schedule_slurm.golden", FormatPlan(*plan));
  auto cron = PlanSchedule(Spec("30 2 * * 1-5"), ScheduleForm::kSlurm);
  ASSERT_TRUE(cron.ok());
  EXPECT_NE(FormatPlan(*cron).find(
                "next=$(/usr/local/bin/infx schedule --next-cron '30 2 * * "
                "1-5')\nsbatch --begin=\"$next\""),
            std::string::npos)
      << FormatPlan(*cron);
}

TEST(ScheduleTest, ParsesEveryForms) {
  auto six = ParseEvery("6h");
  ASSERT_TRUE(six.ok());
  EXPECT_EQ(six->on_calendar, "*-*-* 00/06:00:00");
  EXPECT_EQ(six->cron, "0 */6 * * *");
  EXPECT_EQ(six->slurm_begin, "now+6hours");
  auto quarter = ParseEvery("15m");
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->cron, "*/15 * * * *");
  EXPECT_EQ(quarter->on_calendar, "*-*-* *:00/15:00");
  auto daily = ParseEvery("daily");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->on_calendar, "daily");
  EXPECT_EQ(daily->cron, "0 0 * * *");
  auto cron = ParseEvery("30 2 * * 1-5");
  ASSERT_TRUE(cron.ok()) << cron.status().ToString();
  EXPECT_EQ(cron->cron, "30 2 * * 1-5");
  EXPECT_EQ(cron->on_calendar, "Mon,Tue,Wed,Thu,Fri *-*-* 02:30:00");
  EXPECT_EQ(cron->slurm_begin, "");
  auto list = ParseEvery("0,30 */12 1 * *");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->on_calendar, "*-*-01 00,12:00,30:00");
  for (const char* bad : {"5h", "0h", "90m", "often", "61 * * * *", "* * * *",
                          "1-x * * * *", "*/0 * * * *"}) {
    auto r = ParseEvery(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos)
        << r.status().message();
  }
}

TEST(ScheduleTest, SystemdRefusesCronWithBothDayFields) {
  auto both = ParseEvery("0 0 1 * 1");
  ASSERT_TRUE(both.ok());
  ScheduleSpec s = Spec("daily");
  s.every = *both;
  EXPECT_FALSE(PlanSchedule(s, ScheduleForm::kSystemd).ok());
  EXPECT_TRUE(PlanSchedule(s, ScheduleForm::kCron).ok());
}

TEST(ScheduleTest, NextCronTime) {
  // 2026-11-29T09:00:00Z is a Sunday.
  const int64_t t = 1795942800;
  EXPECT_EQ(*NextCronTime("30 2 * * 1-5", t), "2026-11-30T02:30:00");
  EXPECT_EQ(*NextCronTime("*/15 * * * *", t), "2026-11-29T09:15:00");
  EXPECT_EQ(*NextCronTime("0 0 1 1 *", t), "2027-01-01T00:00:00");
  // Both day fields restricted: either matches (the 1st or a Monday).
  EXPECT_EQ(*NextCronTime("0 0 1 * 1", t), "2026-11-30T00:00:00");
  EXPECT_EQ(NextCronTime("0 0 31 2 *", t).status().code(),
            ErrorCode::kNotFound);
  EXPECT_FALSE(NextCronTime("bad", t).ok());
}

TEST(ScheduleTest, ShellQuoting) {
  EXPECT_EQ(ShellQuote("/srv/infx/a.yaml"), "/srv/infx/a.yaml");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ScheduleTest, BadNameIsRefused) {
  ScheduleSpec s = Spec("daily");
  s.name = "a b";
  EXPECT_FALSE(PlanSchedule(s, ScheduleForm::kCron).ok());
}

}  // namespace
}  // namespace infx::living
