// `infx import-measurements FILE.csv [--source NAME]`: stores rows of
// published results (docs/calibration.md) as the measured points of a run
// named after their source, for `infx calibrate` and the frontier.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "calibrate/published.h"
#include "cli/command.h"
#include "common/files.h"
#include "store/results_store.h"

namespace infx::cli {
namespace {

struct ImportFlags {
  std::string csv_path;
  std::string source;  // "" = the file's stem
  std::string db = "infx.db";
  std::string store_url;
};

Status RunImport(const ImportFlags& f) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(f.csv_path));
  INFX_ASSIGN_OR_RETURN(auto rows,
                        calibrate::ParsePublishedCsv(text, f.csv_path));
  const std::string source =
      f.source.empty() ? std::filesystem::path(f.csv_path).stem().string()
                       : f.source;
  const std::string location = f.store_url.empty() ? f.db : f.store_url;
  INFX_ASSIGN_OR_RETURN(auto store, store::OpenResultsStore(location));
  INFX_ASSIGN_OR_RETURN(
      calibrate::ImportSummary s,
      calibrate::ImportPublished(*store, rows, text, f.csv_path, source));
  std::cout << fmt::format(
      "imported {} points of {} configs from {} as run {} (source {}) into "
      "{}\n",
      s.points, s.configs, f.csv_path, s.run_id, source,
      store::RedactStoreUrl(location));
  return Status::Ok();
}

void SetupImport(CLI::App& app) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import-measurements",
      "store rows of published results (CSV, docs/calibration.md) as the "
      "measured points of a named source");
  cmd->add_option("file", flags->csv_path, "CSV of published results")
      ->required();
  cmd->add_option("--source", flags->source,
                  "name of the source (default: the file name's stem)");
  auto* db = cmd->add_option("--db", flags->db, "SQLite results store")
                 ->capture_default_str();
  cmd->add_option("--store", flags->store_url,
                  "results store URL (postgresql://... or an SQLite path)")
      ->excludes(db);
  cmd->footer(ExampleFooter(
      "infx import-measurements examples/published-trtllm.csv --source "
      "trtllm-perf-overview --db public.db"));
  cmd->callback([flags] {
    Status s = RunImport(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(63, SetupImport);

}  // namespace infx::cli
