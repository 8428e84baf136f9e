// `infx plan`: which serving configurations are worth benchmarking for a
// model on hardware and a workload, with their predicted curves; cuts are
// explained with --explain, the predicted frontier printed with --frontier
// and drawn with --chart. JSON schema in docs/plan.md.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "chart/svg_chart.h"
#include "cli/command.h"
#include "cli/flag_checks.h"
#include "common/files.h"
#include "common/limits.h"
#include "common/table.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/calibration.h"
#include "perf/calibration_file.h"
#include "plan/plan.h"
#include "plan/plan_json.h"

namespace infx::cli {
namespace {

struct PlanOptions {
  std::string model;
  std::string hardware = "h200";
  std::string hardware_file;
  std::string engine = "vllm";
  std::string precision;  // comma-separated; "" = checkpoint's
  std::string calibration_file;
  std::string chart_file;
  int gpus = 0;
  int64_t isl = 1024;
  int64_t osl = 1024;
  double range_ratio = 0.8;
  double prefix_hit_rate = 0;
  double margin = 0.10;
  int budget = 0;
  double mtp_acceptance = 0;
  int mtp_drafts = 3;
  bool no_disagg = false;
  bool explain = false;
  bool frontier = false;
  bool json = false;
};

Result<std::vector<Precision>> ParsePrecisions(const std::string& text) {
  std::vector<Precision> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    INFX_ASSIGN_OR_RETURN(Precision p, ParsePrecision(item));
    out.push_back(p);
  }
  return out;
}

Result<plan::PlanRequest> BuildRequest(const PlanOptions& o) {
  plan::PlanRequest r;
  INFX_ASSIGN_OR_RETURN(r.model, model::LoadModel(o.model));
  hardware::HardwareCatalog catalog = hardware::HardwareCatalog::Builtin();
  if (!o.hardware_file.empty()) {
    INFX_RETURN_IF_ERROR(catalog.MergeYamlFile(o.hardware_file));
  }
  INFX_ASSIGN_OR_RETURN(r.hardware, catalog.Find(o.hardware));
  INFX_ASSIGN_OR_RETURN(r.engine, perf::ParseEngine(o.engine));
  INFX_ASSIGN_OR_RETURN(r.precisions, ParsePrecisions(o.precision));
  if (!o.calibration_file.empty()) {
    INFX_ASSIGN_OR_RETURN(
        perf::Calibration cal,
        perf::CalibrationFor(o.calibration_file, r.hardware, r.engine));
    r.calibration = cal;
  }
  if (!(o.range_ratio >= 0 && o.range_ratio <= 1)) {
    return Status::InvalidArgument("--range-ratio must be in [0, 1]");
  }
  r.workload = {o.isl, o.osl, o.range_ratio, o.prefix_hit_rate};
  r.gpu_budget = o.gpus;
  r.dominance_margin = o.margin;
  r.budget_points = o.budget;
  r.include_disaggregated = !o.no_disagg;
  if (o.mtp_acceptance > 0) {
    if (!(o.mtp_acceptance >= 1 && o.mtp_acceptance <= o.mtp_drafts + 1)) {
      return Status::InvalidArgument(
          "--mtp-acceptance must be between 1 and --mtp-drafts + 1");
    }
    r.speculation.num_draft_tokens = o.mtp_drafts;
    r.speculation.mean_acceptance_length = o.mtp_acceptance;
  }
  return r;
}

std::string F(double v, int d) { return FormatFixed(v, d); }

void PrintKept(const plan::PlanResult& res, std::ostream& out) {
  Table t({"rank", "config", "gpus", "weights/GPU", "KV tokens",
           "max tok/s/user", "max tok/s/GPU", "frontier gain %"});
  int rank = 1;
  for (const plan::Candidate& c : res.kept) {
    double best_x = 0, best_y = 0;
    for (const auto& p : c.curve) {
      best_x = std::max(best_x, p.interactivity_tok_s_user);
      best_y = std::max(best_y, p.total_tok_s_per_gpu);
    }
    t.AddRow({std::to_string(rank++), c.Label(), std::to_string(c.gpus),
              FormatBytes(c.memory.weight_bytes_per_gpu),
              std::to_string(c.memory.kv_capacity_tokens), F(best_x, 1),
              F(best_y, 0), F(100 * c.frontier_gain, 1)});
  }
  t.Print(out);
}

void PrintPoints(const plan::PlanResult& res, std::ostream& out) {
  Table t({"config", "conc", "TTFT ms", "TPOT ms", "tok/s/user", "tok/s/GPU",
           "out tok/s/GPU"});
  for (const plan::Candidate& c : res.kept) {
    for (const auto& p : c.curve) {
      t.AddRow({c.Label(), std::to_string(p.concurrency), F(p.ttft_ms, 1),
                F(p.tpot_ms, 2), F(p.interactivity_tok_s_user, 1),
                F(p.total_tok_s_per_gpu, 0), F(p.output_tok_s_per_gpu, 0)});
    }
  }
  t.Print(out);
}

void PrintPlanPoints(const std::vector<plan::PlanPoint>& points,
                     std::ostream& out) {
  Table t({"config", "conc", "tok/s/user", "tok/s/GPU", "TTFT ms", "TPOT ms"});
  for (const plan::PlanPoint& p : points) {
    t.AddRow({p.config, std::to_string(p.concurrency),
              F(p.interactivity_tok_s_user, 1), F(p.total_tok_s_per_gpu, 0),
              F(p.ttft_ms, 1), F(p.tpot_ms, 2)});
  }
  t.Print(out);
}

void PrintPruned(const plan::PlanResult& res, std::ostream& out) {
  Table t({"config", "cut", "reason"});
  for (const plan::Candidate& c : res.pruned) {
    t.AddRow({c.Label(), std::string(plan::CutKindName(c.cut)), c.reason});
  }
  t.Print(out);
}

void PrintHuman(const PlanOptions& o, const plan::PlanRequest& r,
                const plan::PlanResult& res, std::ostream& out) {
  out << "plan: " << r.model.name << " on " << res.gpu_budget << "x "
      << r.hardware.name << " (" << perf::EngineName(r.engine) << "), ISL "
      << r.workload.isl << " / OSL " << r.workload.osl << " (range ratio "
      << F(r.workload.range_ratio, 2) << "), margin "
      << F(100 * r.dominance_margin, 0) << "%\n"
      << res.kept.size() << " kept, " << res.pruned.size() << " cut, "
      << res.points_evaluated << " points evaluated\n\n";
  if (res.kept.empty()) {
    out << "no configuration fits; run with --explain for the reasons\n";
  } else {
    PrintKept(res, out);
    out << "\npredicted points:\n";
    PrintPoints(res, out);
  }
  if (o.budget > 0) {
    out << "\nbenchmark these " << res.picks.size() << " points (--budget "
        << o.budget << "):\n";
    PrintPlanPoints(res.picks, out);
  }
  if (o.frontier) {
    out << "\npredicted frontier (tok/s/GPU against tok/s/user):\n";
    PrintPlanPoints(res.frontier, out);
  }
  if (o.explain) {
    out << "\ncut:\n";
    PrintPruned(res, out);
  }
}

void RunPlan(const PlanOptions& o) {
  Result<plan::PlanRequest> request = BuildRequest(o);
  if (!request.ok()) return ExitWithError(request.status());
  Result<plan::PlanResult> result = plan::Plan(*request);
  if (!result.ok()) return ExitWithError(result.status());
  if (!o.chart_file.empty()) {
    if (o.chart_file != "-" && !o.chart_file.ends_with(".svg")) {
      return ExitWithError(Status::InvalidArgument("--chart " + o.chart_file +
                                                   ": only .svg is supported"));
    }
    const std::string svg =
        chart::RenderSvg(plan::PlanChart(*request, *result));
    Status written = WriteOutputFile(o.chart_file, svg);
    if (!written.ok()) return ExitWithError(written);
  }
  if (o.json) {
    std::cout << plan::PlanResultToJson(*request, *result).dump(2) << "\n";
  } else {
    PrintHuman(o, *request, *result, std::cout);
  }
  SetExitCode(0);
}

void SetupPlan(CLI::App& app) {
  auto o = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Predict which serving configs are worth benchmarking (and their "
      "curves) before spending GPU time");
  cmd->add_option("--model", o->model, "config.json, directory or name")
      ->required();
  cmd->add_option("--hardware", o->hardware, "GPU name (infx hardware list)")
      ->capture_default_str();
  cmd->add_option("--hardware-file", o->hardware_file,
                  "YAML adding or overriding hardware entries");
  cmd->add_option("--gpus", o->gpus,
                  "GPU budget (default: one node, or the scale-up domain)")
      ->check(IntIn(1, limits::kMaxGpus));
  AddWorkloadLengthFlags(cmd, &o->isl, &o->osl, &o->range_ratio);
  cmd->add_option(
         "--prefix-hit-rate", o->prefix_hit_rate,
         "expected prefix-cache hit rate of the workload: that "
         "share of prompt tokens is not prefilled (docs/perf-model.md)")
      ->capture_default_str()
      ->check(FiniteIn(0, 0.999));
  cmd->add_option("--precision", o->precision,
                  "weight precision(s), comma-separated: bf16,fp8,fp4 "
                  "(default: the checkpoint's)");
  cmd->add_option("--engine", o->engine, "vllm, sglang or trtllm")
      ->capture_default_str();
  cmd->add_option(
      "--calibration", o->calibration_file,
      "calibration file for the hardware and engine (docs/calibration.md)");
  cmd->add_option("--margin", o->margin,
                  "cut configs below the frontier by more than this fraction")
      ->capture_default_str()
      ->check(FiniteIn(0, 1));
  cmd->add_option("--budget", o->budget,
                  "benchmark points to pick (0: no budget)")
      ->check(IntIn(0, 1'000'000));
  cmd->add_option("--mtp-acceptance", o->mtp_acceptance,
                  "speculative decoding / MTP mean acceptance length (0: off)")
      ->check(FiniteNonNegative());
  cmd->add_option("--mtp-drafts", o->mtp_drafts, "draft tokens per step")
      ->capture_default_str()
      ->check(IntIn(1, 64));
  cmd->add_flag("--no-disagg", o->no_disagg,
                "skip prefill/decode disaggregated splits");
  cmd->add_flag("--explain", o->explain, "also list every cut and why");
  cmd->add_flag("--frontier", o->frontier,
                "print the predicted Pareto frontier");
  cmd->add_option("--chart", o->chart_file, "write the frontier as SVG");
  cmd->add_flag("--json", o->json, "machine-readable output (docs/plan.md)");
  cmd->footer(ExampleFooter(
      "infx plan --model llama-3.1-70b --hardware h200 --gpus 8 --isl 1024 "
      "--osl 1024 --precision fp8 --frontier --explain"));
  cmd->callback([o] { RunPlan(*o); });
}

}  // namespace

INFX_REGISTER_COMMAND(20, SetupPlan);

}  // namespace infx::cli
