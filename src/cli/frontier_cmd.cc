// `infx frontier`: Pareto frontiers of a stored run (or a comparison of two
// runs or two configs) as a table, CSV, JSON and SVG charts, with the run's
// accuracy results beside the points that have one.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "cli/command.h"
#include "cli/store_flags.h"
#include "common/files.h"
#include "frontier/analysis.h"
#include "frontier/format.h"
#include "frontier/prices.h"
#include "hardware/catalog.h"
#include "store/results_store.h"

namespace infx::cli {
namespace {

struct FrontierFlags {
  StoreFlags store;
  std::string x = "interactivity";
  std::string y = "total";
  std::string iso;  // "" = 20,50,100 for interactivity, none for latencies
  std::string csv_path;
  std::string chart_path;
  bool json = false;
  bool exclude_failed_accuracy = false;
  bool include_invalid = false;
  std::vector<std::string> compare;
};

Result<std::vector<double>> ParseLevels(const std::string& text) {
  std::vector<double> levels;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string token = text.substr(start, comma - start);
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (token.empty() || *end != '\0' || !std::isfinite(v) || v <= 0) {
      return Status::InvalidArgument(fmt::format(
          "--iso: '{}' is not a positive number (expected e.g. 20,50,100)",
          token));
    }
    levels.push_back(v);
    start = comma + 1;
  }
  return levels;
}

Result<frontier::AnalysisOptions> ParseOptions(const FrontierFlags& f) {
  frontier::AnalysisOptions o;
  INFX_ASSIGN_OR_RETURN(o.x, frontier::ParseXMetric(f.x));
  INFX_ASSIGN_OR_RETURN(o.y, frontier::ParseYMetric(f.y));
  o.exclude_failed_accuracy = f.exclude_failed_accuracy;
  o.include_invalid = f.include_invalid;
  if (!f.iso.empty()) {
    INFX_ASSIGN_OR_RETURN(o.iso_levels, ParseLevels(f.iso));
    o.iso_levels_are_defaults = false;
  } else if (o.x != frontier::XMetric::kInteractivity) {
    o.iso_levels.clear();
  }
  return o;
}

Result<frontier::RunAnalysis> Analyze(store::ResultsStore& store,
                                      int64_t run_id,
                                      const frontier::AnalysisOptions& o) {
  INFX_ASSIGN_OR_RETURN(auto configs, store.ListConfigs(run_id));
  auto prices =
      frontier::PricesForConfigs(hardware::HardwareCatalog::Builtin(), configs);
  return frontier::AnalyzeRun(store, run_id, o, prices);
}

Status WriteCharts(const frontier::RunAnalysis& a, const std::string& path) {
  if (path == "-" && a.scenarios.size() > 1) {
    return Status::InvalidArgument(fmt::format(
        "--chart -: the run has {} scenarios, one chart each; give a file "
        "name (FILE-N.svg are written)",
        a.scenarios.size()));
  }
  for (size_t i = 0; i < a.scenarios.size(); ++i) {
    std::string file = path;
    if (a.scenarios.size() > 1) {
      const size_t dot = path.rfind(".svg");
      const std::string stem =
          dot == std::string::npos ? path : path.substr(0, dot);
      file = fmt::format("{}-{}.svg", stem, i + 1);
    }
    INFX_RETURN_IF_ERROR(WriteOutputFile(
        file, frontier::RenderSvgChart(
                  a.scenarios[i], a.options,
                  {.failed_accuracy_configs = a.accuracy.FailedConfigs()})));
    std::cerr << fmt::format("wrote chart {} ({})\n", file,
                             a.scenarios[i].Label());
  }
  return Status::Ok();
}

bool IsRunId(store::ResultsStore& store, const std::string& token) {
  if (token.empty() ||
      token.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  return store.GetRun(std::strtoll(token.c_str(), nullptr, 10)).ok();
}

struct Comparison {
  std::string scenario;
  std::string label_a, label_b;
  frontier::FrontierComparison result;
};

// Two run ids: matching scenarios of the two runs. Otherwise two config keys
// of `run`: every scenario that has both.
Result<std::vector<Comparison>> Compare(store::ResultsStore& store,
                                        const frontier::RunAnalysis& run,
                                        const FrontierFlags& f,
                                        const frontier::AnalysisOptions& o) {
  const std::string& a = f.compare[0];
  const std::string& b = f.compare[1];
  std::vector<Comparison> out;
  if (IsRunId(store, a) && IsRunId(store, b)) {
    INFX_ASSIGN_OR_RETURN(
        auto ra, Analyze(store, std::strtoll(a.c_str(), nullptr, 10), o));
    INFX_ASSIGN_OR_RETURN(
        auto rb, Analyze(store, std::strtoll(b.c_str(), nullptr, 10), o));
    for (const auto& sa : ra.scenarios) {
      for (const auto& sb : rb.scenarios) {
        if (sa.Label() != sb.Label()) continue;
        out.push_back(
            {sa.Label(), "run " + a, "run " + b,
             frontier::CompareFrontiers(sa.curve, sb.curve, o.iso_levels)});
      }
    }
    if (out.empty()) {
      return Status::NotFound(fmt::format(
          "--compare: runs {} and {} share no model/ISL/OSL scenario", a, b));
    }
    return out;
  }
  for (const auto& s : run.scenarios) {
    auto sa = frontier::ConfigOnlyScenario(s, a, o, {});
    auto sb = frontier::ConfigOnlyScenario(s, b, o, {});
    if (!sa.ok() || !sb.ok()) continue;
    out.push_back(
        {s.Label(), a, b,
         frontier::CompareFrontiers(sa->curve, sb->curve, o.iso_levels)});
  }
  if (out.empty()) {
    return Status::NotFound(fmt::format(
        "--compare: '{}' and '{}' are neither two run ids nor two configs "
        "measured in one scenario of run {}",
        a, b, run.run_id));
  }
  return out;
}

void PrintComparisons(const std::vector<Comparison>& cs, bool json) {
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& c : cs) {
      auto item = frontier::ComparisonJson(c.result, c.label_a, c.label_b);
      item["scenario"] = c.scenario;
      j.push_back(item);
    }
    std::cout << nlohmann::json{{"comparisons", j}}.dump(2) << "\n";
    return;
  }
  for (const auto& c : cs) {
    std::cout << c.scenario << "\n"
              << frontier::FormatComparisonTable(c.result, c.label_a, c.label_b)
              << "\n";
  }
}

Status RunFrontier(const FrontierFlags& f) {
  INFX_ASSIGN_OR_RETURN(auto options, ParseOptions(f));
  INFX_ASSIGN_OR_RETURN(OpenedRun opened, OpenStoredRun(f.store));
  store::ResultsStore& db = *opened.store;
  INFX_ASSIGN_OR_RETURN(auto analysis, Analyze(db, opened.run.run_id, options));
  if (!f.csv_path.empty()) {
    INFX_RETURN_IF_ERROR(
        WriteOutputFile(f.csv_path, frontier::FrontierCsv(analysis)));
  }
  if (!f.chart_path.empty()) {
    INFX_RETURN_IF_ERROR(WriteCharts(analysis, f.chart_path));
  }
  if (f.compare.size() == 2) {
    INFX_ASSIGN_OR_RETURN(auto comparisons, Compare(db, analysis, f, options));
    PrintComparisons(comparisons, f.json);
  } else if (f.json) {
    std::cout << frontier::FrontierJson(analysis).dump(2) << "\n";
  } else {
    std::cout << frontier::FormatFrontierTable(analysis);
  }
  return Status::Ok();
}

void SetupFrontier(CLI::App& app) {
  auto flags = std::make_shared<FrontierFlags>();
  CLI::App* cmd = app.add_subcommand(
      "frontier",
      "Pareto frontier of throughput per GPU vs interactivity (or E2E "
      "latency / TTFT) of a stored run, with iso-interactivity, cost and "
      "power figures");
  AddStoreFlags(cmd, &flags->store);
  cmd->add_option("--x", flags->x, "x axis: interactivity | e2el | ttft")
      ->capture_default_str();
  cmd->add_option("--y", flags->y, "throughput per GPU: total | output | input")
      ->capture_default_str();
  cmd->add_option("--iso", flags->iso,
                  "x levels to read throughput at (default 20,50,100 for "
                  "interactivity)");
  cmd->add_option("--csv", flags->csv_path, "write the frontier as CSV");
  cmd->add_option("--chart", flags->chart_path,
                  "write an SVG chart (FILE-N.svg per scenario when several)");
  cmd->add_flag("--json", flags->json, "print JSON (docs/frontier.md)");
  cmd->add_flag("--exclude-failed-accuracy", flags->exclude_failed_accuracy,
                "leave configs whose eval is below their min score off the "
                "frontier (default: keep them, marked FAIL)");
  cmd->add_flag("--include-invalid", flags->include_invalid,
                "keep points judged INVALID (run validity) on the frontier "
                "(default: leave them off; they are listed either way)");
  cmd->add_option("--compare", flags->compare,
                  "compare two runs (RUN_A RUN_B) or two configs of the run "
                  "(CONFIG_A CONFIG_B)")
      ->expected(2);
  cmd->footer(ExampleFooter(
      "infx frontier --db infx.db --iso 20,50,100 --chart frontier.svg"));
  cmd->callback([flags] {
    Status s = RunFrontier(*flags);
    if (s.ok()) {
      SetExitCode(0);
    } else {
      ExitWithError(s);
    }
  });
}

}  // namespace

INFX_REGISTER_COMMAND(60, SetupFrontier);

}  // namespace infx::cli
