// `infx report`: one self-contained HTML file for a stored run.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "frontier/frontier.h"
#include "report/report.h"
#include "store/results_store.h"

namespace infx::cli {
namespace {

struct ReportFlags {
  std::string db = "infx.db";
  std::string store_url;
  int64_t run_id = 0;  // 0 = latest
  std::string output;
  std::string x = "interactivity";
  std::string y = "total";
};

Status RunReport(const ReportFlags& f) {
  report::ReportOptions options;
  INFX_ASSIGN_OR_RETURN(options.analysis.x, frontier::ParseXMetric(f.x));
  INFX_ASSIGN_OR_RETURN(options.analysis.y, frontier::ParseYMetric(f.y));
  if (options.analysis.x != frontier::XMetric::kInteractivity) {
    options.analysis.iso_levels.clear();
  }
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenExistingResultsStore(
                            f.store_url.empty() ? f.db : f.store_url));
  INFX_ASSIGN_OR_RETURN(
      auto run, f.run_id > 0 ? store->GetRun(f.run_id) : store->LatestRun());
  INFX_RETURN_IF_ERROR(
      report::WriteHtmlReport(*store, run.run_id, f.output, options));
  std::cout << fmt::format("wrote {} (run {})\n", f.output, run.run_id);
  return Status::Ok();
}

void SetupReport(CLI::App& app) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML report of a stored run: frontier "
      "charts, tables, planner predictions vs measured, configs, evals");
  auto* db = cmd->add_option("--db", flags->db, "SQLite results file")
                 ->capture_default_str();
  cmd->add_option("--store", flags->store_url,
                  "results store URL (postgresql://...) or SQLite path")
      ->excludes(db);
  cmd->add_option("--run", flags->run_id, "run id (default: latest run)");
  cmd->add_option("-o,--output", flags->output, "HTML file to write")
      ->required();
  cmd->add_option("--x", flags->x, "chart x axis: interactivity | e2el | ttft")
      ->capture_default_str();
  cmd->add_option("--y", flags->y, "throughput per GPU: total | output | input")
      ->capture_default_str();
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
