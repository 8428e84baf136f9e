// PostgreSQL results store against SQLite: the same points give the same
// stored values and identical frontiers, through the library and through
// `infx frontier`. Needs INFX_TEST_PG_URL (scripts/start-services.sh); when it
// is missing the tests skip, or fail when CI=true. Each test works in its own
// PostgreSQL schema, dropped afterwards, so tests can run in parallel.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "frontier/analysis.h"
#include "frontier/format.h"
#include "store/results_store.h"
#include "store/sql_connection.h"
#include "test_support.h"

namespace infx {
namespace {

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("INFX_TEST_PG_URL");
    if (url == nullptr || *url == '\0') {
      if (InCi()) {
        FAIL() << "INFX_TEST_PG_URL is not set but CI=true: "
                  "scripts/start-services.sh must start PostgreSQL";
      }
      GTEST_SKIP() << "INFX_TEST_PG_URL not set";
    }
    base_url_ = url;
    schema_ = "infx_it_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : schema_) c = static_cast<char>(std::tolower(c));
    auto admin = store::OpenPostgresConnection(base_url_);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(admin).value();
    ASSERT_TRUE(admin_
                    ->ExecScript("DROP SCHEMA IF EXISTS " + schema_ +
                                 " CASCADE; CREATE SCHEMA " + schema_)
                    .ok());
    const char sep = base_url_.find('?') == std::string::npos ? '?' : '&';
    url_ = base_url_ + sep + "options=-csearch_path%3D" + schema_;
  }
  void TearDown() override {
    if (admin_) {
      (void)admin_->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  std::string base_url_, url_, schema_;
  std::unique_ptr<store::SqlConnection> admin_;
};

// A small sweep: two configs, three concurrencies, two repetitions, with
// awkward doubles, a NaN metric and request summaries.
void FillStore(store::ResultsStore& s) {
  auto run = s.CreateRun({"model: llama\n", "0.1.0", "abc", "host", ""});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  for (int tp : {1, 2}) {
    store::ConfigRecord c;
    c.run_id = *run;
    c.config_key = "llama-3.1-8b/h200/bf16/tp" + std::to_string(tp);
    c.hardware = "h200";
    c.num_gpus = tp;
    c.details = {{"model", "llama-3.1-8b"}, {"tp", tp}};
    ASSERT_TRUE(s.UpsertConfig(c).ok());
    for (int conc : {1, 16, 256}) {
      for (int rep : {0, 1}) {
        store::PointRecord p;
        p.key = {*run, c.config_key, 1024, 1024, 0.8, conc, 0, rep};
        p.metrics.tput_per_gpu_total = 1234.5678 / 3 * conc / tp + rep * 0.1;
        p.metrics.tput_per_gpu_output = p.metrics.tput_per_gpu_total / 7;
        p.metrics.interactivity_tok_s_user = 1000.0 / (9.7 + conc * 0.31 / tp);
        p.metrics.median_e2el_ms = 1e6 / p.metrics.interactivity_tok_s_user;
        p.metrics.median_ttft_ms = 10.0 / 3.0 + conc;
        p.metrics.p99_itl_ms = std::nan("");
        p.metrics.completed = 10 * conc;
        p.metrics_json = {{"note", "π ≈ 3.14159"}, {"conc", conc}};
        p.request_summaries = {{{"ttft_ms", 1.0 / 3.0}}};
        auto inserted = s.InsertPoint(p);
        ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
      }
    }
  }
}

// issue 12 defect 1 (`sweep --retry-failed`): DeleteFailedPoint removes a
// point stored with zero completions (and its request summaries), and
// leaves a point with completions alone, on both backends.
TEST_F(PgStoreTest, DeleteFailedPointRemovesOnlyFailedPoints) {
  auto pg = store::OpenResultsStore(url_);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto lite = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(lite.ok());
  for (store::ResultsStore* s : {pg->get(), lite->get()}) {
    auto run = s->CreateRun({"m", "0.1.0", "abc", "host", ""});
    ASSERT_TRUE(run.ok());
    store::ConfigRecord c;
    c.run_id = *run;
    c.config_key = "k";
    c.num_gpus = 1;
    ASSERT_TRUE(s->UpsertConfig(c).ok());
    store::PointRecord failed;
    failed.key = {*run, "k", 8, 8, 1.0, 64, 0, 0};
    failed.metrics.failed = 5;
    failed.request_summaries = {{{"ok", false}}};
    ASSERT_TRUE(s->InsertPoint(failed).ok());
    store::PointRecord ok = failed;
    ok.key.concurrency = 1;
    ok.metrics.completed = 5;
    ASSERT_TRUE(s->InsertPoint(ok).ok());
    auto removed = s->DeleteFailedPoint(failed.key);
    ASSERT_TRUE(removed.ok())
        << s->Describe() << ": " << removed.status().ToString();
    EXPECT_TRUE(*removed);
    EXPECT_FALSE(*s->DeleteFailedPoint(ok.key));
    EXPECT_FALSE(*s->HasPoint(failed.key));
    EXPECT_TRUE(*s->HasPoint(ok.key));
    failed.metrics.completed = 5;  // the retry stores the new measurement
    EXPECT_TRUE(*s->InsertPoint(failed));
  }
}

TEST_F(PgStoreTest, SameStoredValuesAndFrontiersAsSqlite) {
  auto pg = store::OpenResultsStore(url_);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto lite = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(lite.ok());
  FillStore(**pg);
  FillStore(**lite);
  auto pg_run = (*pg)->LatestRun();
  auto lite_run = (*lite)->LatestRun();
  ASSERT_TRUE(pg_run.ok() && lite_run.ok());

  auto pg_points = (*pg)->ListPoints(pg_run->run_id);
  auto lite_points = (*lite)->ListPoints(lite_run->run_id);
  ASSERT_TRUE(pg_points.ok() && lite_points.ok());
  ASSERT_EQ(pg_points->size(), 12u);
  ASSERT_EQ(pg_points->size(), lite_points->size());
  for (size_t i = 0; i < pg_points->size(); ++i) {
    const auto& a = (*pg_points)[i];
    const auto& b = (*lite_points)[i];
    EXPECT_EQ(a.key.config_key, b.key.config_key);
    EXPECT_EQ(a.key.concurrency, b.key.concurrency);
    EXPECT_EQ(a.key.range_ratio, b.key.range_ratio);
    EXPECT_EQ(a.metrics.tput_per_gpu_total, b.metrics.tput_per_gpu_total);
    EXPECT_EQ(a.metrics.interactivity_tok_s_user,
              b.metrics.interactivity_tok_s_user);
    EXPECT_TRUE(std::isnan(a.metrics.p99_itl_ms));
    EXPECT_EQ(a.metrics_json, b.metrics_json);
    EXPECT_EQ(*(*pg)->GetRequestSummaries(a.point_id),
              *(*lite)->GetRequestSummaries(b.point_id));
  }

  for (auto x : {frontier::XMetric::kInteractivity, frontier::XMetric::kE2el,
                 frontier::XMetric::kTtft}) {
    frontier::AnalysisOptions o;
    o.x = x;
    auto fa = frontier::AnalyzeRun(**pg, pg_run->run_id, o, {});
    auto fb = frontier::AnalyzeRun(**lite, lite_run->run_id, o, {});
    ASSERT_TRUE(fa.ok() && fb.ok());
    ASSERT_EQ(fa->scenarios.size(), 1u);
    ASSERT_EQ(fb->scenarios.size(), 1u);
    const auto& sa = fa->scenarios[0].frontier;
    const auto& sb = fb->scenarios[0].frontier;
    ASSERT_FALSE(sa.empty());
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) {
      EXPECT_EQ(sa[i].x, sb[i].x);  // exact: doubles round-trip both stores
      EXPECT_EQ(sa[i].y, sb[i].y);
      EXPECT_EQ(sa[i].config_key, sb[i].config_key);
    }
    EXPECT_EQ(frontier::FrontierCsv(*fa), frontier::FrontierCsv(*fb));
  }
}

TEST_F(PgStoreTest, InsertPointIsIdempotentAndRunsFinish) {
  auto pg = store::OpenResultsStore(url_);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  FillStore(**pg);
  auto run = (*pg)->LatestRun();
  ASSERT_TRUE(run.ok());
  // Resume: the same points again are all recognised and none duplicated.
  auto points = (*pg)->ListPoints(run->run_id);
  ASSERT_TRUE(points.ok());
  for (const auto& p : *points) {
    EXPECT_TRUE(*(*pg)->HasPoint(p.key));
    auto again = (*pg)->InsertPoint(p);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
  }
  EXPECT_EQ((*pg)->ListPoints(run->run_id)->size(), points->size());
  ASSERT_TRUE((*pg)->FinishRun(run->run_id, store::kRunCompleted).ok());
  EXPECT_EQ((*pg)->GetRun(run->run_id)->status, store::kRunCompleted);
  // A second open of a migrated schema is a no-op.
  auto reopened = store::OpenResultsStore(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->ListRuns()->size(), 1u);
}

TEST_F(PgStoreTest, NewerSchemaIsRefusedAndUntouched) {
  {
    auto pg = store::OpenResultsStore(url_);
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    FillStore(**pg);
  }
  ASSERT_TRUE(
      admin_->ExecScript("UPDATE " + schema_ + ".infx_schema SET version = 42")
          .ok());
  auto pg = store::OpenResultsStore(url_);
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(pg.status().message().find("schema version 42"), std::string::npos);
  auto rows = admin_->Query("SELECT count(*) FROM " + schema_ + ".points", {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->at(0).at(0), "12");
}

// Issue 12 defect 9: a password given as ?password= was printed by the
// sweep's store: line and --json and kept in error messages.
TEST_F(PgStoreTest, QueryPasswordIsRedactedEverywhere) {
  const std::string url = url_ + "&password=hunter2";
  auto pg = store::OpenResultsStore(url);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  EXPECT_EQ((*pg)->Describe().find("hunter2"), std::string::npos)
      << (*pg)->Describe();
  const std::string dir = testing::ScratchDir("store_pg_redact");
  const std::string matrix =
      std::string(INFX_SOURCE_DIR) + "/examples/smoke.yaml";
  auto human = testing::RunInfx({"sweep", matrix, "--store", url, "--report",
                                 dir + "/r.html", "--quiet"});
  ASSERT_EQ(human.exit_code, 0) << human.stderr_text;
  EXPECT_NE(human.stdout_text.find("store: postgresql://"), std::string::npos);
  auto json = testing::RunInfx({"sweep", matrix, "--store", url, "--report",
                                dir + "/r.html", "--quiet", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.stderr_text;
  for (const auto* out : {&human, &json}) {
    EXPECT_EQ(out->stdout_text.find("hunter2"), std::string::npos);
    EXPECT_EQ(out->stderr_text.find("hunter2"), std::string::npos);
  }
  auto bad = testing::RunInfx(
      {"frontier", "--store", url + "&bogus_option=1", "--json"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.stderr_text.find("hunter2"), std::string::npos)
      << bad.stderr_text;
}

// Issue 12 defect 8 on PostgreSQL: a read-only command never creates the
// schema in a database that has none.
TEST_F(PgStoreTest, ReadOnlyOpenOfEmptyDatabaseCreatesNothing) {
  auto pg = store::OpenResultsStoreReadOnly(url_);
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.status().code(), ErrorCode::kFailedPrecondition);
  auto rows = admin_->Query(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
      {schema_});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->at(0).at(0), "0");
}

TEST(PgStoreErrorsTest, UnreachableServerIsAClearError) {
  auto pg = store::OpenResultsStore(
      "postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(pg.status().message().find("cannot connect"), std::string::npos);
  EXPECT_EQ(pg.status().message().find("secret"), std::string::npos);
}

TEST_F(PgStoreTest, FrontierCommandGivesSameJsonForBothStores) {
  const std::string dir = testing::ScratchDir("store_pg_frontier_cli");
  const std::string db = dir + "/infx.db";
  {
    auto pg = store::OpenResultsStore(url_);
    auto lite = store::OpenResultsStore(db);
    ASSERT_TRUE(pg.ok() && lite.ok());
    FillStore(**pg);
    FillStore(**lite);
  }
  auto from_pg = testing::RunInfx({"frontier", "--store", url_, "--json"});
  auto from_lite = testing::RunInfx({"frontier", "--db", db, "--json"});
  ASSERT_EQ(from_pg.exit_code, 0) << from_pg.stderr_text;
  ASSERT_EQ(from_lite.exit_code, 0) << from_lite.stderr_text;
  auto a = nlohmann::json::parse(from_pg.stdout_text);
  auto b = nlohmann::json::parse(from_lite.stdout_text);
  ASSERT_FALSE(a["scenarios"].empty());
  EXPECT_EQ(a["scenarios"], b["scenarios"]);
}

// Calibration fits (schema 5) are kept with their run on both backends.
TEST_F(PgStoreTest, CalibrationFitsAreKeptWithTheirRun) {
  auto pg = store::OpenResultsStore(url_);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto lite = store::OpenResultsStore(":memory:");
  ASSERT_TRUE(lite.ok());
  for (store::ResultsStore* s : {pg->get(), lite->get()}) {
    auto run1 = s->CreateRun({"m: 1\n", "0.1.0", "abc", "host", ""});
    auto run2 = s->CreateRun({"m: 2\n", "0.1.0", "abc", "host", ""});
    ASSERT_TRUE(run1.ok() && run2.ok());
    store::CalibrationFitRecord fit;
    fit.run_id = *run1;
    fit.hardware = "h200";
    fit.engine = "vllm";
    fit.fit = {{"factors", {{"gemm_mfu", {{"value", 0.434}}}}}};
    auto id1 = s->InsertCalibrationFit(fit);
    ASSERT_TRUE(id1.ok()) << s->Describe() << ": " << id1.status().ToString();
    fit.run_id = *run2;
    fit.engine_version = "0.10.2";
    fit.fit["factors"]["gemm_mfu"]["value"] = 0.5;
    ASSERT_TRUE(s->InsertCalibrationFit(fit).ok());
    fit.run_id = *run2 + 100;  // no such run
    EXPECT_FALSE(s->InsertCalibrationFit(fit).ok()) << s->Describe();

    auto first = s->ListCalibrationFits(*run1);
    ASSERT_TRUE(first.ok())
        << s->Describe() << ": " << first.status().ToString();
    ASSERT_EQ(first->size(), 1u) << s->Describe();
    EXPECT_EQ((*first)[0].fit_id, *id1);
    EXPECT_DOUBLE_EQ((*first)[0].fit["factors"]["gemm_mfu"]["value"], 0.434);
    auto all = s->ListCalibrationFits(0);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u) << s->Describe();
    EXPECT_EQ((*all)[1].run_id, *run2);
    EXPECT_EQ((*all)[1].engine_version, "0.10.2");
    EXPECT_FALSE((*all)[1].recorded_at.empty());
  }
}

}  // namespace
}  // namespace infx
