// `infx runs`: the runs of a results store, newest first: id, start time,
// matrix name, status, points (every repetition counts), engine versions
// and labels; `--json` for tools (items: living::RunSummaryJson). With
// `--run ID`, that run only, with its full provenance.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/table.h"
#include "living/provenance.h"
#include "living/run_data.h"

namespace infx::cli {
namespace {

struct RunsFlags {
  StoreFlags store;
  bool json = false;
};

std::string LabelsText(const store::Labels& labels) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels) parts.push_back(k + "=" + v);
  return fmt::format("{}", fmt::join(parts, ","));
}

void PrintTable(const std::vector<store::RunSummary>& runs) {
  Table t({"run", "started", "matrix", "status", "points", "engine versions",
           "labels"});
  for (const auto& s : runs) {
    t.AddRow({std::to_string(s.run.run_id), s.run.started_at,
              s.run.matrix_name.empty() ? "-" : s.run.matrix_name, s.run.status,
              std::to_string(s.points),
              fmt::format("{}", fmt::join(s.engine_versions, ", ")),
              LabelsText(s.run.labels)});
  }
  t.Print(std::cout);
}

void PrintProvenance(const store::RunSummary& s) {
  PrintTable({s});
  std::cout << "\nprovenance:\n";
  for (const auto& [k, v] : living::RunAttributes(s.run)) {
    std::cout << fmt::format("  {}: {}\n", k, v);
  }
}

Status RunRuns(const RunsFlags& f) {
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenExistingResultsStore(f.store.Location()));
  INFX_ASSIGN_OR_RETURN(auto runs, living::ListRuns(*store));
  if (f.store.run_id > 0) {
    std::erase_if(
        runs, [&](const auto& s) { return s.run.run_id != f.store.run_id; });
    if (runs.empty()) {
      return Status::NotFound(fmt::format("{}: no run with id {}",
                                          store->Describe(), f.store.run_id));
    }
  }
  if (f.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : runs) out.push_back(living::RunSummaryJson(s));
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  if (runs.empty()) {
    std::cout << fmt::format("no runs in {} yet\n", store->Describe());
  } else if (f.store.run_id > 0) {
    PrintProvenance(runs.front());
  } else {
    PrintTable(runs);
  }
  return Status::Ok();
}

void SetupRuns(CLI::App& app) {
  auto flags = std::make_shared<RunsFlags>();
  CLI::App* cmd = app.add_subcommand(
      "runs",
      "List the runs of a results store: id, time, matrix, status, points, "
      "engine versions, labels");
  AddStoreFlags(cmd, &flags->store, "show only this run, with its provenance");
  cmd->add_flag("--json", flags->json, "print the runs as a JSON array");
  cmd->footer(ExampleFooter("infx runs --db nightly.db --json"));
  cmd->callback([flags] {
    Status s = RunRuns(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(72, SetupRuns);

}  // namespace infx::cli
