// `infx sweep`: the main job. Runs a matrix (or an InferenceX master
// config) of serving configs x workloads x concurrencies against a target,
// stores every point as it completes, prints the frontier and writes the
// HTML report. Schema: docs/matrix.md.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "cli/sweep_executor_flags.h"
#include "cli/telemetry_flags.h"
#include "cli/version.h"
#include "common/files.h"
#include "common/table.h"
#include "executor/cluster_sweep.h"
#include "frontier/analysis.h"
#include "frontier/format.h"
#include "frontier/prices.h"
#include "hardware/catalog.h"
#include "living/provenance.h"
#include "report/report.h"
#include "store/results_store.h"
#include "sweep/inferencex.h"
#include "sweep/matrix.h"
#include "sweep/plan_sweep.h"
#include "sweep/process.h"
#include "sweep/runner.h"
#include "sweep/validate.h"

namespace infx::cli {
namespace {

struct SweepFlags {
  std::string matrix_path;
  std::string inferencex_path;
  std::vector<std::string> filters;
  std::vector<std::string> labels;  // --label key=value
  StoreFlags store;              // --db / --store / --run (the run to resume)
  std::string report_path;       // "" = infx-report-run<ID>.html
  std::string url;               // overrides the target with a running server
  std::string hardware_file;     // hardware additions (--hardware-file)
  std::string calibration_file;  // planner calibration (--calibration)
  bool resume = false;
  bool retry_failed = false;
  bool plan = false;
  int budget = 0;
  std::string search = "adaptive";  // --search adaptive|grid-cull
  std::string sla;                  // --sla "p99_ttft_ms<=2000,..."
  double gain_threshold = 0.002;
  bool list = false;
  bool json = false;
  bool quiet = false;
  ExecutorFlags executor;    // --executor slurm|kubernetes (docs/cluster.md)
  TelemetryFlags telemetry;  // /metrics scraping and GPU power per point
};

struct LoadedMatrix {
  sweep::Matrix matrix;
  std::string text;  // stored with the run
};

Result<LoadedMatrix> LoadInput(const SweepFlags& f) {
  LoadedMatrix out;
  if (!f.inferencex_path.empty()) {
    INFX_ASSIGN_OR_RETURN(auto filters,
                          sweep::ParseInferenceXFilters(f.filters));
    INFX_ASSIGN_OR_RETURN(
        auto im, sweep::ImportInferenceXFile(f.inferencex_path, filters));
    INFX_ASSIGN_OR_RETURN(std::string content, ReadFile(f.inferencex_path));
    out.matrix = std::move(im.matrix);
    out.text = "# infx sweep --from-inferencex " + f.inferencex_path;
    for (const auto& filter : f.filters) out.text += " --filter " + filter;
    out.text += "\n" + content;
  } else {
    if (!f.filters.empty()) {
      return Status::InvalidArgument(
          "--filter applies to --from-inferencex imports only");
    }
    INFX_ASSIGN_OR_RETURN(out.matrix, sweep::LoadMatrixFile(f.matrix_path));
    INFX_ASSIGN_OR_RETURN(out.text, ReadFile(f.matrix_path));
  }
  if (!f.url.empty()) {
    out.matrix.target.kind = sweep::TargetKind::kUrl;
    out.matrix.target.url = f.url;
    out.text += "\n# --url " + f.url + "\n";
  }
  if (!f.hardware_file.empty()) {
    out.matrix.hardware_file = f.hardware_file;
    INFX_ASSIGN_OR_RETURN(std::string hw, ReadFile(f.hardware_file));
    // As comment lines: the text stays the matrix (cluster jobs parse
    // their copy of it) while provenance keeps the hardware used.
    out.text += "\n# --hardware-file " + f.hardware_file + "\n";
    std::stringstream lines(hw);
    for (std::string line; std::getline(lines, line);) {
      out.text += "#   " + line + "\n";
    }
  }
  if (!f.calibration_file.empty()) {
    out.matrix.calibration_file = f.calibration_file;
  }
  // The calibrations in force are kept with the run's matrix text.
  for (const std::string& cal :
       {out.matrix.calibration_file, out.matrix.target.emulator.calibration}) {
    if (cal.empty()) continue;
    INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(cal));
    out.text += "\n# calibration " + cal + "\n" + text;
  }
  return out;
}

void PrintUnhonoured(const sweep::Matrix& m) {
  if (m.unhonoured.empty()) return;
  std::cerr << "fields not honoured (recorded, not acted on):\n";
  for (const auto& line : m.unhonoured) std::cerr << "  " << line << "\n";
}

void PrintPoints(const sweep::Matrix& m,
                 const std::vector<sweep::Point>& points) {
  Table t({"config", "gpus", "isl", "osl", "concurrency", "rep", "prompts"});
  for (const auto& p : points) {
    const auto& c = m.configs[p.config_index];
    const auto& w = m.workloads[p.workload_index];
    t.AddRow({c.Key(), std::to_string(c.gpus()), std::to_string(w.isl),
              std::to_string(w.osl), std::to_string(p.concurrency),
              std::to_string(p.repetition), std::to_string(p.num_prompts)});
  }
  t.Print(std::cout);
  std::cout << fmt::format("{} points, {} configs\n", points.size(),
                           m.configs.size());
}

void PrintSummary(const sweep::SweepSummary& s, int full_grid) {
  std::cerr << fmt::format(
      "run {}: {} points measured, {} resumed, {} failed, {} of the {}-point "
      "full grid ran, in {}{}\n",
      s.run_id, s.points_measured, s.points_resumed, s.points_failed,
      s.points_measured + s.points_resumed + s.points_failed_stored, full_grid,
      FormatFixed(s.elapsed_s, 0) + " s",
      s.interrupted ? " (interrupted; continue with --resume)" : "");
  for (const auto& line : s.search_notes) std::cerr << line << "\n";
  for (const auto& f : s.failures) {
    std::cerr << fmt::format("  failed: {}: {}\n", f.config_key, f.what);
  }
  if (s.evals.empty() && s.evals_failed == 0) return;
  const auto below = std::count_if(s.evals.begin(), s.evals.end(),
                                   [](const auto& e) { return !e.pass; });
  std::cerr << fmt::format(
      "evals: {} run, {} below their min score (FAIL), {} could not run\n",
      s.evals.size(), below, s.evals_failed);
  for (const auto& e : s.evals) {
    if (e.pass) continue;
    std::cerr << fmt::format(
        "  accuracy FAIL: {} c={} {}: strict-match {:.3f}, flexible-extract "
        "{:.3f} < min score {:.2f}\n",
        e.config_key, e.concurrency, e.task, e.strict_match, e.flexible_extract,
        e.min_score);
  }
}

// Prints the frontier and writes the report of the run.
Status Conclude(const SweepFlags& f, store::ResultsStore& store, int64_t run_id,
                const sweep::SweepSummary& summary, int full_grid,
                const hardware::HardwareCatalog& catalog) {
  INFX_ASSIGN_OR_RETURN(auto configs, store.ListConfigs(run_id));
  const auto prices = frontier::PricesForConfigs(catalog, configs);
  frontier::AnalysisOptions options;
  INFX_ASSIGN_OR_RETURN(auto analysis,
                        frontier::AnalyzeRun(store, run_id, options, prices));
  const std::string report = f.report_path.empty()
                                 ? fmt::format("infx-report-run{}.html", run_id)
                                 : f.report_path;
  report::ReportOptions ro;
  ro.analysis = options;
  ro.prices = prices;
  ro.search_notes = summary.search_notes;
  INFX_RETURN_IF_ERROR(report::WriteHtmlReport(store, run_id, report, ro));
  if (f.json) {
    nlohmann::json j = {
        {"run_id", run_id},
        {"store", store.Describe()},
        {"report", report},
        {"points_measured", summary.points_measured},
        {"points_resumed", summary.points_resumed},
        {"points_failed", summary.points_failed},
        {"points_failed_stored", summary.points_failed_stored},
        {"evals_run", summary.evals.size()},
        {"evals_failed", summary.evals_failed},
        {"failed_accuracy_configs", analysis.accuracy.FailedConfigs()},
        {"full_grid_points", full_grid},
        {"interrupted", summary.interrupted},
        {"search", summary.search},
        {"frontier", frontier::FrontierJson(analysis)}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << frontier::FormatFrontierTable(analysis);
    std::cout << fmt::format("store: {}  run: {}  report: {}\n",
                             store.Describe(), run_id, report);
  }
  return Status::Ok();
}

// --executor slurm|kubernetes: the configs run as cluster jobs.
Status RunClusterCommand(const SweepFlags& f, LoadedMatrix input,
                         executor::ExecutorSettings settings,
                         std::atomic<bool>* cancel) {
  if (!f.inferencex_path.empty() || f.plan || !f.sla.empty()) {
    return Status::InvalidArgument(
        "--executor " + executor::ExecutorName(settings.kind) +
        " runs matrix files (not --from-inferencex or --plan)");
  }
  const int full_grid =
      static_cast<int>(sweep::ExpandPoints(input.matrix).size());
  INFX_ASSIGN_OR_RETURN(hardware::HardwareCatalog catalog,
                        sweep::MatrixHardware(input.matrix));
  executor::ClusterSweepOptions o;
  o.settings = std::move(settings);
  o.store_location = f.store.Location();
  o.url = f.url;
  o.dry_run = f.executor.dry_run;
  o.apply = f.executor.apply;
  o.sweep.matrix = std::move(input.matrix);
  o.sweep.matrix_text = input.text;
  o.sweep.resume = f.resume || f.retry_failed;
  o.sweep.retry_failed = f.retry_failed;
  o.sweep.resume_run_id = f.store.run_id;
  o.sweep.infx_version = VersionString();
  o.sweep.git_sha = GitSha();
  o.sweep.progress = f.quiet ? nullptr : &std::cerr;
  o.sweep.cancel = cancel;
  std::unique_ptr<store::ResultsStore> store;
  if (!o.dry_run) {
    INFX_ASSIGN_OR_RETURN(store, store::OpenResultsStore(f.store.Location()));
  }
  INFX_ASSIGN_OR_RETURN(auto r, executor::RunClusterSweep(o, store.get()));
  if (o.dry_run ||
      (o.settings.kind == executor::ExecutorKind::kKubernetes && !o.apply)) {
    for (const auto& path : r.scripts) std::cout << path << "\n";
    std::cerr << fmt::format(
        "{} file(s) written to {}/scripts; nothing "
        "submitted\n",
        r.scripts.size(), r.run_dir);
    return Status::Ok();
  }
  PrintSummary(r.summary, full_grid);
  std::cerr << "run dir: " << r.run_dir << "\n";
  if (!r.overhead_s.empty()) {
    std::sort(r.overhead_s.begin(), r.overhead_s.end());
    std::cerr << fmt::format(
        "submit to first request per config: median {:.2f} s (min {:.2f}, "
        "max {:.2f})\n",
        r.overhead_s[r.overhead_s.size() / 2], r.overhead_s.front(),
        r.overhead_s.back());
  }
  INFX_RETURN_IF_ERROR(
      Conclude(f, *store, r.summary.run_id, r.summary, full_grid, catalog));
  if (r.summary.interrupted) {
    return Status(ErrorCode::kCancelled,
                  fmt::format("sweep interrupted (jobs cancelled); resume "
                              "with: infx sweep ... --resume --run {}",
                              r.summary.run_id));
  }
  if (r.summary.points_failed > 0) {
    return Status::Unavailable(fmt::format(
        "{} points failed (listed above); --resume submits their configs "
        "again",
        r.summary.points_failed));
  }
  return Status::Ok();
}

// The command's status after a sweep: interrupted, failed points or evals.
Status ExitStatus(const sweep::SweepSummary& summary) {
  if (summary.interrupted) {
    return Status(ErrorCode::kCancelled,
                  fmt::format("sweep interrupted; resume with: infx sweep ... "
                              "--resume --run {}",
                              summary.run_id));
  }
  if (summary.points_failed > 0) {
    return Status::Unavailable(fmt::format(
        "{} of {} points failed (listed above); --resume retries those not "
        "stored{}",
        summary.points_failed,
        summary.points_failed + summary.points_measured +
            summary.points_resumed,
        summary.points_failed_stored > 0
            ? fmt::format(", --resume --retry-failed also the {} stored as "
                          "failed",
                          summary.points_failed_stored)
            : ""));
  }
  if (summary.evals_failed > 0) {
    return Status::Unavailable(
        fmt::format("{} evals could not run (listed above); --resume retries "
                    "them",
                    summary.evals_failed));
  }
  // An eval below its min score is a result, not an error: it is marked
  // FAIL above, in the frontier and in the report, and the exit code is 0.
  return Status::Ok();
}

Status RunSweepCommand(const SweepFlags& f, std::atomic<bool>* cancel) {
  if (f.matrix_path.empty() == f.inferencex_path.empty()) {
    return Status::InvalidArgument(
        "give a matrix file or --from-inferencex FILE (exactly one)");
  }
  INFX_ASSIGN_OR_RETURN(store::Labels labels, living::ParseLabels(f.labels));
  INFX_RETURN_IF_ERROR(
      telemetry::CheckTelemetryOptions(f.telemetry.Resolved()));
  INFX_ASSIGN_OR_RETURN(LoadedMatrix input, LoadInput(f));
  PrintUnhonoured(input.matrix);
  const std::vector<sweep::Point> grid = sweep::ExpandPoints(input.matrix);
  if (f.list) {
    PrintPoints(input.matrix, grid);
    return Status::Ok();
  }
  // Every config, hardware, model and template is checked before anything
  // is opened or started (not when its turn comes).
  INFX_RETURN_IF_ERROR(sweep::ValidateMatrix(input.matrix));
  INFX_ASSIGN_OR_RETURN(
      auto executor_settings,
      ResolveExecutor(
          f.executor, input.matrix,
          f.matrix_path.empty() ? f.inferencex_path : f.matrix_path));
  if (executor_settings.kind != executor::ExecutorKind::kLocal) {
    return RunClusterCommand(f, std::move(input), std::move(executor_settings),
                             cancel);
  }
  // Create the directories of the database and report files.
  for (const std::string& path :
       {f.store.store_url.empty() ? f.store.db : std::string(),
        f.report_path}) {
    const auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  }
  // --resume continues a stored run: a missing database (a typo) is an
  // error, never a new empty one.
  INFX_ASSIGN_OR_RETURN(
      auto store, f.resume ? store::OpenExistingResultsStore(f.store.Location())
                           : store::OpenResultsStore(f.store.Location()));
  INFX_ASSIGN_OR_RETURN(hardware::HardwareCatalog catalog,
                        sweep::MatrixHardware(input.matrix));
  sweep::SweepOptions options;
  options.matrix = std::move(input.matrix);
  options.matrix_text = input.text;
  options.resume = f.resume || f.retry_failed;
  options.retry_failed = f.retry_failed;
  options.resume_run_id = f.store.run_id;
  options.infx_version = VersionString();
  options.git_sha = GitSha();
  options.labels = std::move(labels);
  options.progress = f.quiet ? nullptr : &std::cerr;
  options.progress_is_tty = isatty(STDERR_FILENO) != 0;
  options.cancel = cancel;
  options.telemetry = f.telemetry.Resolved();
  sweep::SweepSummary summary;
  if (f.plan || !f.sla.empty()) {
    sweep::PlanSweepOptions po;
    po.budget_points = f.budget;
    po.search = f.search == "grid-cull" ? sweep::SearchMode::kGridCull
                                        : sweep::SearchMode::kAdaptive;
    po.gain_threshold = f.gain_threshold;
    po.sla = f.sla;
    INFX_ASSIGN_OR_RETURN(summary, sweep::RunPlannedSweep(options, po, *store));
  } else {
    INFX_ASSIGN_OR_RETURN(summary, sweep::RunSweep(options, *store));
  }
  PrintSummary(summary, static_cast<int>(grid.size()));
  INFX_RETURN_IF_ERROR(Conclude(f, *store, summary.run_id, summary,
                                static_cast<int>(grid.size()), catalog));
  return ExitStatus(summary);
}

void SetupSweep(CLI::App& app) {
  auto flags = std::make_shared<SweepFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run a matrix of serving configs x workloads x concurrencies against "
      "the emulator (default), a running server or launched engines; store "
      "every point, print the frontier and write the HTML report");
  cmd->add_option("matrix", flags->matrix_path, "matrix YAML (docs/matrix.md)");
  cmd->add_option("--from-inferencex", flags->inferencex_path,
                  "import fixed-seq-len scenarios of an InferenceX master "
                  "config (e.g. nvidia-master.yaml)");
  cmd->add_option("--filter", flags->filters,
                  "InferenceX import filter key=glob[|glob],... e.g. "
                  "model-prefix=dsr1,runner=h200 (repeatable; all must hold)");
  AddStoreFlags(cmd, &flags->store, "run id to resume");
  cmd->add_option("--label", flags->labels,
                  "free-form run label key=value, stored with the run "
                  "(repeatable; `infx runs` lists them)");
  cmd->add_option("--report", flags->report_path,
                  "HTML report path (default infx-report-run<ID>.html)");
  cmd->add_option("--url", flags->url,
                  "use this running server as the target (overrides target:)");
  cmd->add_option("--hardware-file", flags->hardware_file,
                  "hardware additions and overrides (docs/hardware.md); "
                  "hardware names neither built in nor defined here are "
                  "errors");
  cmd->add_option("--calibration", flags->calibration_file,
                  "calibration file for the planner's predictions "
                  "(docs/calibration.md); overrides the matrix's "
                  "`calibration:`");
  cmd->add_flag("--resume", flags->resume,
                "continue the latest run of this matrix (or --run ID), "
                "skipping stored points");
  cmd->add_flag("--retry-failed", flags->retry_failed,
                "resume, and measure again the points stored as failed (no "
                "request succeeded); plain --resume keeps them");
  cmd->add_flag("--plan", flags->plan,
                "measure part of the grid: the planner's predictions, "
                "corrected by what is measured, choose each next point "
                "(--search)");
  cmd->add_option("--search", flags->search,
                  "with --plan: adaptive (expected hypervolume improvement; "
                  "default) or grid-cull (planner cut + gap refinement)")
      ->check(CLI::IsMember({"adaptive", "grid-cull"}));
  cmd->add_option("--budget", flags->budget,
                  "with --plan/--sla: points to measure (default: a quarter "
                  "of the grid for adaptive, half for grid-cull, a third for "
                  "--sla)");
  cmd->add_option("--gain-threshold", flags->gain_threshold,
                  "adaptive: stop when the best expected gain is below this "
                  "share of the predicted full-grid hypervolume")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--sla", flags->sla,
                  "find per config the highest concurrency meeting every "
                  "constraint, e.g. \"p99_ttft_ms<=2000,median_tpot_ms<=50\" "
                  "(any stored metric; implies --plan)");
  cmd->add_flag("--list", flags->list, "print the points and exit");
  cmd->add_flag("--json", flags->json,
                "print the summary and frontier as JSON");
  cmd->add_flag("--quiet", flags->quiet, "no progress lines");
  AddExecutorFlags(cmd, &flags->executor);
  AddTelemetryFlags(cmd, flags->telemetry);
  cmd->footer(ExampleFooter(
      "infx sweep examples/quickstart.yaml --db out/quickstart.db --report "
      "out/quickstart.html\n  infx sweep --from-inferencex "
      "nvidia-master.yaml --filter model-prefix=dsr1,runner=h200 --list\n  "
      "infx sweep matrix.yaml --executor slurm --partition gpu --time "
      "02:00:00 --max-parallel 4"));
  cmd->callback([flags] {
    static std::atomic<bool> cancel{false};
    sweep::InstallInterruptHandler(&cancel);
    Status s = RunSweepCommand(*flags, &cancel);
    sweep::RemoveInterruptHandler();
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(30, SetupSweep);

}  // namespace infx::cli
