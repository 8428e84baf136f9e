// `infx calibrate`: fits the performance model's calibration factors to the
// measured points of a stored run (calibrate/fit.h), writes the calibration
// file (-o; docs/calibration.md), prints the factors with 95% intervals and
// the residual table (or --json), and keeps the fit with its run in the
// store (--no-save: not); --history lists the stored fits.
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "calibrate/fit.h"
#include "calibrate/fit_history.h"
#include "calibrate/fit_output.h"
#include "calibrate/measured_point.h"
#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
#include "perf/calibration_file.h"
#include "store/results_store.h"

namespace infx::cli {
namespace {

struct CalibrateFlags {
  StoreFlags store;
  std::string engine;
  std::string hardware;
  std::string output;
  std::string factors;  // comma-separated; "" = all the data identify
  bool json = false;
  bool no_loo = false;
  bool no_save = false;
  bool history = false;
  bool include_invalid = false;
  std::string evaluate;  // --evaluate FILE: predict with FILE, no fit
};

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// --history: the stored fits (of --run, else of every run), oldest first.
Status ShowHistory(const CalibrateFlags& f) {
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenResultsStoreReadOnly(f.store.Location()));
  INFX_ASSIGN_OR_RETURN(auto fits, store->ListCalibrationFits(f.store.run_id));
  fits = calibrate::SelectFits(fits, f.hardware, f.engine);
  if (f.json) {
    std::cout << calibrate::FitHistoryJson(fits).dump(2) << "\n";
  } else {
    std::cout << calibrate::FitHistoryText(fits);
  }
  return Status::Ok();
}

Result<calibrate::FitResult> Fit(const calibrate::LoadedPoints& loaded,
                                 const CalibrateFlags& f) {
  calibrate::FitOptions options;
  options.factors = SplitComma(f.factors);
  options.leave_one_out = !f.no_loo;
  return calibrate::FitCalibration(loaded.points, options);
}

// --evaluate FILE: the points predicted with FILE's entry for their
// hardware / engine / version (an entry for others is an error naming
// both), no fit.
Result<calibrate::FitResult> Evaluate(const calibrate::LoadedPoints& loaded,
                                      const std::string& file) {
  if (loaded.points.empty()) {
    return Status::FailedPrecondition("no valid measured point to evaluate");
  }
  const calibrate::MeasuredPoint& first = loaded.points.front();
  auto calibration =
      perf::CalibrationFor(file, first.deployment.hardware,
                           first.deployment.engine, first.engine_version);
  if (!calibration.ok()) {
    return calibration.status().WithContext("--evaluate");
  }
  return calibrate::EvaluateCalibration(loaded.points, *calibration);
}

Status RunCalibrate(const CalibrateFlags& f) {
  if (f.history) return ShowHistory(f);
  // A fit is kept with its run, so the store must exist and be writable
  // (never created); --no-save and --evaluate only read.
  const bool read_only = f.no_save || !f.evaluate.empty();
  INFX_ASSIGN_OR_RETURN(
      auto store, read_only
                      ? store::OpenResultsStoreReadOnly(f.store.Location())
                      : store::OpenExistingResultsStore(f.store.Location()));
  calibrate::PointFilter filter{f.store.run_id, f.engine, f.hardware,
                                f.include_invalid};
  INFX_ASSIGN_OR_RETURN(calibrate::LoadedPoints loaded,
                        calibrate::LoadMeasuredPoints(*store, filter));
  auto fit = f.evaluate.empty() ? Fit(loaded, f) : Evaluate(loaded, f.evaluate);
  if (!fit.ok()) {
    return fit.status().WithContext(
        fmt::format("run {} of {}", loaded.run_id,
                    store::RedactStoreUrl(f.store.Location())));
  }
  calibrate::FitSource source{store::RedactStoreUrl(f.store.Location()),
                              loaded.run_id, loaded.points.size(),
                              loaded.skipped, f.evaluate};
  nlohmann::json json = calibrate::FitJson(*fit, source);
  if (!f.no_save && f.evaluate.empty()) {
    INFX_ASSIGN_OR_RETURN(json["fit_id"],
                          store->InsertCalibrationFit(
                              calibrate::FitRecord(*fit, json, loaded.run_id)));
  }
  if (!f.output.empty()) {
    INFX_RETURN_IF_ERROR(
        WriteOutputFile(f.output, calibrate::FitYaml(*fit, source)));
  }
  if (f.json) {
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << calibrate::FitText(*fit, source);
    if (json.contains("fit_id")) {
      std::cout << fmt::format(
          "kept as fit {} of run {} (infx calibrate "
          "--history)\n",
          json["fit_id"].get<int64_t>(), loaded.run_id);
    }
    if (!f.output.empty()) std::cout << "wrote " << f.output << "\n";
  }
  return Status::Ok();
}

void SetupCalibrate(CLI::App& app) {
  auto flags = std::make_shared<CalibrateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "fit the performance model's calibration factors to a run's measured "
      "points (robust least squares, 95% intervals, held-out error)");
  AddStoreFlags(cmd, &flags->store,
                "run whose points are fitted (default: latest run)");
  cmd->add_option("--engine", flags->engine,
                  "only configs of this engine (vllm|sglang|trtllm)");
  cmd->add_option("--hardware", flags->hardware,
                  "only configs on this hardware (h200, ...)");
  cmd->add_option("-o,--output", flags->output,
                  "write the calibration file (docs/calibration.md)");
  cmd->add_option("--factors", flags->factors,
                  "comma-separated factors to fit (default: gemm_mfu, "
                  "moe_gemm_mfu, fp4_gemm_mfu, weight_mbu, kv_mbu, "
                  "comm_efficiency, step_overhead_s, per_seq_overhead_s, "
                  "per_layer_overhead_s)");
  cmd->add_flag("--json", flags->json, "print JSON (docs/calibration.md)");
  cmd->add_flag("--no-loo", flags->no_loo,
                "skip the leave-one-config-out refits");
  cmd->add_flag("--no-save", flags->no_save,
                "do not keep the fit with its run in the store (then the "
                "store is only read)");
  cmd->add_flag("--history", flags->history,
                "list the fits stored with runs (of --run, else of every "
                "run; --hardware/--engine select) instead of fitting");
  cmd->add_flag("--include-invalid", flags->include_invalid,
                "use points judged INVALID (run validity) too (default: "
                "skip them, listed with their reasons)");
  cmd->add_option("--evaluate", flags->evaluate,
                  "no fit: predict the points with this calibration file "
                  "(e.g. fitted on other points) and report the residuals")
      ->check(CLI::ExistingFile);
  cmd->footer(ExampleFooter(
      "infx calibrate --db infx.db --run 3 --engine vllm -o h200-vllm.yaml"));
  cmd->callback([flags] {
    Status s = RunCalibrate(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(62, SetupCalibrate);

}  // namespace infx::cli
