// `infx frontier` and `infx report` end to end on an SQLite store filled
// through the library: outputs (table, CSV, JSON, SVG, HTML) and bad input
// (one error line, exit 1, nothing damaged).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "store/results_store.h"
#include "test_support.h"

namespace infx {
namespace {

using testing::RunInfx;

// Two runs: run 1 with two configs (tp1 twice as fast as tp2 per GPU), run 2
// a copy of run 1 at half the throughput.
std::string MakeStore(const std::string& dir) {
  const std::string path = dir + "/infx.db";
  auto store = store::OpenResultsStore(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  for (double scale : {1.0, 0.5}) {
    auto run = (*store)->CreateRun({"model: m\n", "0.1.0", "sha", "host", ""});
    EXPECT_TRUE(run.ok());
    for (int tp : {1, 2}) {
      store::ConfigRecord c;
      c.run_id = *run;
      c.config_key = "m/h200/tp" + std::to_string(tp);
      c.hardware = "h200";
      c.num_gpus = tp;
      c.details = {{"model", "m"}};
      EXPECT_TRUE((*store)->UpsertConfig(c).ok());
      for (int conc : {1, 4, 16, 64, 256}) {
        store::PointRecord p;
        p.key = {*run, c.config_key, 1024, 1024, 1.0, conc, 0, 0};
        p.metrics.interactivity_tok_s_user = 120.0 / (1 + conc * 0.02);
        p.metrics.tput_per_gpu_total = scale * 40.0 * conc / tp;
        p.metrics.tput_per_gpu_output = p.metrics.tput_per_gpu_total / 2;
        p.metrics.median_e2el_ms = 1000 + 10.0 * conc;
        p.metrics.completed = 10;
        EXPECT_TRUE((*store)->InsertPoint(p).ok());
      }
    }
    EXPECT_TRUE((*store)->FinishRun(*run, store::kRunCompleted).ok());
  }
  return path;
}

TEST(FrontierCliTest, TableCsvChartAndJson) {
  const std::string dir = testing::ScratchDir("frontier_cli_outputs");
  const std::string db = MakeStore(dir);
  auto out = RunInfx({"frontier", "--db", db, "--run", "1", "--csv",
                      dir + "/f.csv", "--chart", dir + "/f.svg"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stdout_text.find("m isl=1024 osl=1024"), std::string::npos);
  EXPECT_NE(out.stdout_text.find("m/h200/tp1"), std::string::npos);
  // tp1 is twice as fast per GPU at every load: tp2 never on the frontier.
  EXPECT_EQ(out.stdout_text.find("m/h200/tp2"), std::string::npos);
  auto csv = ReadFile(dir + "/f.csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("kind,run_id,", 0), 0u);
  auto svg = ReadFile(dir + "/f.svg");
  ASSERT_TRUE(svg.ok());
  EXPECT_EQ(svg->rfind("<svg", 0), 0u);

  auto json = RunInfx({"frontier", "--db", db, "--json", "--y", "output"});
  ASSERT_EQ(json.exit_code, 0) << json.stderr_text;
  auto j = nlohmann::json::parse(json.stdout_text);
  EXPECT_EQ(j["run_id"], 2);  // latest run by default
  EXPECT_EQ(j["y_metric"], "output");
  EXPECT_EQ(j["scenarios"][0]["frontier"].size(), 5u);
}

TEST(FrontierCliTest, CompareRunsAndConfigs) {
  const std::string dir = testing::ScratchDir("frontier_cli_compare");
  const std::string db = MakeStore(dir);
  auto runs = RunInfx({"frontier", "--db", db, "--compare", "1", "2", "--iso",
                       "50,100", "--json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.stderr_text;
  auto j = nlohmann::json::parse(runs.stdout_text);
  ASSERT_EQ(j["comparisons"].size(), 1u);
  EXPECT_NEAR(j["comparisons"][0]["at_levels"][0]["ratio"].get<double>(), 2.0,
              1e-9);
  EXPECT_NEAR(j["comparisons"][0]["geomean_ratio"].get<double>(), 2.0, 1e-9);

  auto configs = RunInfx({"frontier", "--db", db, "--run", "1", "--compare",
                          "m/h200/tp1", "m/h200/tp2"});
  ASSERT_EQ(configs.exit_code, 0) << configs.stderr_text;
  EXPECT_NE(configs.stdout_text.find("2.000"), std::string::npos);

  auto bad = RunInfx({"frontier", "--db", db, "--compare", "x", "y"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.stderr_text.find("--compare"), std::string::npos);
}

TEST(FrontierCliTest, BadInputIsOneClearError) {
  const std::string dir = testing::ScratchDir("frontier_cli_errors");
  const std::string db = MakeStore(dir);
  const std::string text_file = dir + "/notes.txt";
  ASSERT_TRUE(WriteFileAtomic(text_file, "hello, not a database\n").ok());

  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"frontier", "--db", dir + "/missing.db"}, "missing.db"},
      {{"frontier", "--db", text_file}, "not an SQLite database"},
      {{"frontier", "--db", db, "--run", "99"}, "99"},
      {{"frontier", "--db", db, "--x", "speed"}, "speed"},
      {{"frontier", "--db", db, "--iso", "20,abc"}, "abc"},
      {{"report", "--db", db, "--static-svg", "-o",
        dir + "/no/such/dir/r.html"},
       "r.html"},
  };
  for (const Case& c : cases) {
    auto out = RunInfx(c.args);
    EXPECT_EQ(out.exit_code, 1) << c.args.back() << ": " << out.stderr_text;
    EXPECT_EQ(out.stderr_text.rfind("infx: error: ", 0), 0u) << out.stderr_text;
    EXPECT_NE(out.stderr_text.find(c.needle), std::string::npos)
        << out.stderr_text;
    EXPECT_EQ(std::count(out.stderr_text.begin(), out.stderr_text.end(), '\n'),
              1)
        << out.stderr_text;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/missing.db"));
  EXPECT_EQ(*ReadFile(text_file), "hello, not a database\n");
}

TEST(ReportCliTest, WritesSelfContainedHtml) {
  const std::string dir = testing::ScratchDir("report_cli");
  const std::string db = MakeStore(dir);
  auto out = RunInfx({"report", "--db", db, "--run", "1", "--static-svg", "-o",
                      dir + "/run1.html"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto html = ReadFile(dir + "/run1.html");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html->find("<svg"), std::string::npos);
  EXPECT_NE(html->find("infx run 1"), std::string::npos);
  EXPECT_EQ(html->find("<script"), std::string::npos);
  // The static report's own options still ask for it without the flag.
  auto e2el =
      RunInfx({"report", "--db", db, "--x", "e2el", "-o", dir + "/e2el.html"});
  ASSERT_EQ(e2el.exit_code, 0) << e2el.stderr_text;
  EXPECT_EQ(ReadFile(dir + "/e2el.html")->find("<script"), std::string::npos);
  EXPECT_NE(RunInfx({"report", "--db", db, "--app", "--static-svg", "-o",
                     dir + "/both.html"})
                .exit_code,
            0);

  auto help = RunInfx({"report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.stdout_text.find("Example:"), std::string::npos);
  auto fhelp = RunInfx({"frontier", "--help"});
  EXPECT_NE(fhelp.stdout_text.find("Example:"), std::string::npos);
}

// The default report is the dashboard app with the run's API answers
// embedded (report/app_report.h), from the front end in --web-dir.
TEST(ReportCliTest, DefaultIsTheAppWithTheRunsData) {
  const std::string dir = testing::ScratchDir("report_cli_app");
  const std::string db = MakeStore(dir);
  const std::string web = dir + "/web-app";
  std::filesystem::create_directories(web);
  ASSERT_TRUE(WriteFileAtomic(web + "/index.html",
                              "<!doctype html>\n<html>\n<head>\n"
                              "<meta charset=\"utf-8\">\n"
                              "<link rel=\"stylesheet\" href=\"app.css\">\n"
                              "<script src=\"app.js\" defer></script>\n"
                              "</head>\n<body>\n</body>\n</html>\n")
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(web + "/app.js", "console.log(1);").ok());
  ASSERT_TRUE(WriteFileAtomic(web + "/app.css", "body {}").ok());
  auto out = RunInfx({"report", "--db", db, "--run", "2", "--web-dir", web,
                      "-o", dir + "/app.html"});
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  auto html = ReadFile(dir + "/app.html");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("<script type=\"application/json\" id=\"infx-data\">"),
            std::string::npos);
  EXPECT_NE(html->find("<script>console.log(1);</script>"), std::string::npos);
  EXPECT_EQ(html->find("<svg"), std::string::npos);
  // --app insists on a front end; without one it is an error naming it.
  auto missing = RunInfx({"report", "--db", db, "--app", "--web-dir",
                          dir + "/none", "-o", dir + "/x.html"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.stderr_text.find("index.html"), std::string::npos)
      << missing.stderr_text;
}

// Both commands take the same store flags (cli/store_flags.h).
TEST(StoreFlagsCliTest, FrontierAndReportShareDbStoreAndRun) {
  const std::string dir = testing::ScratchDir("store_flags_cli");
  const std::string db = MakeStore(dir);
  for (const std::string command : {"frontier", "report"}) {
    std::vector<std::string> out_args;
    if (command == "report") out_args = {"-o", dir + "/r.html"};
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.begin(), command);
      args.insert(args.end(), out_args.begin(), out_args.end());
      return RunInfx(args);
    };
    auto by_store = with({"--store", db, "--run", "1"});
    EXPECT_EQ(by_store.exit_code, 0) << command << ": " << by_store.stderr_text;
    auto both = with({"--store", db, "--db", db});
    EXPECT_EQ(both.exit_code, 2) << command << ": " << both.stderr_text;
    auto missing_run = with({"--db", db, "--run", "7"});
    EXPECT_EQ(missing_run.exit_code, 1) << command;
    EXPECT_NE(missing_run.stderr_text.find("7"), std::string::npos);
    auto help = RunInfx({command, "--help"});
    EXPECT_NE(help.stdout_text.find("--exclude-failed-accuracy"),
              std::string::npos)
        << command;
    EXPECT_NE(help.stdout_text.find("--store"), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace infx
