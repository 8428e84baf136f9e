// `infx history`: one series (a config's or the frontier's at an
// iso-interactivity level) over the runs of a store, with its change
// points and their suspects (living/history.h); table, --json, --csv, --svg.
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
#include "living/history_format.h"
#include "living/history_store.h"

namespace infx::cli {
namespace {

struct HistoryFlags {
  StoreFlags store;
  living::HistoryRequest request;
  double iso = 0;  // 0 = not given
  bool json = false;
  std::string csv_path;
  std::string svg_path;
};

Status RunHistory(HistoryFlags f) {
  if (f.iso > 0) f.request.iso = f.iso;
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenExistingResultsStore(f.store.Location()));
  INFX_ASSIGN_OR_RETURN(living::History h,
                        living::LoadHistory(*store, f.request));
  if (!f.csv_path.empty()) {
    INFX_RETURN_IF_ERROR(WriteFileAtomic(f.csv_path, living::HistoryCsv(h)));
  }
  if (!f.svg_path.empty()) {
    INFX_RETURN_IF_ERROR(WriteFileAtomic(f.svg_path, living::HistorySvg(h)));
    std::cerr << fmt::format("wrote chart {}\n", f.svg_path);
  }
  if (f.json) {
    std::cout << living::HistoryJson(h).dump(2) << "\n";
  } else {
    std::cout << living::FormatHistoryTable(h);
  }
  return Status::Ok();
}

void SetupHistory(CLI::App& app) {
  auto f = std::make_shared<HistoryFlags>();
  CLI::App* cmd = app.add_subcommand(
      "history",
      "A series over the runs of a store with its change points (e-divisive "
      "means + t-test, as Apache Otava) and the provenance changes that are "
      "their suspects");
  AddStoreLocationFlags(cmd, &f->store);
  cmd->add_option("--config", f->request.config,
                  "series key, or a config key with one series (with --iso: "
                  "filters the frontier scenario)");
  cmd->add_option("--metric", f->request.metric,
                  "tput_per_gpu | interactivity | median_ttft_ms | "
                  "p99_ttft_ms | median_tpot_ms | p99_tpot_ms")
      ->capture_default_str();
  cmd->add_option("--iso", f->iso,
                  "the frontier's tok/s/GPU at this interactivity "
                  "(tok/s/user)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--window", f->request.options.change_points.window,
                  "change-point window, runs (Otava's default 50)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1000000));
  cmd->add_option(
         "--p-value", f->request.options.change_points.max_p_value,
         "change-point significance (Otava uses 0.001; docs/living.md)")
      ->capture_default_str()
      ->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--min-change",
                  f->request.options.change_points.min_magnitude,
                  "drop change points smaller than this relative change")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-noise", f->request.options.max_noise,
                  "noise (std of log values) above which the series is "
                  "unstable and never alarms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", f->json, "print JSON (docs/living.md)");
  cmd->add_option("--csv", f->csv_path, "write the history as CSV");
  cmd->add_option("--svg", f->svg_path, "write an SVG chart");
  cmd->footer(ExampleFooter(
      "infx history --db infx.db --config "
      "llama-3.1-8b/h200/vllm/bf16/tp1/1024x1024/c64 --metric tput_per_gpu "
      "--svg history.svg"));
  cmd->callback([f] {
    Status s = RunHistory(*f);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(67, SetupHistory);

}  // namespace infx::cli
