#include "report/report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "common/files.h"
#include "common/markup.h"
#include "frontier/format.h"
#include "frontier/prices.h"
#include "hardware/catalog.h"
#include "report/power_section.h"

namespace infx::report {
namespace {

using frontier::CurvePoint;
using frontier::ScenarioFrontier;

constexpr const char* kStyle = R"css(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f4f4f4; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.chart { margin: 1em 0; }
.muted { color: #777; }
td.fail, p.fail { color: #b00020; font-weight: bold; }
)css";

std::string Num(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.{}f}", v, decimals);
}

std::string Opt(const std::optional<double>& v, int decimals) {
  return v ? Num(*v, decimals) : "-";
}

// A table from header cells and rows; cells starting with '\x01' are
// numbers (right-aligned), cells starting with '\x02' accuracy failures
// (highlighted); the marker is stripped.
class HtmlTable {
 public:
  explicit HtmlTable(std::vector<std::string> headers) {
    html_ = "<table><tr>";
    for (const auto& h : headers) html_ += "<th>" + XmlEscape(h) + "</th>";
    html_ += "</tr>\n";
  }
  HtmlTable& Row(const std::vector<std::string>& cells) {
    html_ += "<tr>";
    for (const auto& c : cells) {
      if (!c.empty() && c[0] == '\x01') {
        html_ += "<td class=\"n\">" + XmlEscape(c.substr(1)) + "</td>";
      } else if (!c.empty() && c[0] == '\x02') {
        html_ += "<td class=\"fail\">" + XmlEscape(c.substr(1)) + "</td>";
      } else {
        html_ += "<td>" + XmlEscape(c) + "</td>";
      }
    }
    html_ += "</tr>\n";
    ++rows_;
    return *this;
  }
  std::string Html() const {
    return rows_ == 0 ? "<p class=\"muted\">none</p>\n" : html_ + "</table>\n";
  }

 private:
  std::string html_;
  int rows_ = 0;
};

std::string N(const std::string& s) { return "\x01" + s; }

// "91.25% ± 1.20%", "-" when absent.
std::string Pct(const std::optional<frontier::FilterAccuracy>& a) {
  if (!a) return "-";
  return Num(a->accuracy * 100, 2) + "% \u00b1 " +
         Num(a->standard_error * 100, 2) + "%";
}

// A status cell, highlighted when it is a failure.
std::string StatusCellHtml(frontier::PointStatus status) {
  const std::string text = frontier::StatusCell(status);
  const bool fail = status == frontier::PointStatus::kFail ||
                    status == frontier::PointStatus::kConfigFail;
  return fail ? "\x02" + text : text;
}

std::string RunSection(const ReportData& d) {
  const auto& r = d.run;
  HtmlTable t({"field", "value"});
  t.Row({"status", r.status})
      .Row({"started", r.started_at})
      .Row({"finished", r.finished_at.empty() ? "(running)" : r.finished_at})
      .Row({"host", r.host})
      .Row({"infx version", r.infx_version})
      .Row({"git sha", r.git_sha})
      .Row({"configs", std::to_string(d.configs.size())})
      .Row({"points", std::to_string(d.points.size())});
  return t.Html();
}

// Frontier points; with accuracy columns (the point's own eval and its
// status) when the run has evals.
std::string FrontierTable(const ScenarioFrontier& s,
                          const frontier::AnalysisOptions& o,
                          const frontier::RunAccuracy& acc) {
  std::vector<std::string> headers = {std::string(frontier::XMetricLabel(o.x)),
                                      "tok/s/GPU",
                                      "config",
                                      "concurrency",
                                      "$/Mtok",
                                      "tok/s/MW"};
  if (!acc.empty()) {
    headers.insert(headers.end(), {"strict-match", "flexible-extract",
                                   "questions", "accuracy"});
  }
  HtmlTable t(headers);
  for (size_t i = 0; i < s.frontier.size(); ++i) {
    const CurvePoint& p = s.frontier[i];
    std::vector<std::string> row = {
        N(Num(p.x, 2)),
        N(Num(p.y, 1)),
        p.config_key,
        N(Num(p.concurrency, 0)),
        N(Opt(s.economics[i].usd_per_million_tokens, 3)),
        N(Opt(s.economics[i].tok_s_per_mw, 0))};
    if (!acc.empty()) {
      const frontier::EvalAccuracy* e =
          acc.AtPoint(p.config_key, p.concurrency);
      row.push_back(N(e ? Pct(e->strict_match) : "-"));
      row.push_back(N(e ? Pct(e->flexible_extract) : "-"));
      row.push_back(N(e ? std::to_string(e->headline.n) : "-"));
      row.push_back(
          StatusCellHtml(frontier::StatusAt(acc, p.config_key, p.concurrency)));
    }
    t.Row(row);
  }
  return t.Html();
}

std::string IsoTable(const ScenarioFrontier& s,
                     const frontier::AnalysisOptions& o) {
  if (s.iso.empty()) return "";
  HtmlTable t({"at " + std::string(frontier::XMetricLabel(o.x)), "tok/s/GPU",
               "best config", "$/Mtok", "tok/s/MW"});
  for (const auto& r : s.iso) {
    t.Row({N(Num(r.x, 1)), N(Opt(r.y, 1)),
           r.config_key.empty() ? "(outside measured range)" : r.config_key,
           N(Opt(r.economics.usd_per_million_tokens, 3)),
           N(Opt(r.economics.tok_s_per_mw, 0))});
  }
  return "<h3>Throughput at iso levels</h3>\n" + t.Html();
}

// Planner predictions beside the measured points of this scenario (the
// rows of RunAnalysis::predictions, frontier/prediction_error.h).
std::string PredictedTable(const ScenarioFrontier& s,
                           const std::vector<frontier::PredictionError>& all) {
  std::vector<frontier::PredictionError> rows;
  for (const auto& r : all) {
    if (r.isl != s.isl || r.osl != s.osl) continue;
    for (const auto& c : s.curves) {
      if (c.config_key == r.config_key) rows.push_back(r);
    }
  }
  if (rows.empty()) return "";
  HtmlTable t({"config", "concurrency", "predicted tok/s/GPU",
               "measured tok/s/GPU", "error %", "predicted tok/s/user",
               "measured tok/s/user", "error %"});
  for (const auto& r : rows) {
    t.Row({r.config_key, N(Num(r.concurrency, 0)),
           N(Opt(r.predicted_tput_per_gpu_total, 1)),
           N(Num(r.measured_tput_per_gpu_total, 1)),
           N(Opt(r.tput_error_pct, 1)),
           N(Opt(r.predicted_interactivity_tok_s_user, 2)),
           N(Num(r.measured_interactivity_tok_s_user, 2)),
           N(Opt(r.interactivity_error_pct, 1))});
  }
  return fmt::format(
      "<h3>Planner predictions vs measured</h3>\n<p>median |error| of "
      "tok/s/GPU: {}% over {} points</p>\n{}",
      Opt(frontier::MedianAbsTputErrorPct(rows), 1), rows.size(), t.Html());
}

// The whole run's median |error| of the planner's predictions.
std::string PredictionSummary(const frontier::RunAnalysis& analysis) {
  if (analysis.predictions.empty()) return "";
  return fmt::format(
      "<p>Planner predictions vs measured, whole run: median |error| of "
      "tok/s/GPU {}% over {} points (with the calibration in force at the "
      "sweep, see Matrix; after <code>infx calibrate</code> these are its "
      "residuals).</p>\n",
      Opt(frontier::MedianAbsTputErrorPct(analysis.predictions), 1),
      analysis.predictions.size());
}

std::string ScenarioSection(const ScenarioFrontier& s,
                            const frontier::RunAnalysis& analysis,
                            const frontier::AnalysisOptions& o,
                            const frontier::AnalysisOptions& latency_axes,
                            const ScenarioFrontier* latency_view) {
  const frontier::RunAccuracy& acc = analysis.accuracy;
  std::string html = "<h2>" + XmlEscape(s.Label()) + "</h2>\n";
  const frontier::ChartOptions chart{.failed_accuracy_configs =
                                         acc.FailedConfigs()};
  html += "<div class=\"chart\">" + frontier::RenderSvgChart(s, o, chart) +
          "</div>\n";
  if (latency_view) {
    html += "<div class=\"chart\">" +
            frontier::RenderSvgChart(*latency_view, latency_axes, chart) +
            "</div>\n";
  }
  html += "<h3>Frontier</h3>\n" + FrontierTable(s, o, acc);
  html += IsoTable(s, o);
  html += PredictedTable(s, analysis.predictions);
  return html;
}

// "ok", or (highlighted) "FAILED: timeout 12" for a point where no request
// succeeded, with its failures by kind as the bench result recorded them.
std::string PointResultCell(const store::PointRecord& p) {
  if (p.metrics.completed > 0) {
    return p.metrics.valid ? std::string("ok")
                           : "\x02INVALID: " + p.metrics.invalid_reasons;
  }
  std::string kinds;
  const auto it = p.metrics_json.find("failures_by_kind");
  if (it != p.metrics_json.end() && it->is_object()) {
    for (const auto& [kind, count] : it->items()) {
      kinds +=
          fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, count.dump());
    }
  }
  return "\x02"
         "FAILED: " +
         (kinds.empty() ? "no request succeeded" : kinds);
}

std::string PointsSection(const ReportData& d,
                          const frontier::RunAccuracy& acc) {
  std::vector<std::string> headers = {
      "config",      "isl",         "osl",         "conc",
      "rate",        "rep",         "tok/s/GPU",   "out tok/s/GPU",
      "tok/s/user",  "TTFT p50 ms", "TTFT p99 ms", "TPOT p50 ms",
      "E2EL p50 ms", "req/s",       "ok",          "failed",
      "duration s",  "result"};
  if (!acc.empty()) headers.insert(headers.end(), {"strict-match", "accuracy"});
  HtmlTable t(headers);
  for (const auto& p : d.points) {
    const auto& k = p.key;
    const auto& m = p.metrics;
    std::vector<std::string> row = {k.config_key,
                                    N(std::to_string(k.isl)),
                                    N(std::to_string(k.osl)),
                                    N(std::to_string(k.concurrency)),
                                    N(Num(k.request_rate, 2)),
                                    N(std::to_string(k.repetition)),
                                    N(Num(m.tput_per_gpu_total, 1)),
                                    N(Num(m.tput_per_gpu_output, 1)),
                                    N(Num(m.interactivity_tok_s_user, 2)),
                                    N(Num(m.median_ttft_ms, 1)),
                                    N(Num(m.p99_ttft_ms, 1)),
                                    N(Num(m.median_tpot_ms, 2)),
                                    N(Num(m.median_e2el_ms, 1)),
                                    N(Num(m.request_throughput_rps, 3)),
                                    N(std::to_string(m.completed)),
                                    N(std::to_string(m.failed)),
                                    N(Num(m.duration_s, 1)),
                                    PointResultCell(p)};
    if (!acc.empty()) {
      const frontier::EvalAccuracy* e =
          acc.AtPoint(k.config_key, k.concurrency);
      row.push_back(N(e ? Pct(e->strict_match) : "-"));
      row.push_back(
          StatusCellHtml(frontier::StatusAt(acc, k.config_key, k.concurrency)));
    }
    t.Row(row);
  }
  return "<h2>All measured points</h2>\n" + t.Html();
}

std::string ConfigsSection(const ReportData& d,
                           const frontier::RunAccuracy& acc) {
  std::string html = "<h2>Configs</h2>\n";
  for (const auto& c : d.configs) {
    const auto pass = acc.ConfigPasses(c.config_key);
    html += fmt::format(
        "<h3>{}</h3>\n<p{}>hardware {} &middot; {} GPU(s){}</p>\n",
        XmlEscape(c.config_key), pass == false ? " class=\"fail\"" : "",
        XmlEscape(c.hardware.empty() ? "(unknown)" : c.hardware), c.num_gpus,
        pass ? fmt::format(" &middot; accuracy {} (min score {})",
                           frontier::Verdict(*pass),
                           Num(frontier::MinScoreOf(&c), 2))
             : "");
    html += "<pre>" +
            XmlEscape(c.details.dump(
                2, ' ', false, nlohmann::json::error_handler_t::replace)) +
            "</pre>\n";
  }
  return html;
}

// Every eval: both filters with standard errors, questions, the config's
// min score and the verdict; then which configs FAIL.
// What `infx sweep --plan` / `--sla` searched; "" when nothing was.
std::string SearchSection(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string html = "<h2>Search</h2>\n<ul>\n";
  for (const auto& line : notes) html += "<li>" + XmlEscape(line) + "</li>\n";
  return html + "</ul>\n";
}

std::string EvalsSection(const frontier::RunAnalysis& analysis) {
  const frontier::RunAccuracy& acc = analysis.accuracy;
  if (acc.empty()) return "";
  HtmlTable t({"config", "concurrency", "point", "task", "strict-match",
               "flexible-extract", "questions", "min score", "result"});
  for (const auto& e : acc.evals) {
    // Records without per-question filters show their stored headline.
    const bool filters = e.strict_match || e.flexible_extract;
    t.Row({e.config_key,
           N(e.concurrency > 0 ? std::to_string(e.concurrency) : "-"),
           N(e.point_id ? std::to_string(*e.point_id) : "config"), e.task,
           N(filters ? Pct(e.strict_match) : Pct(e.headline) + " (headline)"),
           N(Pct(e.flexible_extract)), N(std::to_string(e.headline.n)),
           N(Num(e.min_score, 2)),
           e.pass ? "PASS"
                  : "\x02"
                    "FAIL"});
  }
  std::string html =
      "<h2>Accuracy</h2>\n<p>An eval FAILs when strict-match or "
      "flexible-extract is below its config's min score; a config FAILs "
      "when any of its evals does.</p>\n" +
      t.Html();
  const auto failed = acc.FailedConfigs();
  if (!failed.empty()) {
    std::string list;
    for (const auto& key : failed) {
      list += (list.empty() ? "" : ", ") + XmlEscape(key);
    }
    html += fmt::format("<p class=\"fail\">Accuracy FAIL: {}{}</p>\n", list,
                        analysis.excluded_configs.empty()
                            ? " (flagged; still on the frontier)"
                            : " (left off the frontier)");
  }
  return html;
}

}  // namespace

Result<ReportData> LoadReportData(store::ResultsStore& store, int64_t run_id) {
  ReportData d;
  INFX_ASSIGN_OR_RETURN(d.run, store.GetRun(run_id));
  INFX_ASSIGN_OR_RETURN(d.configs, store.ListConfigs(run_id));
  INFX_ASSIGN_OR_RETURN(d.points, store.ListPoints(run_id));
  INFX_ASSIGN_OR_RETURN(d.evals, store.ListEvals(run_id));
  return d;
}

std::string RenderHtmlReport(const ReportData& d,
                             const ReportOptions& options) {
  frontier::PriceBook prices = options.prices;
  if (prices.empty()) {
    prices = frontier::PricesForConfigs(hardware::HardwareCatalog::Builtin(),
                                        d.configs);
  }
  const auto& o = options.analysis;
  auto analysis = frontier::AnalyzePoints(d.run.run_id, d.configs, d.points, o,
                                          prices, d.evals);
  // InferenceX's second view: the same throughput against E2E latency.
  frontier::AnalysisOptions latency = o;
  latency.x = frontier::XMetric::kE2el;
  latency.iso_levels.clear();
  auto latency_analysis = frontier::AnalyzePoints(
      d.run.run_id, d.configs, d.points, latency, prices, d.evals);
  const bool show_latency =
      o.x != frontier::XMetric::kE2el &&
      latency_analysis.scenarios.size() == analysis.scenarios.size();

  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>infx run {0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
      "<h1>infx run {0}</h1>\n",
      d.run.run_id, kStyle);
  html += RunSection(d);
  if (analysis.scenarios.empty()) {
    html += analysis.excluded_configs.empty()
                ? "<p class=\"muted\">No completed points yet.</p>\n"
                : "<p class=\"muted\">No points left once the configs that "
                  "FAIL accuracy are excluded.</p>\n";
  }
  for (size_t i = 0; i < analysis.scenarios.size(); ++i) {
    html += ScenarioSection(
        analysis.scenarios[i], analysis, o, latency,
        show_latency ? &latency_analysis.scenarios[i] : nullptr);
  }
  html += PredictionSummary(analysis);
  if (!analysis.invalid_points.empty()) {
    html += fmt::format(
        "<p class=\"fail\">{} INVALID point(s) (run validity; reasons in "
        "the last column of All measured points): {}</p>\n",
        analysis.invalid_points.size(),
        o.include_invalid ? "flagged, kept on the charts and frontier"
                          : "left off the charts and frontier");
  }
  html += SearchSection(options.search_notes);
  html += EvalsSection(analysis);
  html += PointsSection(d, analysis.accuracy);
  html += PowerSection(d, prices);
  html += ConfigsSection(d, analysis.accuracy);
  html += "<h2>Matrix</h2>\n<pre>" + XmlEscape(d.run.matrix_text) + "</pre>\n";
  html += "</body>\n</html>\n";
  return html;
}

Status WriteHtmlReport(store::ResultsStore& store, int64_t run_id,
                       const std::string& path, const ReportOptions& options) {
  INFX_ASSIGN_OR_RETURN(ReportData data, LoadReportData(store, run_id));
  return WriteOutputFile(path, RenderHtmlReport(data, options));
}

}  // namespace infx::report
