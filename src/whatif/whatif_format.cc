#include "whatif/whatif_format.h"

#include <sstream>

#include "common/table.h"
#include "perf/deployment.h"

namespace infx::whatif {
namespace {

std::string F(double v, int d) { return FormatFixed(v, d); }

nlohmann::json IsoJson(const std::vector<IsoCell>& row) {
  nlohmann::json out = nlohmann::json::array();
  for (const IsoCell& c : row) {
    nlohmann::json j = {{"interactivity", c.interactivity},
                        {"throughput_per_gpu", nullptr},
                        {"config", nullptr}};
    if (c.throughput_per_gpu) {
      j["throughput_per_gpu"] = *c.throughput_per_gpu;
      j["config"] = c.config;
    }
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json VariantJson(const VariantResult& v) {
  nlohmann::json settings = nlohmann::json::object();
  for (const Setting& s : v.settings) settings[s.field] = s.value;
  nlohmann::json frontier = nlohmann::json::array();
  for (const FrontierPoint& p : v.frontier) {
    frontier.push_back({{"interactivity", p.interactivity},
                        {"throughput_per_gpu", p.throughput_per_gpu},
                        {"config", p.config},
                        {"parallelism", p.parallelism},
                        {"concurrency", p.concurrency},
                        {"ttft_ms", p.ttft_ms},
                        {"tpot_ms", p.tpot_ms}});
  }
  nlohmann::json j = {{"label", v.label},       {"model", v.model},
                      {"hardware", v.hardware}, {"precision", v.precision},
                      {"gpus", v.gpu_budget},   {"settings", settings},
                      {"frontier", frontier},   {"iso", IsoJson(v.iso)}};
  if (!v.note.empty()) j["note"] = v.note;
  return j;
}

std::string Cell(const IsoCell& c) {
  if (!c.throughput_per_gpu) return "-";
  return F(*c.throughput_per_gpu, 0) + " (" + c.config + ")";
}

std::string Ratio(const IsoCell& now, const IsoCell& before) {
  if (!now.throughput_per_gpu || !before.throughput_per_gpu ||
      *before.throughput_per_gpu <= 0) {
    return "-";
  }
  return "x" + F(*now.throughput_per_gpu / *before.throughput_per_gpu, 2);
}

void PrintDecomposition(const WhatIfResult& r, std::ostream& out) {
  std::vector<std::string> headers = {"layer", "change"};
  for (double l : r.iso_levels)
    headers.push_back("@" + F(l, 0) + " tok/s/user");
  Table t(headers);
  for (size_t s = 0; s < r.decomposition.size(); ++s) {
    const DecompositionStep& step = r.decomposition[s];
    std::vector<std::string> row = {step.layer, step.change};
    for (size_t i = 0; i < step.iso.size(); ++i) {
      std::string cell = step.iso[i].throughput_per_gpu
                             ? F(*step.iso[i].throughput_per_gpu, 0)
                             : "-";
      if (s > 0 && step.iso[i].throughput_per_gpu) {
        cell += " " + Ratio(step.iso[i], r.decomposition[s - 1].iso[i]);
      }
      row.push_back(cell);
    }
    t.AddRow(row);
  }
  out << "\ndecomposition (first variant -> last, one layer at a time; "
         "tok/s/GPU and the step's gain):\n";
  t.Print(out);
}

}  // namespace

nlohmann::json WhatIfJson(const WhatIfRequest& request,
                          const WhatIfResult& result) {
  nlohmann::json variants = nlohmann::json::array();
  for (const VariantResult& v : result.variants) {
    variants.push_back(VariantJson(v));
  }
  nlohmann::json j = {{"workload",
                       {{"isl", request.workload.isl},
                        {"osl", request.workload.osl},
                        {"range_ratio", request.workload.range_ratio}}},
                      {"engine", std::string(perf::EngineName(request.engine))},
                      {"iso_levels", result.iso_levels},
                      {"variants", variants},
                      {"points_evaluated", result.points_evaluated}};
  if (!result.decomposition.empty()) {
    nlohmann::json steps = nlohmann::json::array();
    for (const DecompositionStep& s : result.decomposition) {
      steps.push_back(
          {{"layer", s.layer}, {"change", s.change}, {"iso", IsoJson(s.iso)}});
    }
    j["decomposition"] = steps;
  }
  return j;
}

std::string FormatWhatIf(const WhatIfRequest& request,
                         const WhatIfResult& result) {
  std::ostringstream out;
  out << "whatif: " << result.variants.size() << " variants, ISL "
      << request.workload.isl << " / OSL " << request.workload.osl << " ("
      << perf::EngineName(request.engine)
      << "); tok/s/GPU at each interactivity (the best config reaching it)\n\n";
  std::vector<std::string> headers = {"variant", "gpus", "max tok/s/user"};
  for (double l : result.iso_levels) {
    headers.push_back("@" + F(l, 0) + " tok/s/user");
  }
  Table t(headers);
  for (const VariantResult& v : result.variants) {
    const double top = v.frontier.empty() ? 0 : v.frontier.back().interactivity;
    std::vector<std::string> row = {v.label, std::to_string(v.gpu_budget),
                                    v.frontier.empty() ? v.note : F(top, 1)};
    for (const IsoCell& c : v.iso) row.push_back(Cell(c));
    t.AddRow(row);
  }
  t.Print(out);
  if (!result.decomposition.empty()) PrintDecomposition(result, out);
  return out.str();
}

chart::Chart WhatIfChart(const WhatIfRequest& request,
                         const WhatIfResult& result) {
  chart::Chart chart;
  chart.title = "What-if frontiers, " + std::to_string(request.workload.isl) +
                "/" + std::to_string(request.workload.osl) + " (" +
                std::string(perf::EngineName(request.engine)) + ")";
  chart.x.label = "interactivity (tok/s/user)";
  chart.y.label = "throughput (tok/s/GPU)";
  chart.x.scale = chart::Scale::kLog;
  chart.y.scale = chart::Scale::kLog;
  chart.x_guides = result.iso_levels;
  for (const VariantResult& v : result.variants) {
    chart::Series s;
    s.name = v.label;
    s.line_width = 2;
    for (const FrontierPoint& p : v.frontier) {
      s.points.push_back({p.interactivity, p.throughput_per_gpu,
                          v.label + ": " + p.config + " @" +
                              std::to_string(p.concurrency) + ", " +
                              F(p.throughput_per_gpu, 0) + " tok/s/GPU at " +
                              F(p.interactivity, 1) + " tok/s/user"});
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

}  // namespace infx::whatif
