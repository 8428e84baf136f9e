// `infx report`: one self-contained HTML file for a stored run: the
// dashboard app with the run's data embedded (default) or, with
// --static-svg, the inline-SVG report.
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
  bool app = false;         // --app: the dashboard app (the default)
  bool static_svg = false;  // --static-svg: the inline-SVG report
  std::string web_root;     // the app's front end ("" = beside the binary)
};

// The dashboard's front end with the run's API answers inside.
Status WriteApp(const ReportFlags& f, const std::string& root,
                store::ResultsStore& store, int64_t run_id) {
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
  // The app unless --static-svg or one of the static report's own options
  // asks for the SVG report; without a built front end (a build without
  // Node), the SVG report too, unless --app or --web-dir insisted.
  const bool svg_options = f.x != "interactivity" || f.y != "total" ||
                           f.exclude_failed_accuracy || f.include_invalid;
  bool app = f.app || (!f.static_svg && !svg_options);
  const std::string root =
      f.web_root.empty() ? web::DefaultWebRoot() : f.web_root;
  if (app && root.empty()) {
    if (f.app) {
      return Status::NotFound(
          "infx report --app: the dashboard's front end is not built (no "
          "web-app/ beside infx; run scripts/setup.sh and scripts/build.sh, "
          "or pass --web-dir)");
    }
    std::cerr << "infx report: the dashboard's front end is not built (no "
                 "web-app/ beside infx: scripts/setup.sh, scripts/build.sh); "
                 "writing the static SVG report instead\n";
    app = false;
  }
  if (app) {
    INFX_RETURN_IF_ERROR(WriteApp(f, root, *opened.store, opened.run.run_id));
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
      "Write one self-contained HTML report of a stored run: the dashboard "
      "with the run's data embedded (frontier explorer, iso, TCO, history, "
      "run page), or with --static-svg the inline-SVG report");
  AddStoreFlags(cmd, &flags->store);
  cmd->add_option("-o,--output", flags->output,
                  "HTML file to write (- for standard output)")
      ->required();
  auto* app_flag = cmd->add_flag(
      "--app", flags->app,
      "the default: the dashboard itself (the app `infx serve` serves) with "
      "the run's data embedded, one self-contained file that opens from "
      "disk (docs/dashboard.md); without a built front end, an error "
      "(without this flag, the static report instead)");
  auto* svg = cmd->add_flag(
      "--static-svg", flags->static_svg,
      "write the static report instead: inline SVG charts and tables, no "
      "script, no built front end needed");
  app_flag->excludes(svg);
  cmd->add_option("--web-dir", flags->web_root,
                  "the app's built front end (default: web-app/ beside the "
                  "infx binary)");
  cmd->add_option("--x", flags->x,
                  "static report's chart x axis: interactivity | e2el | ttft "
                  "(other than the default: implies --static-svg)")
      ->capture_default_str();
  cmd->add_option("--y", flags->y,
                  "static report's throughput per GPU: total | output | "
                  "input (other than the default: implies --static-svg)")
      ->capture_default_str();
  cmd->add_flag("--exclude-failed-accuracy", flags->exclude_failed_accuracy,
                "static report: leave configs whose eval is below their min "
                "score off the charts and frontier tables (default: keep "
                "them, marked FAIL; implies --static-svg)");
  cmd->add_flag("--include-invalid", flags->include_invalid,
                "static report: keep points judged INVALID (run validity) on "
                "the charts and frontier tables (default: leave them off, "
                "listed flagged; implies --static-svg)");
  cmd->footer(ExampleFooter(
      "infx report --db infx.db -o report.html   # --static-svg: no script"));
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
