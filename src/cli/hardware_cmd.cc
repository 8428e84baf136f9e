// `infx hardware list` and `infx hardware show NAME`: the accelerator
// catalog, optionally extended by --hardware-file (docs/hardware.md; JSON
// schema in docs/json-model-hardware.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>
#include <string>

#include "cli/command.h"
#include "common/table.h"
#include "hardware/catalog.h"
#include "hardware/hardware_json.h"

namespace infx::cli {
namespace {

using hardware::HardwareCatalog;
using hardware::HardwareSpec;

struct HardwareOptions {
  std::string name;
  std::string hardware_file;
  bool json = false;
};

Result<HardwareCatalog> LoadCatalog(const std::string& hardware_file) {
  HardwareCatalog catalog = HardwareCatalog::Builtin();
  if (!hardware_file.empty()) {
    INFX_RETURN_IF_ERROR(catalog.MergeYamlFile(hardware_file));
  }
  return catalog;
}

// Blank when the precision has no tensor-core path, so the column stays
// numeric (right-aligned).
std::string Tflops(double flops) {
  return flops > 0 ? FormatFixed(flops / 1e12, 1) : "";
}
std::string GBps(double bytes_per_s) {
  return FormatFixed(bytes_per_s / 1e9, 1);
}
std::string TflopsOrNone(double flops) {
  return flops > 0 ? Tflops(flops) + " TFLOP/s" : "not supported";
}

void RunList(const HardwareOptions& options) {
  Result<HardwareCatalog> catalog = LoadCatalog(options.hardware_file);
  if (!catalog.ok()) return ExitWithError(catalog.status());
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const HardwareSpec& spec : catalog->entries()) {
      list.push_back(hardware::HardwareSpecJson(spec));
    }
    std::cout << list.dump(2) << "\n";
    return SetExitCode(0);
  }
  Table table({"name", "HBM GB", "HBM GB/s", "BF16 TFLOP/s", "FP8 TFLOP/s",
               "FP4 TFLOP/s", "scale-up", "up GB/s", "out GB/s", "TDP W",
               "all-in W", "$/GPU-h*"});
  for (const HardwareSpec& s : catalog->entries()) {
    table.AddRow({s.name, FormatFixed(s.hbm_capacity_bytes / 1e9, 0),
                  GBps(s.hbm_bandwidth_bytes_per_s), Tflops(s.bf16_flops),
                  Tflops(s.fp8_flops), Tflops(s.fp4_flops),
                  std::to_string(s.scale_up_domain_gpus),
                  GBps(s.scale_up_bandwidth_bytes_per_s),
                  GBps(s.scale_out_bandwidth_bytes_per_s),
                  FormatFixed(s.tdp_watts, 0),
                  FormatFixed(s.all_in_power_watts, 0),
                  FormatFixed(s.usd_per_gpu_hour, 2)});
  }
  table.Print(std::cout);
  std::cout << "FLOP/s dense (blank: no tensor-core path); bandwidths per "
               "GPU, one direction. "
               "* reference price, an assumption: override with "
               "--hardware-file.\n";
  SetExitCode(0);
}

void PrintSpec(const HardwareSpec& s, std::ostream& out) {
  Table table({"field", "value"});
  table.AddRow({"name", s.name});
  table.AddRow({"display name", s.display_name});
  table.AddRow({"vendor", s.vendor});
  table.AddRow({"aliases", fmt::format("{}", fmt::join(s.aliases, ", "))});
  table.AddRow({"HBM capacity", FormatBytes(s.hbm_capacity_bytes)});
  table.AddRow(
      {"HBM bandwidth", FormatBytes(s.hbm_bandwidth_bytes_per_s) + "/s"});
  table.AddRow({"BF16 dense", TflopsOrNone(s.bf16_flops)});
  table.AddRow({"FP8 dense", TflopsOrNone(s.fp8_flops)});
  table.AddRow({"FP4 dense", TflopsOrNone(s.fp4_flops)});
  table.AddRow({"GPUs per node", std::to_string(s.gpus_per_node)});
  table.AddRow(
      {"scale-up domain", std::to_string(s.scale_up_domain_gpus) + " GPUs"});
  table.AddRow({"scale-up bandwidth",
                FormatBytes(s.scale_up_bandwidth_bytes_per_s) + "/s"});
  table.AddRow({"scale-out bandwidth",
                FormatBytes(s.scale_out_bandwidth_bytes_per_s) + "/s"});
  table.AddRow({"TDP", FormatFixed(s.tdp_watts, 0) + " W"});
  table.AddRow({"all-in power", FormatFixed(s.all_in_power_watts, 0) + " W"});
  table.AddRow({"price (assumption)",
                "$" + FormatFixed(s.usd_per_gpu_hour, 2) + " per GPU-hour"});
  table.AddRow({"source", s.source});
  table.Print(out);
}

void RunShow(const HardwareOptions& options) {
  Result<HardwareCatalog> catalog = LoadCatalog(options.hardware_file);
  if (!catalog.ok()) return ExitWithError(catalog.status());
  Result<HardwareSpec> spec = catalog->Find(options.name);
  if (!spec.ok()) return ExitWithError(spec.status());
  if (options.json) {
    std::cout << hardware::HardwareSpecJson(*spec).dump(2) << "\n";
  } else {
    PrintSpec(*spec, std::cout);
  }
  SetExitCode(0);
}

void SetupHardware(CLI::App& app) {
  CLI::App* hw = app.add_subcommand(
      "hardware", "Accelerator catalog: HBM, FLOP/s, links, power, price");
  hw->require_subcommand(1);
  hw->footer(ExampleFooter("infx hardware show h200"));

  auto list_options = std::make_shared<HardwareOptions>();
  CLI::App* list = hw->add_subcommand("list", "List the hardware catalog");
  list->add_flag("--json", list_options->json, "Print JSON");
  list->add_option("--hardware-file", list_options->hardware_file,
                   "YAML file adding or overriding entries");
  list->footer(ExampleFooter(
      "infx hardware list --hardware-file examples/hardware-override.yaml"));
  list->callback([list_options] { RunList(*list_options); });

  auto show_options = std::make_shared<HardwareOptions>();
  CLI::App* show = hw->add_subcommand("show", "Show one hardware entry");
  show->add_option("name", show_options->name,
                   "Catalog name or alias (see `infx hardware list`)")
      ->required();
  show->add_flag("--json", show_options->json, "Print JSON");
  show->add_option("--hardware-file", show_options->hardware_file,
                   "YAML file adding or overriding entries");
  show->footer(ExampleFooter("infx hardware show gb200-nvl72 --json"));
  show->callback([show_options] { RunShow(*show_options); });
}

}  // namespace
}  // namespace infx::cli

INFX_REGISTER_COMMAND(51, infx::cli::SetupHardware);
