#include "sweep/validate.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <vector>

#include "bench/runner.h"
#include "common/precision.h"
#include "model/model_loader.h"
#include "perf/calibration_file.h"
#include "perf/deployment.h"
#include "sweep/http_probe.h"
#include "sweep/launch_target.h"
#include "sweep/model_name.h"

namespace infx::sweep {
namespace {

class Problems {
 public:
  void Add(const std::string& line) {
    if (seen_.insert(line).second) lines_.push_back(line);
  }
  Status ToStatus(size_t configs) const {
    if (lines_.empty()) return Status::Ok();
    std::string text = fmt::format(
        "the matrix has {} problem(s); nothing was started ({} configs "
        "checked):",
        lines_.size(), configs);
    for (const auto& line : lines_) text += "\n  " + line;
    return Status::InvalidArgument(text);
  }

 private:
  std::vector<std::string> lines_;
  std::set<std::string> seen_;
};

// The launch target has a command for the config's engine, and it (and
// the version command) expands.
template <typename Add>
void CheckLaunch(const LaunchSpec& launch, const ServingConfig& c, Add add) {
  auto it = launch.commands.find(c.engine);
  if (it == launch.commands.end()) it = launch.commands.find("default");
  if (it == launch.commands.end()) {
    add(fmt::format(
        "target.launch has no command for engine '{}' (add commands.{} or "
        "command)",
        c.engine, c.engine));
    return;
  }
  const auto values =
      PlaceholderValues(c, "model", launch.host, 1, launch.log_dir);
  if (auto cmd = ExpandTemplate(it->second, values); !cmd.ok()) {
    add(cmd.status().message());
  }
  if (!launch.version_command.empty()) {
    if (auto cmd = ExpandTemplate(launch.version_command, values); !cmd.ok()) {
      add("version_command: " + cmd.status().message());
    }
  }
}

// Calibration files in force apply to the config's hardware and engine.
template <typename Add>
void CheckCalibrations(const Matrix& m, const ServingConfig& c,
                       const hardware::HardwareCatalog& catalog, bool emulated,
                       Add add) {
  auto hw = catalog.Find(c.hardware);
  auto engine = perf::ParseEngine(c.engine);
  if (!hw.ok() || !engine.ok()) return;
  if (!m.calibration_file.empty()) {
    if (auto cal = perf::CalibrationFor(m.calibration_file, *hw, *engine);
        !cal.ok()) {
      add("calibration: " + cal.status().message());
    }
  }
  const EmulatorTargetSpec& em = m.target.emulator;
  if (emulated && !em.calibration.empty()) {
    if (auto cal =
            perf::CalibrationFor(em.calibration, *hw, *engine, em.version);
        !cal.ok()) {
      add("target.emulator.calibration: " + cal.status().message());
    }
  }
}

void CheckConfig(const Matrix& m, const ServingConfig& c,
                 const hardware::HardwareCatalog& catalog, Problems& problems) {
  const std::string key = c.Key();
  auto add = [&](const std::string& what) {
    problems.Add(fmt::format("config {}: {}", key, what));
  };
  if (auto hw = catalog.Find(c.hardware); !hw.ok()) {
    add(fmt::format("hardware: {} (define it with --hardware-file)",
                    hw.status().message()));
  }
  if (auto p = ParsePrecision(c.precision); !p.ok()) {
    add("precision: " + p.status().message());
  }
  if (!c.kv_precision.empty()) {
    if (auto p = ParsePrecision(c.kv_precision); !p.ok()) {
      add("kv_precision: " + p.status().message());
    }
  }
  const bool emulated =
      m.target.kind == TargetKind::kEmulator && !c.disaggregated();
  if (emulated || IsModelPath(c.model)) {
    if (auto model = model::LoadModel(c.model); !model.ok()) {
      add("model: " + model.status().message());
    }
  }
  if (emulated) {
    if (auto e = perf::ParseEngine(c.engine); !e.ok()) {
      add(fmt::format(
          "engine '{}': the emulator has calibrations for vllm, sglang and "
          "trtllm only",
          c.engine));
    }
  }
  if (m.target.kind == TargetKind::kLaunch)
    CheckLaunch(m.target.launch, c, add);
  CheckCalibrations(m, c, catalog, emulated, add);
}

// Trace workloads: the file exists, and no two workloads share the lengths
// points are stored by (a trace beside a random workload of the same
// isl/osl would overwrite its points).
void CheckWorkloads(const Matrix& m, Problems& problems) {
  for (size_t i = 0; i < m.workloads.size(); ++i) {
    const Workload& w = m.workloads[i];
    std::error_code ec;
    if (w.dataset != "random" &&
        !std::filesystem::is_regular_file(w.dataset_path, ec)) {
      problems.Add(fmt::format("workloads[{}]: dataset_path '{}': no such file",
                               i, w.dataset_path));
    }
    for (size_t j = 0; j < i; ++j) {
      const Workload& o = m.workloads[j];
      if ((w.dataset != "random" || o.dataset != "random") && w.isl == o.isl &&
          w.osl == o.osl && w.range_ratio == o.range_ratio) {
        problems.Add(fmt::format(
            "workloads[{}] and workloads[{}] both have isl/osl {}/{}: points "
            "are stored by these, give each workload distinct lengths",
            j, i, w.isl, w.osl));
      }
    }
  }
}

}  // namespace

Result<hardware::HardwareCatalog> MatrixHardware(const Matrix& matrix) {
  hardware::HardwareCatalog catalog = hardware::HardwareCatalog::Builtin();
  if (!matrix.hardware_file.empty()) {
    INFX_RETURN_IF_ERROR(catalog.MergeYamlFile(matrix.hardware_file)
                             .WithContext("--hardware-file"));
  }
  return catalog;
}

Status ValidateMatrix(const Matrix& matrix) {
  INFX_ASSIGN_OR_RETURN(hardware::HardwareCatalog catalog,
                        MatrixHardware(matrix));
  Problems problems;
  if (matrix.target.kind == TargetKind::kUrl) {
    if (auto url = ParseHttpUrl(matrix.target.url); !url.ok()) {
      problems.Add("target url: " + url.status().message());
    }
  }
  if (auto ep = bench::ParseEndpoint(matrix.endpoint); !ep.ok()) {
    problems.Add("endpoint: " + ep.status().message());
  }
  for (const ServingConfig& c : matrix.configs) {
    CheckConfig(matrix, c, catalog, problems);
  }
  CheckWorkloads(matrix, problems);
  for (const Point& p : ExpandPoints(matrix)) {
    const int64_t prompts =
        static_cast<int64_t>(p.concurrency) * matrix.prompts.per_concurrency;
    if (matrix.prompts.max == 0 && prompts > kMaxPromptsPerPoint) {
      problems.Add(fmt::format(
          "prompts: concurrency {} x per_concurrency {} = {} requests per "
          "point, more than {} (set prompts.max)",
          p.concurrency, matrix.prompts.per_concurrency, prompts,
          kMaxPromptsPerPoint));
    }
  }
  return problems.ToStatus(matrix.configs.size());
}

}  // namespace infx::sweep
