#include "report/report.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

namespace infx::report {
namespace {

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenResultsStore(":memory:");
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
    auto run = store_->CreateRun(
        {"model: llama\n<tag>\n", "0.1.0", "abc", "node1", ""});
    ASSERT_TRUE(run.ok());
    run_ = *run;
    store::ConfigRecord c;
    c.run_id = run_;
    c.config_key = "llama/h200/tp<2>";
    c.hardware = "h200";
    c.num_gpus = 2;
    c.details = {{"model", "llama-3.1-8b"},
                 {"tp", 2},
                 {"predicted_points",
                  {{{"concurrency", 8},
                    {"interactivity_tok_s_user", 70},
                    {"tput_per_gpu_total", 1100}}}}};
    ASSERT_TRUE(store_->UpsertConfig(c).ok());
    for (int conc : {1, 8, 64}) {
      store::PointRecord p;
      p.key = {run_, c.config_key, 1024, 1024, 1.0, conc, 0, 0};
      p.metrics.tput_per_gpu_total = 150.0 * conc;
      p.metrics.interactivity_tok_s_user = 100.0 / (1 + conc * 0.05);
      p.metrics.median_e2el_ms = 1000 + 50.0 * conc;
      p.metrics.completed = 10;
      ASSERT_TRUE(store_->InsertPoint(p).ok());
    }
    store::EvalRecord e;
    e.run_id = run_;
    e.config_key = c.config_key;
    e.task = "gsm8k";
    e.accuracy = 0.8125;
    e.accuracy_stderr = 0.01;
    e.num_questions = 1319;
    ASSERT_TRUE(store_->InsertEval(e).ok());
  }

  std::unique_ptr<store::ResultsStore> store_;
  int64_t run_ = 0;
};

TEST_F(ReportTest, HtmlIsSelfContainedWithChartsAndTables) {
  auto data = LoadReportData(*store_, run_);
  ASSERT_TRUE(data.ok());
  const std::string html = RenderHtmlReport(*data, {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  // Two inline charts (interactivity and E2E latency views).
  size_t svgs = 0;
  for (size_t pos = html.find("<svg"); pos != std::string::npos;
       pos = html.find("<svg", pos + 1)) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 2u);
  // Nothing loaded from elsewhere.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // User text is escaped.
  EXPECT_NE(html.find("tp&lt;2&gt;"), std::string::npos);
  EXPECT_EQ(html.find("tp<2>"), std::string::npos);
  EXPECT_NE(html.find("&lt;tag&gt;"), std::string::npos);
  // Sections.
  EXPECT_NE(html.find("llama-3.1-8b isl=1024 osl=1024"), std::string::npos);
  EXPECT_NE(html.find("Planner predictions vs measured"), std::string::npos);
  EXPECT_NE(html.find("1100.0"), std::string::npos);  // predicted tok/s/GPU
  // Measured 1200 at concurrency 8: -8.3%, per scenario and for the run.
  EXPECT_NE(html.find(">-8.3<"), std::string::npos);
  EXPECT_NE(html.find("median |error| of tok/s/GPU: 8.3% over 1 points"),
            std::string::npos);
  EXPECT_NE(html.find("whole run: median |error| of tok/s/GPU 8.3% over 1"),
            std::string::npos);
  EXPECT_NE(html.find("81.25%"), std::string::npos);  // eval accuracy
  EXPECT_NE(html.find("Throughput at iso levels"), std::string::npos);
  // H200 has a price in the built-in catalog, so cost cells are filled.
  EXPECT_NE(html.find("$/Mtok"), std::string::npos);
}

TEST_F(ReportTest, SearchNotesBecomeAnEscapedSection) {
  auto data = LoadReportData(*store_, run_);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(RenderHtmlReport(*data, {}).find("<h2>Search</h2>"),
            std::string::npos);
  ReportOptions o;
  o.search_notes = {
      "llama isl=1024 osl=1024: 3 of 12 grid points, "
      "hypervolume 99.1% of the predicted full grid",
      "dropped llama/h200/tp<2>: cannot reach the frontier"};
  const std::string html = RenderHtmlReport(*data, o);
  EXPECT_NE(html.find("<h2>Search</h2>"), std::string::npos);
  EXPECT_NE(html.find("3 of 12 grid points"), std::string::npos);
  EXPECT_NE(html.find("dropped llama/h200/tp&lt;2&gt;"), std::string::npos);
}

TEST_F(ReportTest, AccuracyBesidePointsAndFailuresMarked) {
  // The fixture's config-level eval (81.25%) passes a min score of 0.8.
  auto configs = store_->ListConfigs(run_);
  ASSERT_TRUE(configs.ok());
  store::ConfigRecord slow = configs->at(0);
  slow.details["eval_min_score"] = 0.8;
  ASSERT_TRUE(store_->UpsertConfig(slow).ok());
  // A second config, twice as fast, whose eval at c=64 fails its min score.
  store::ConfigRecord fast;
  fast.run_id = run_;
  fast.config_key = "llama/h200/fast";
  fast.hardware = "h200";
  fast.num_gpus = 1;
  fast.details = {{"model", "llama-3.1-8b"}, {"eval_min_score", 0.9}};
  ASSERT_TRUE(store_->UpsertConfig(fast).ok());
  for (int conc : {1, 8, 64}) {
    store::PointRecord p;
    p.key = {run_, fast.config_key, 1024, 1024, 1.0, conc, 0, 0};
    p.metrics.tput_per_gpu_total = 300.0 * conc;
    p.metrics.interactivity_tok_s_user = 200.0 / (1 + conc * 0.05);
    p.metrics.completed = 10;
    ASSERT_TRUE(store_->InsertPoint(p).ok());
  }
  auto points = store_->ListPoints(run_);
  ASSERT_TRUE(points.ok());
  int64_t c64 = 0;
  for (const auto& p : *points) {
    if (p.key.config_key == fast.config_key && p.key.concurrency == 64) {
      c64 = p.point_id;
    }
  }
  store::EvalRecord e;
  e.run_id = run_;
  e.config_key = fast.config_key;
  e.point_id = c64;
  e.task = "gsm8k";
  e.num_questions = 8;
  for (int i = 0; i < 8; ++i) {  // strict 6/8, flexible 7/8
    e.outcomes.push_back(
        {{"index", i}, {"strict_correct", i < 6}, {"flexible_correct", i < 7}});
  }
  e.accuracy = 0.75;
  ASSERT_TRUE(store_->InsertEval(e).ok());

  auto data = LoadReportData(*store_, run_);
  ASSERT_TRUE(data.ok());
  const std::string html = RenderHtmlReport(*data, {});
  // 6/8: sd sqrt(8 * 0.75 * 0.25 / 7), stderr 16.37%; 7/8: 12.50%.
  EXPECT_NE(html.find("75.00% \u00b1 16.37%"), std::string::npos);
  EXPECT_NE(html.find("87.50% \u00b1 12.50%"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"fail\">FAIL</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"fail\">FAIL (config)</td>"),
            std::string::npos);
  EXPECT_NE(html.find("Accuracy FAIL: llama/h200/fast (flagged; still on the "
                      "frontier)"),
            std::string::npos);
  EXPECT_NE(html.find("81.25% \u00b1 1.00% (headline)"), std::string::npos);
  // Flagged, not excluded: the fast config is on the frontier.
  const size_t frontier = html.find("<h3>Frontier</h3>");
  ASSERT_NE(frontier, std::string::npos);
  const size_t frontier_end = html.find("</table>", frontier);
  EXPECT_NE(
      html.substr(frontier, frontier_end - frontier).find("llama/h200/fast"),
      std::string::npos);

  ReportOptions exclude;
  exclude.analysis.exclude_failed_accuracy = true;
  const std::string without = RenderHtmlReport(*data, exclude);
  const size_t f2 = without.find("<h3>Frontier</h3>");
  ASSERT_NE(f2, std::string::npos);
  EXPECT_EQ(without.substr(f2, without.find("</table>", f2) - f2)
                .find("llama/h200/fast"),
            std::string::npos);
  EXPECT_NE(without.find("(left off the frontier)"), std::string::npos);
  // Still shown among the measured points and configs.
  EXPECT_NE(without.find("llama/h200/fast"), std::string::npos);
}

TEST_F(ReportTest, EmptyRunStillRenders) {
  auto run = store_->CreateRun({"", "0.1.0", "abc", "node1", ""});
  ASSERT_TRUE(run.ok());
  auto data = LoadReportData(*store_, *run);
  ASSERT_TRUE(data.ok());
  const std::string html = RenderHtmlReport(*data, {});
  EXPECT_NE(html.find("No completed points yet"), std::string::npos);
}

TEST_F(ReportTest, WriteHtmlReportWritesFileAndReportsErrors) {
  auto dir = std::filesystem::path(INFX_BINARY_DIR) / "report_test_tmp";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.html").string();
  std::filesystem::remove(path);
  ASSERT_TRUE(WriteHtmlReport(*store_, run_, path, {}).ok());
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("infx run"), std::string::npos);

  EXPECT_EQ(WriteHtmlReport(*store_, 999, path, {}).code(),
            ErrorCode::kNotFound);
  Status bad = WriteHtmlReport(*store_, run_,
                               (dir / "no-such-dir" / "x.html").string(), {});
  EXPECT_EQ(bad.code(), ErrorCode::kIoError);
  EXPECT_NE(bad.message().find("no-such-dir"), std::string::npos);
}

// issue 12 defect 1: a point where every request failed is stored and the
// report shows it as failed, with its failures by kind.
TEST_F(ReportTest, PointWhereEveryRequestFailedIsShownAsFailed) {
  store::PointRecord p;
  p.key = {run_, "llama/h200/tp<2>", 1024, 1024, 1.0, 512, 0, 0};
  p.metrics.completed = 0;
  p.metrics.failed = 12;
  p.metrics_json = {{"failures_by_kind", {{"timeout", 9}, {"http_status", 3}}}};
  ASSERT_TRUE(store_->InsertPoint(p).ok());
  auto data = LoadReportData(*store_, run_);
  ASSERT_TRUE(data.ok());
  const std::string html = RenderHtmlReport(*data, {});
  EXPECT_NE(html.find("<td class=\"fail\">FAILED: http_status 3, timeout 9"),
            std::string::npos);
  EXPECT_NE(html.find("<td>ok</td>"), std::string::npos);
}

}  // namespace
}  // namespace infx::report
