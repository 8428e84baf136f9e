#include "frontier/format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "common/table.h"

namespace infx::frontier {
namespace {

std::string Cell(const std::optional<double>& v, int decimals) {
  return v ? FormatFixed(*v, decimals) : "-";
}

nlohmann::json OptionalJson(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string CsvOptional(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : "";
}

// Config keys may contain commas or quotes: RFC 4180 quoting.
std::string CsvText(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ShortAxis(XMetric x) {
  switch (x) {
    case XMetric::kInteractivity:
      return "tok/s/user";
    case XMetric::kE2el:
      return "e2el ms";
    case XMetric::kTtft:
      return "ttft ms";
  }
  return "x";
}

std::string ShortY(YMetric y) {
  switch (y) {
    case YMetric::kTokensPerMw:
      return "tok/s/MW";
    case YMetric::kJoulesPerToken:
      return "J/token";
    default:
      return "tok/s/GPU";
  }
}

int YDecimals(YMetric y) { return y == YMetric::kJoulesPerToken ? 4 : 1; }

bool AnyMeasuredPower(const ScenarioFrontier& s) {
  return std::any_of(s.frontier.begin(), s.frontier.end(), [](const auto& p) {
    return p.measured_tok_s_per_mw.has_value();
  });
}

// The catalog's estimate of a power y metric for a frontier point.
std::optional<double> CatalogPowerY(YMetric y, const PointEconomics& e) {
  if (!e.tok_s_per_mw || *e.tok_s_per_mw <= 0) return std::nullopt;
  return y == YMetric::kJoulesPerToken ? 1e6 / *e.tok_s_per_mw
                                       : *e.tok_s_per_mw;
}

// The accuracy cells of a frontier point: strict-match, flexible-extract,
// questions (of its own eval) and its status.
std::vector<std::string> AccuracyCells(const RunAccuracy& accuracy,
                                       const CurvePoint& p) {
  const EvalAccuracy* e = accuracy.AtPoint(p.config_key, p.concurrency);
  return {e ? AccuracyCell(e->strict_match) : "-",
          e ? AccuracyCell(e->flexible_extract) : "-",
          e ? std::to_string(e->headline.n) : "-",
          StatusCell(StatusAt(accuracy, p.config_key, p.concurrency))};
}

// CSV cells: task, strict, strict stderr, flexible, flexible stderr,
// questions, min score, status (of the point's own eval; status also
// "config_fail").
std::string AccuracyCsv(const RunAccuracy& accuracy, const std::string& key,
                        double concurrency) {
  const EvalAccuracy* e = accuracy.AtPoint(key, concurrency);
  const std::string status = StatusName(StatusAt(accuracy, key, concurrency));
  if (e == nullptr) return fmt::format(",,,,,,,{}", status);
  auto filter = [](const std::optional<FilterAccuracy>& a) {
    return a ? fmt::format("{},{}", a->accuracy, a->standard_error)
             : std::string(",");
  };
  return fmt::format("{},{},{},{},{},{}", CsvText(e->task),
                     filter(e->strict_match), filter(e->flexible_extract),
                     e->headline.n, e->min_score, status);
}

nlohmann::json StatusJson(const RunAccuracy& accuracy, const CurvePoint& p) {
  const std::string s =
      StatusName(StatusAt(accuracy, p.config_key, p.concurrency));
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// Why the iso table shows what it shows when the levels missed the data.
std::string IsoNote(const ScenarioFrontier& s, const AnalysisOptions& o) {
  if (s.curve.empty() || s.iso.empty()) return "";
  const std::string range =
      fmt::format("{}-{} {}", FormatFixed(s.curve.x_min(), 1),
                  FormatFixed(s.curve.x_max(), 1), ShortAxis(o.x));
  if (s.iso_from_data) {
    return fmt::format(
        "\nthe default iso levels ({}) are outside this frontier ({}); "
        "showing levels from the data (choose with --iso)\n",
        fmt::join(o.iso_levels, ", "), range);
  }
  const bool none =
      std::none_of(s.iso.begin(), s.iso.end(),
                   [](const IsoRow& r) { return r.y.has_value(); });
  if (!none) return "";
  return fmt::format(
      "\nnone of the iso levels ({}) is inside this frontier ({}); pass "
      "--iso with levels in that range\n",
      fmt::join(o.iso_levels, ", "), range);
}

}  // namespace

std::string FormatAccuracyTable(const RunAnalysis& analysis) {
  const RunAccuracy& acc = analysis.accuracy;
  if (acc.empty()) return "";
  std::ostringstream out;
  out << fmt::format(
      "run {} accuracy (FAIL: strict-match or flexible-extract below the "
      "config's min score)\n",
      analysis.run_id);
  Table t({"config", "conc", "task", "strict-match", "flexible-extract", "n",
           "min score", "result"});
  for (const EvalAccuracy& e : acc.evals) {
    // Records without per-question filters show their stored headline.
    const bool filters = e.strict_match || e.flexible_extract;
    t.AddRow({e.config_key,
              e.concurrency > 0 ? std::to_string(e.concurrency) : "config",
              e.task,
              filters ? AccuracyCell(e.strict_match)
                      : AccuracyCell(e.headline) + " (headline)",
              AccuracyCell(e.flexible_extract), std::to_string(e.headline.n),
              FormatFixed(e.min_score, 2), Verdict(e.pass)});
  }
  t.Print(out);
  const auto failed = acc.FailedConfigs();
  if (!failed.empty()) {
    std::set<std::string> evaluated;
    for (const auto& e : acc.evals) evaluated.insert(e.config_key);
    out << fmt::format("accuracy FAIL: {} of {} configs with evals{}: {}\n",
                       failed.size(), evaluated.size(),
                       analysis.excluded_configs.empty()
                           ? " (flagged, still on the frontier)"
                           : " (left off the frontier)",
                       fmt::join(failed, ", "));
  }
  return out.str();
}

nlohmann::json InvalidPointsJson(const RunAnalysis& analysis) {
  nlohmann::json out = nlohmann::json::array();
  for (const InvalidPoint& p : analysis.invalid_points) {
    out.push_back({{"config_key", p.key.config_key},
                   {"isl", p.key.isl},
                   {"osl", p.key.osl},
                   {"concurrency", p.key.concurrency},
                   {"request_rate", p.key.request_rate},
                   {"repetition", p.key.repetition},
                   {"reasons", p.reasons}});
  }
  return out;
}

std::string FormatInvalidPoints(const RunAnalysis& analysis) {
  if (analysis.invalid_points.empty()) return "";
  std::ostringstream out;
  out << fmt::format(
      "INVALID points: {} ({})\n", analysis.invalid_points.size(),
      analysis.options.include_invalid
          ? "flagged, kept on the frontier (--include-invalid)"
          : "left off the frontier; --include-invalid keeps them");
  for (const InvalidPoint& p : analysis.invalid_points) {
    out << fmt::format(
        "  {} isl={} osl={} c={}{} rep {}: {}\n", p.key.config_key, p.key.isl,
        p.key.osl, p.key.concurrency,
        p.key.request_rate > 0 ? fmt::format(" rate={:g}", p.key.request_rate)
                               : "",
        p.key.repetition, p.reasons);
  }
  return out.str();
}

std::string FormatFrontierTable(const RunAnalysis& analysis) {
  std::ostringstream out;
  const auto& o = analysis.options;
  if (analysis.scenarios.empty()) {
    out << fmt::format("run {}: {}\n", analysis.run_id,
                       analysis.excluded_configs.empty()
                           ? "no completed points"
                           : "no points left once the configs that FAIL "
                             "accuracy are excluded");
    out << FormatInvalidPoints(analysis);
    out << FormatAccuracyTable(analysis);
    return out.str();
  }
  const bool with_accuracy = !analysis.accuracy.empty();
  for (const ScenarioFrontier& s : analysis.scenarios) {
    out << fmt::format(
        "run {} {}: frontier of {} vs {} ({} "
        "configs, {} frontier points)\n",
        analysis.run_id, s.Label(),
        IsPowerMetric(o.y) ? std::string(YMetricName(o.y))
                           : std::string(YMetricName(o.y)) + " throughput/GPU",
        XMetricName(o.x), s.curves.size(), s.frontier.size());
    const bool power_y = IsPowerMetric(o.y);
    const bool measured_power = AnyMeasuredPower(s);
    std::vector<std::string> headers = {ShortAxis(o.x), ShortY(o.y)};
    if (power_y) headers.push_back("y from");
    headers.insert(headers.end(), {"config", "conc", "$/Mtok", "tok/s/MW"});
    if (power_y) {
      headers.back() = "catalog " + ShortY(o.y);
    } else if (measured_power) {
      headers.push_back("measured tok/s/MW");
    }
    if (with_accuracy) {
      headers.insert(headers.end(),
                     {"strict-match", "flexible-extract", "n", "accuracy"});
    }
    Table t(headers);
    for (size_t i = 0; i < s.frontier.size(); ++i) {
      const CurvePoint& p = s.frontier[i];
      const PointEconomics& e = s.economics[i];
      std::vector<std::string> row = {FormatFixed(p.x, 2),
                                      FormatFixed(p.y, YDecimals(o.y))};
      if (power_y) row.push_back(p.y_source);
      row.insert(row.end(),
                 {p.config_key,
                  FormatFixed(
                      p.concurrency,
                      p.concurrency == static_cast<int>(p.concurrency) ? 0 : 2),
                  Cell(e.usd_per_million_tokens, 3),
                  power_y ? Cell(CatalogPowerY(o.y, e), YDecimals(o.y))
                          : Cell(e.tok_s_per_mw, 0)});
      if (!power_y && measured_power) {
        row.push_back(Cell(p.measured_tok_s_per_mw, 0));
      }
      if (with_accuracy) {
        auto cells = AccuracyCells(analysis.accuracy, p);
        row.insert(row.end(), cells.begin(), cells.end());
      }
      t.AddRow(std::move(row));
    }
    t.Print(out);
    if (power_y) {
      out << "y from: measured = the point's valid GPU power x its facility "
             "factor; catalog = modelled from the catalog's all-in W/GPU "
             "(docs/telemetry.md)\n";
    }
    out << IsoNote(s, o);
    if (!s.iso.empty()) {
      out << "\n";
      Table iso({"at " + ShortAxis(o.x), ShortY(o.y), "best config", "$/Mtok",
                 "tok/s/MW"});
      for (const IsoRow& r : s.iso) {
        iso.AddRow({FormatFixed(r.x, 1), Cell(r.y, YDecimals(o.y)),
                    r.config_key.empty() ? "(out of range)" : r.config_key,
                    Cell(r.economics.usd_per_million_tokens, 3),
                    Cell(r.economics.tok_s_per_mw, 0)});
      }
      iso.Print(out);
    }
    out << "\n";
  }
  const std::string predicted = FormatPredictionErrors(analysis.predictions);
  if (!predicted.empty()) {
    out << fmt::format("run {}: planner predictions vs measured\n",
                       analysis.run_id)
        << predicted << "\n";
  }
  const std::string invalid = FormatInvalidPoints(analysis);
  if (!invalid.empty()) out << invalid << "\n";
  const std::string accuracy = FormatAccuracyTable(analysis);
  if (!accuracy.empty()) out << accuracy << "\n";
  return out.str();
}

std::string FrontierCsv(const RunAnalysis& analysis) {
  std::string out =
      "kind,run_id,model,isl,osl,x_metric,y_metric,x,y,config_key,"
      "concurrency,point_id,usd_per_million_tokens,tok_s_per_mw,"
      "accuracy_task,strict_match,strict_match_stderr,flexible_extract,"
      "flexible_extract_stderr,num_questions,min_score,accuracy\n";
  const auto& o = analysis.options;
  for (const ScenarioFrontier& s : analysis.scenarios) {
    const std::string prefix =
        fmt::format("{},{},{},{},{},{}", analysis.run_id, CsvText(s.model),
                    s.isl, s.osl, XMetricName(o.x), YMetricName(o.y));
    for (size_t i = 0; i < s.frontier.size(); ++i) {
      const CurvePoint& p = s.frontier[i];
      out += fmt::format(
          "frontier,{},{},{},{},{},{},{},{},{}\n", prefix, p.x, p.y,
          CsvText(p.config_key), p.concurrency, p.point_id,
          CsvOptional(s.economics[i].usd_per_million_tokens),
          CsvOptional(s.economics[i].tok_s_per_mw),
          AccuracyCsv(analysis.accuracy, p.config_key, p.concurrency));
    }
    for (const IsoRow& r : s.iso) {
      out += fmt::format("iso,{},{},{},{},,,{},{},,,,,,,,\n", prefix, r.x,
                         CsvOptional(r.y), CsvText(r.config_key),
                         CsvOptional(r.economics.usd_per_million_tokens),
                         CsvOptional(r.economics.tok_s_per_mw));
    }
  }
  return out;
}

nlohmann::json PredictionsJson(const RunAnalysis& analysis) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& r : analysis.predictions) {
    points.push_back(PredictionErrorJson(r));
  }
  return {{"points", points},
          {"median_abs_tput_error_pct",
           OptionalJson(MedianAbsTputErrorPct(analysis.predictions))}};
}

nlohmann::json FrontierJson(const RunAnalysis& analysis) {
  const RunAccuracy& acc = analysis.accuracy;
  auto point_json = [](const CurvePoint& p) {
    nlohmann::json j{{"x", p.x},
                     {"y", p.y},
                     {"config_key", p.config_key},
                     {"concurrency", p.concurrency},
                     {"point_id", p.point_id}};
    if (!p.y_source.empty()) j["y_source"] = p.y_source;
    if (p.measured_tok_s_per_mw) {
      j["measured_tok_s_per_mw"] = *p.measured_tok_s_per_mw;
    }
    return j;
  };
  // Measured points also carry their accuracy (null when none).
  auto measured_json = [&](const CurvePoint& p) {
    auto j = point_json(p);
    const EvalAccuracy* e = acc.AtPoint(p.config_key, p.concurrency);
    j["accuracy"] = e ? EvalAccuracyJson(*e) : nlohmann::json(nullptr);
    j["accuracy_status"] = StatusJson(acc, p);
    return j;
  };
  nlohmann::json scenarios = nlohmann::json::array();
  for (const ScenarioFrontier& s : analysis.scenarios) {
    nlohmann::json frontier = nlohmann::json::array();
    for (size_t i = 0; i < s.frontier.size(); ++i) {
      auto j = measured_json(s.frontier[i]);
      j["usd_per_million_tokens"] =
          OptionalJson(s.economics[i].usd_per_million_tokens);
      j["tok_s_per_mw"] = OptionalJson(s.economics[i].tok_s_per_mw);
      frontier.push_back(j);
    }
    nlohmann::json iso = nlohmann::json::array();
    for (const IsoRow& r : s.iso) {
      iso.push_back({{"x", r.x},
                     {"y", OptionalJson(r.y)},
                     {"config_key", r.config_key},
                     {"usd_per_million_tokens",
                      OptionalJson(r.economics.usd_per_million_tokens)},
                     {"tok_s_per_mw", OptionalJson(r.economics.tok_s_per_mw)}});
    }
    nlohmann::json curves = nlohmann::json::array();
    for (const ConfigCurve& c : s.curves) {
      nlohmann::json measured = nlohmann::json::array();
      for (const auto& p : c.measured) measured.push_back(measured_json(p));
      nlohmann::json predicted = nlohmann::json::array();
      for (const auto& p : c.predicted) predicted.push_back(point_json(p));
      const auto pass = acc.ConfigPasses(c.config_key);
      curves.push_back(
          {{"config_key", c.config_key},
           {"hardware", c.hardware},
           {"num_gpus", c.num_gpus},
           {"accuracy_pass", pass ? nlohmann::json(*pass) : nullptr},
           {"measured", measured},
           {"predicted", predicted}});
    }
    scenarios.push_back({{"model", s.model},
                         {"isl", s.isl},
                         {"osl", s.osl},
                         {"frontier", frontier},
                         {"iso", iso},
                         {"iso_from_data", s.iso_from_data},
                         {"curves", curves}});
  }
  nlohmann::json evals = nlohmann::json::array();
  for (const auto& e : acc.evals) evals.push_back(EvalAccuracyJson(e));
  return {{"run_id", analysis.run_id},
          {"x_metric", XMetricName(analysis.options.x)},
          {"y_metric", YMetricName(analysis.options.y)},
          {"x_label", XMetricLabel(analysis.options.x)},
          {"y_label", YMetricLabel(analysis.options.y)},
          {"iso_levels", analysis.options.iso_levels},
          {"scenarios", scenarios},
          {"accuracy", evals},
          {"failed_accuracy_configs", acc.FailedConfigs()},
          {"excluded_configs", analysis.excluded_configs},
          {"invalid_points", InvalidPointsJson(analysis)},
          {"predictions", PredictionsJson(analysis)},
          {"include_invalid", analysis.options.include_invalid}};
}

std::string FormatComparisonTable(const FrontierComparison& c,
                                  const std::string& label_a,
                                  const std::string& label_b) {
  std::ostringstream out;
  out << fmt::format("A = {}\nB = {}\n", label_a, label_b);
  Table t({"at x", "A tok/s/GPU", "B tok/s/GPU", "A/B"});
  for (const IsoRatio& r : c.at_levels) {
    t.AddRow({FormatFixed(r.x, 1), Cell(r.y_a, 1), Cell(r.y_b, 1),
              Cell(r.ratio, 3)});
  }
  t.Print(out);
  if (c.has_overlap) {
    out << fmt::format(
        "overlap x in [{:.2f}, {:.2f}]: area between A and B {:.1f}, mean "
        "gap {:.1f} tok/s/GPU, geomean A/B {}\n",
        c.overlap_x_min, c.overlap_x_max, c.area_between, c.mean_gap,
        Cell(c.geomean_ratio, 3));
  } else {
    out << "the two frontiers share no x range: no area or mean ratio\n";
  }
  return out.str();
}

nlohmann::json ComparisonJson(const FrontierComparison& c,
                              const std::string& label_a,
                              const std::string& label_b) {
  nlohmann::json levels = nlohmann::json::array();
  for (const IsoRatio& r : c.at_levels) {
    levels.push_back({{"x", r.x},
                      {"y_a", OptionalJson(r.y_a)},
                      {"y_b", OptionalJson(r.y_b)},
                      {"ratio", OptionalJson(r.ratio)}});
  }
  nlohmann::json j = {{"a", label_a},
                      {"b", label_b},
                      {"at_levels", levels},
                      {"has_overlap", c.has_overlap}};
  if (c.has_overlap) {
    j["overlap_x_min"] = c.overlap_x_min;
    j["overlap_x_max"] = c.overlap_x_max;
    j["area_between"] = c.area_between;
    j["mean_gap"] = c.mean_gap;
    j["geomean_ratio"] = OptionalJson(c.geomean_ratio);
  }
  return j;
}

}  // namespace infx::frontier
