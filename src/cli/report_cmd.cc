// `infx report`: one self-contained HTML file for a stored run.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
#include "frontier/frontier.h"
#include "report/app_report.h"
#include "report/report.h"
#include "web/static_files.h"

namespace infx::cli {
namespace {

struct ReportFlags {
  StoreFlags store;
  std::string output;
  std::string x = "interactivity";
  std::string y = "total";
  bool exclude_failed_accuracy = false;
  bool include_invalid = false;
  bool app = false;      // the dashboard app with the run's data embedded
  std::string web_root;  // its front end ("" = beside the binary)
};

// `--app`: the dashboard's front end with the run's API answers inside.
Status WriteApp(const ReportFlags& f, store::ResultsStore& store,
                int64_t run_id) {
  const std::string root =
      f.web_root.empty() ? web::DefaultWebRoot() : f.web_root;
  if (root.empty()) {
    return Status::NotFound(
        "infx report --app: the dashboard's front end is not built (no "
        "web-app/ beside infx; run scripts/setup.sh and scripts/build.sh, or "
        "pass --web-dir)");
  }
  INFX_ASSIGN_OR_RETURN(auto bundle, report::ReadAppBundle(root));
  INFX_ASSIGN_OR_RETURN(auto html,
                        report::RenderAppReport(store, run_id, bundle));
  if (f.output == "-") {
    std::cout << html;
    return Status::Ok();
  }
  return WriteFileAtomic(f.output, html);
}

Status RunReport(const ReportFlags& f) {
  report::ReportOptions options;
  INFX_ASSIGN_OR_RETURN(options.analysis.x, frontier::ParseXMetric(f.x));
  INFX_ASSIGN_OR_RETURN(options.analysis.y, frontier::ParseYMetric(f.y));
  if (options.analysis.x != frontier::XMetric::kInteractivity) {
    options.analysis.iso_levels.clear();
  }
  options.analysis.exclude_failed_accuracy = f.exclude_failed_accuracy;
  options.analysis.include_invalid = f.include_invalid;
  INFX_ASSIGN_OR_RETURN(OpenedRun opened, OpenStoredRun(f.store));
  if (f.app) {
    INFX_RETURN_IF_ERROR(WriteApp(f, *opened.store, opened.run.run_id));
  } else {
    INFX_RETURN_IF_ERROR(report::WriteHtmlReport(
        *opened.store, opened.run.run_id, f.output, options));
  }
  if (f.output != "-") {  // "-": the HTML is on standard output
    std::cout << fmt::format("wrote {} (run {})\n", f.output,
                             opened.run.run_id);
  }
  return Status::Ok();
}

void SetupReport(CLI::App& app) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML report of a stored run: frontier "
      "charts, tables, planner predictions vs measured, configs, evals");
  AddStoreFlags(cmd, &flags->store);
  cmd->add_option("-o,--output", flags->output,
                  "HTML file to write (- for standard output)")
      ->required();
  cmd->add_option("--x", flags->x, "chart x axis: interactivity | e2el | ttft")
      ->capture_default_str();
  cmd->add_option("--y", flags->y, "throughput per GPU: total | output | input")
      ->capture_default_str();
  cmd->add_flag("--exclude-failed-accuracy", flags->exclude_failed_accuracy,
                "leave configs whose eval is below their min score off the "
                "charts and frontier tables (default: keep them, marked FAIL)");
  cmd->add_flag("--include-invalid", flags->include_invalid,
                "keep points judged INVALID (run validity) on the charts and "
                "frontier tables (default: leave them off, listed flagged)");
  cmd->add_flag("--app", flags->app,
                "write the dashboard itself (the app `infx serve` serves) with "
                "the run's data embedded: one self-contained file, opens "
                "from disk (docs/dashboard.md)");
  cmd->add_option("--web-dir", flags->web_root,
                  "with --app: the built front end (default: web-app/ beside "
                  "the infx binary)");
  cmd->footer(ExampleFooter("infx report --db infx.db -o report.html"));
  cmd->callback([flags] {
    Status s = RunReport(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(70, SetupReport);

}  // namespace infx::cli
