// `infx whatif`: predicted frontiers side by side for variants of hardware
// and model (catalog entries, --vary hypotheticals such as doubled HBM
// bandwidth or a 576-GPU scale-up domain, another precision, several
// models), a table of tok/s/GPU at iso-interactivity levels with the
// winning config, an optional decomposition of the gain by layer, JSON
// (docs/whatif.md) and an SVG chart.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "chart/svg_chart.h"
#include "cli/command.h"
#include "cli/flag_checks.h"
#include "common/files.h"
#include "common/limits.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/deployment.h"
#include "whatif/variant.h"
#include "whatif/whatif.h"
#include "whatif/whatif_format.h"

namespace infx::cli {
namespace {

struct WhatIfOptions {
  std::vector<std::string> models;
  std::vector<std::string> hardware = {"h200"};
  std::string hardware_file;
  std::vector<std::string> vary;
  std::string engine = "vllm";
  std::vector<double> iso;
  std::string chart_file;
  int gpus = 0;
  int64_t isl = 1024;
  int64_t osl = 1024;
  double range_ratio = 0.8;
  bool disagg = false;
  bool decompose = false;
  bool json = false;
};

Result<whatif::WhatIfRequest> BuildRequest(const WhatIfOptions& o) {
  std::vector<model::ModelSpec> models;
  for (const std::string& m : o.models) {
    INFX_ASSIGN_OR_RETURN(model::ModelSpec spec, model::LoadModel(m));
    models.push_back(std::move(spec));
  }
  hardware::HardwareCatalog catalog = hardware::HardwareCatalog::Builtin();
  if (!o.hardware_file.empty()) {
    INFX_RETURN_IF_ERROR(catalog.MergeYamlFile(o.hardware_file));
  }
  std::vector<hardware::HardwareSpec> hardware;
  for (const std::string& h : o.hardware) {
    INFX_ASSIGN_OR_RETURN(hardware::HardwareSpec spec, catalog.Find(h));
    hardware.push_back(std::move(spec));
  }
  std::vector<whatif::VaryAxis> axes;
  for (const std::string& v : o.vary) {
    INFX_ASSIGN_OR_RETURN(whatif::VaryAxis axis, whatif::ParseVaryFlag(v));
    axes.push_back(std::move(axis));
  }
  whatif::WhatIfRequest r;
  INFX_ASSIGN_OR_RETURN(r.variants,
                        whatif::MakeVariants(models, hardware, axes));
  INFX_ASSIGN_OR_RETURN(r.engine, perf::ParseEngine(o.engine));
  r.workload = {o.isl, o.osl, o.range_ratio};
  r.gpu_budget = o.gpus;
  r.include_disaggregated = o.disagg;
  r.iso_levels = o.iso;
  r.decompose = o.decompose;
  return r;
}

void RunWhatIfCommand(const WhatIfOptions& o) {
  Result<whatif::WhatIfRequest> request = BuildRequest(o);
  if (!request.ok()) return ExitWithError(request.status());
  Result<whatif::WhatIfResult> result = whatif::RunWhatIf(*request);
  if (!result.ok()) return ExitWithError(result.status());
  if (!o.chart_file.empty()) {
    if (o.chart_file != "-" && !o.chart_file.ends_with(".svg")) {
      return ExitWithError(Status::InvalidArgument("--chart " + o.chart_file +
                                                   ": only .svg is supported"));
    }
    Status written = WriteOutputFile(
        o.chart_file, chart::RenderSvg(whatif::WhatIfChart(*request, *result)));
    if (!written.ok()) return ExitWithError(written);
  }
  if (o.json) {
    std::cout << whatif::WhatIfJson(*request, *result).dump(2) << "\n";
  } else {
    std::cout << whatif::FormatWhatIf(*request, *result);
  }
  SetExitCode(0);
}

CLI::Validator VaryCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        Result<whatif::VaryAxis> axis = whatif::ParseVaryFlag(text);
        if (axis.ok()) return "";
        // CLI11 prefixes the flag name already.
        std::string message = axis.status().message();
        for (const char* prefix : {"--vary: ", "--vary "}) {
          if (message.starts_with(prefix)) {
            return message.substr(std::string(prefix).size());
          }
        }
        return message;
      },
      "FIELD=V1,V2,...");
}

void SetupWhatIf(CLI::App& app) {
  auto o = std::make_shared<WhatIfOptions>();
  CLI::App* cmd = app.add_subcommand(
      "whatif",
      "Predicted frontiers side by side for hardware / model variants "
      "(what if HBM bandwidth doubled, the scale-up domain were 576 GPUs, "
      "the model ran at FP4, ...)");
  cmd->add_option("--model", o->models,
                  "config.json, directory or name; repeat or comma-separate "
                  "for several models")
      ->required()
      ->delimiter(',');
  cmd->add_option("--hardware", o->hardware,
                  "catalog names, comma-separated (infx hardware list)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--hardware-file", o->hardware_file,
                  "YAML adding or overriding hardware entries");
  cmd->add_option("--vary", o->vary,
                  "hypothetical variant axis, repeatable: "
                  "hbm_bandwidth=x1,x1.5,x2 | hbm_capacity=... | "
                  "scaleup_domain=8,72,576 | flops_fp8=... | "
                  "precision=fp8,fp4 | topology=switched,torus2d (all fields "
                  "in docs/whatif.md)")
      ->check(VaryCheck());
  cmd->add_option("--gpus", o->gpus,
                  "GPUs per variant (default: one node, or the scale-up "
                  "domain when larger)")
      ->check(IntIn(1, limits::kMaxGpus));
  AddWorkloadLengthFlags(cmd, &o->isl, &o->osl, &o->range_ratio);
  cmd->add_option("--engine", o->engine, "vllm, sglang or trtllm")
      ->capture_default_str();
  cmd->add_option("--iso", o->iso,
                  "interactivity levels, tok/s/user, comma-separated "
                  "(default: 10,20,50,100,200,500,1000 as reached)")
      ->delimiter(',')
      ->check(FiniteIn(1e-3, 1e6));
  cmd->add_flag("--disagg", o->disagg,
                "also consider prefill/decode disaggregated splits (slower)");
  cmd->add_flag("--decompose", o->decompose,
                "split the gain from the first variant to the last into "
                "hardware, parallelism, precision and model architecture");
  cmd->add_option("--chart", o->chart_file,
                  "write the frontiers as SVG (one per variant)");
  cmd->add_flag("--json", o->json, "machine-readable output (docs/whatif.md)");
  cmd->footer(ExampleFooter(
      "infx whatif --model llama-3.1-70b --hardware h200,b200 --vary "
      "hbm_bandwidth=x1,x2 --vary precision=fp8 --isl 1024 --osl 1024"));
  cmd->callback([o] { RunWhatIfCommand(*o); });
}

}  // namespace

INFX_REGISTER_COMMAND(21, SetupWhatIf);

}  // namespace infx::cli
