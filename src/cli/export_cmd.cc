// `infx export`: writes every point of a stored sweep run as a vLLM-format
// result JSON file (sweep/result_export.h), one per point, for tools that
// read vLLM --save-result files (InferenceX's utils/process_result.py).
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "sweep/result_export.h"

namespace infx::cli {
namespace {

struct ExportFlags {
  StoreFlags store;
  std::string out_dir;
};

Status RunExport(const ExportFlags& f) {
  INFX_ASSIGN_OR_RETURN(OpenedRun opened, OpenStoredRun(f.store));
  INFX_ASSIGN_OR_RETURN(
      auto written,
      sweep::ExportPointResults(*opened.store, opened.run.run_id, f.out_dir));
  for (const auto& e : written) std::cout << e.path << "\n";
  std::cerr << fmt::format("exported {} points of run {} to {}\n",
                           written.size(), opened.run.run_id, f.out_dir);
  return Status::Ok();
}

void SetupExport(CLI::App& app) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write each point of a stored run as a vLLM-format result JSON file");
  AddStoreFlags(cmd, &flags->store);
  cmd->add_option("-o,--out-dir", flags->out_dir,
                  "directory to write <point>.json files into (created)")
      ->required();
  cmd->footer(ExampleFooter("infx export --db infx.db --out-dir results/"));
  cmd->callback([flags] {
    Status s = RunExport(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

INFX_REGISTER_COMMAND(72, SetupExport);

}  // namespace
}  // namespace infx::cli
