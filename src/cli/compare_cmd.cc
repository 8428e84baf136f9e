// `infx compare`: verdicts of one stored run against a baseline run, series
// by series (living/compare.h), as a table, --json or --markdown; exit 4
// with --fail-on-regression when any verdict is "worse".
#include <fmt/format.h>

#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
#include "living/compare_format.h"
#include "living/compare_store.h"

namespace infx::cli {
namespace {

// Exit code of --fail-on-regression when a verdict is "worse".
constexpr int kExitRegression = 4;

struct CompareFlags {
  StoreFlags store;
  int64_t baseline = 0;
  bool json = false;
  bool markdown = false;
  std::string markdown_file;
  bool fail_on_regression = false;
  std::vector<double> iso = living::DefaultIsoLevels();
  living::CompareOptions options;
  size_t history_runs = 10;
};

Result<bool> RunCompare(const CompareFlags& f) {
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenExistingResultsStore(f.store.Location()));
  living::CompareRequest request;
  request.baseline_run = f.baseline;
  request.current_run = f.store.run_id;
  request.iso_levels = f.iso;
  request.history_runs = f.history_runs;
  request.options = f.options;
  INFX_ASSIGN_OR_RETURN(living::Comparison c,
                        living::CompareStoredRuns(*store, request));
  if (!f.markdown_file.empty()) {
    INFX_RETURN_IF_ERROR(
        WriteFileAtomic(f.markdown_file, living::ComparisonMarkdown(c)));
  }
  if (f.json) {
    std::cout << living::ComparisonJson(c).dump(2) << "\n";
  } else if (f.markdown) {
    std::cout << living::ComparisonMarkdown(c);
  } else {
    std::cout << living::FormatComparisonTable(c);
  }
  if (c.only_in_baseline + c.only_in_current > 0 && f.json) {
    std::cerr << fmt::format(
        "infx: compared {} shared series; left out {} only in run {} and {} "
        "only in run {}\n",
        c.shared_series, c.only_in_baseline, c.baseline_run, c.only_in_current,
        c.current_run);
  }
  return c.AnyWorse();
}

void SetupCompare(CLI::App& app) {
  auto f = std::make_shared<CompareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Judge a run against a baseline run: per series and metric the ratio "
      "of geometric means with a 95% CI, t / Mann-Whitney tests with "
      "Benjamini-Hochberg q-values, and a verdict better/worse/same/unknown");
  AddStoreFlags(cmd, &f->store, "run to judge (default: the latest run)");
  cmd->add_option("--baseline", f->baseline,
                  "baseline run id (default: the previous run of the same "
                  "matrix)");
  cmd->add_flag("--json", f->json, "print JSON (docs/living.md)");
  cmd->add_flag("--markdown", f->markdown,
                "print a Markdown summary (for a pull request or a chat)");
  cmd->add_option("--markdown-file", f->markdown_file,
                  "also write the Markdown summary to this file");
  cmd->add_flag("--fail-on-regression", f->fail_on_regression,
                "exit 4 when any verdict is worse (CI gating)");
  cmd->add_option("--iso", f->iso,
                  "frontier iso-interactivity levels, tok/s/user")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--alpha", f->options.alpha,
                  "false discovery rate: q-value threshold")
      ->capture_default_str()
      ->check(CLI::Range(1e-9, 0.5));
  cmd->add_option("--baseline-window", f->options.baseline_window,
                  "runs in the baseline: the baseline run and up to N-1 "
                  "earlier runs of its matrix, back to the last change "
                  "(1 = the baseline run alone)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--min-change", f->options.min_change,
                  "smallest relative change called better/worse, whatever "
                  "the noise (0.01 = 1%)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--effect-floor", f->options.effect_floor,
                  "smallest change called better/worse, in noise units")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-noise", f->options.max_noise,
                  "noise (std of log values) above which a series is "
                  "unstable (verdict unknown)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--history", f->history_runs,
                  "earlier runs of the matrix pooled into the noise "
                  "estimate")
      ->capture_default_str();
  cmd->add_option("--seed", f->options.seed, "bootstrap seed")
      ->capture_default_str();
  cmd->footer(ExampleFooter(
      "infx compare --db infx.db --baseline 12 --run 13 --markdown "
      "--fail-on-regression"));
  cmd->callback([f] {
    auto worse = RunCompare(*f);
    if (!worse.ok()) {
      ExitWithError(worse.status());
    } else {
      SetExitCode(*worse && f->fail_on_regression ? kExitRegression : 0);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(66, SetupCompare);

}  // namespace infx::cli
