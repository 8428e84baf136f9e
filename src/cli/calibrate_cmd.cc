// `infx calibrate`: fits the performance model's calibration factors to the
// measured points of a stored run (calibrate/fit.h), writes the calibration
// file (-o; docs/calibration.md), prints the factors with 95% intervals and
// the residual table (or --json).
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "calibrate/fit.h"
#include "calibrate/fit_output.h"
#include "calibrate/measured_point.h"
#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
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
};

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Status RunCalibrate(const CalibrateFlags& f) {
  INFX_ASSIGN_OR_RETURN(auto store,
                        store::OpenResultsStoreReadOnly(f.store.Location()));
  calibrate::PointFilter filter{f.store.run_id, f.engine, f.hardware};
  INFX_ASSIGN_OR_RETURN(calibrate::LoadedPoints loaded,
                        calibrate::LoadMeasuredPoints(*store, filter));
  calibrate::FitOptions options;
  options.factors = SplitComma(f.factors);
  options.leave_one_out = !f.no_loo;
  auto fit = calibrate::FitCalibration(loaded.points, options);
  if (!fit.ok()) {
    return fit.status().WithContext(
        fmt::format("run {} of {}", loaded.run_id,
                    store::RedactStoreUrl(f.store.Location())));
  }
  calibrate::FitSource source{store::RedactStoreUrl(f.store.Location()),
                              loaded.run_id, loaded.points.size(),
                              loaded.skipped};
  const nlohmann::json json = calibrate::FitJson(*fit, source);
  if (!f.output.empty()) {
    INFX_RETURN_IF_ERROR(
        WriteOutputFile(f.output, calibrate::FitYaml(*fit, source)));
  }
  if (f.json) {
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << calibrate::FitText(*fit, source);
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
