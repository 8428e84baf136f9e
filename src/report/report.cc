#include "report/report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "common/files.h"
#include "common/markup.h"
#include "frontier/format.h"
#include "frontier/prices.h"
#include "hardware/catalog.h"

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
)css";

std::string Num(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.{}f}", v, decimals);
}

std::string Opt(const std::optional<double>& v, int decimals) {
  return v ? Num(*v, decimals) : "-";
}

// A table from header cells and rows; cells starting with '\x01' are
// numbers (right-aligned), the marker is stripped.
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

std::string FrontierTable(const ScenarioFrontier& s,
                          const frontier::AnalysisOptions& o) {
  HtmlTable t({std::string(frontier::XMetricLabel(o.x)), "tok/s/GPU", "config",
               "concurrency", "$/Mtok", "tok/s/MW"});
  for (size_t i = 0; i < s.frontier.size(); ++i) {
    const CurvePoint& p = s.frontier[i];
    t.Row({N(Num(p.x, 2)), N(Num(p.y, 1)), p.config_key,
           N(Num(p.concurrency, 0)),
           N(Opt(s.economics[i].usd_per_million_tokens, 3)),
           N(Opt(s.economics[i].tok_s_per_mw, 0))});
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

// Planner predictions beside the measured point at the same concurrency.
std::string PredictedTable(const ScenarioFrontier& s) {
  HtmlTable t({"config", "concurrency", "predicted x", "measured x",
               "predicted tok/s/GPU", "measured tok/s/GPU", "error %"});
  bool any = false;
  for (const auto& c : s.curves) {
    for (const auto& pred : c.predicted) {
      any = true;
      const CurvePoint* meas = nullptr;
      for (const auto& m : c.measured) {
        if (m.concurrency == pred.concurrency) meas = &m;
      }
      std::string err = "-";
      if (meas && meas->y > 0) {
        err = Num((pred.y - meas->y) / meas->y * 100, 1);
      }
      t.Row({c.config_key, N(Num(pred.concurrency, 0)), N(Num(pred.x, 2)),
             N(meas ? Num(meas->x, 2) : "-"), N(Num(pred.y, 1)),
             N(meas ? Num(meas->y, 1) : "-"), N(err)});
    }
  }
  if (!any) return "";
  return "<h3>Planner predictions vs measured</h3>\n" + t.Html();
}

std::string ScenarioSection(const ScenarioFrontier& s,
                            const frontier::AnalysisOptions& o,
                            const frontier::AnalysisOptions& latency_axes,
                            const ScenarioFrontier* latency_view) {
  std::string html = "<h2>" + XmlEscape(s.Label()) + "</h2>\n";
  html +=
      "<div class=\"chart\">" + frontier::RenderSvgChart(s, o, {}) + "</div>\n";
  if (latency_view) {
    html += "<div class=\"chart\">" +
            frontier::RenderSvgChart(*latency_view, latency_axes, {}) +
            "</div>\n";
  }
  html += "<h3>Frontier</h3>\n" + FrontierTable(s, o);
  html += IsoTable(s, o);
  html += PredictedTable(s);
  return html;
}

std::string PointsSection(const ReportData& d) {
  HtmlTable t({"config", "isl", "osl", "conc", "rate", "rep", "tok/s/GPU",
               "out tok/s/GPU", "tok/s/user", "TTFT p50 ms", "TTFT p99 ms",
               "TPOT p50 ms", "E2EL p50 ms", "req/s", "ok", "failed",
               "duration s"});
  for (const auto& p : d.points) {
    const auto& k = p.key;
    const auto& m = p.metrics;
    t.Row({k.config_key, N(std::to_string(k.isl)), N(std::to_string(k.osl)),
           N(std::to_string(k.concurrency)), N(Num(k.request_rate, 2)),
           N(std::to_string(k.repetition)), N(Num(m.tput_per_gpu_total, 1)),
           N(Num(m.tput_per_gpu_output, 1)),
           N(Num(m.interactivity_tok_s_user, 2)), N(Num(m.median_ttft_ms, 1)),
           N(Num(m.p99_ttft_ms, 1)), N(Num(m.median_tpot_ms, 2)),
           N(Num(m.median_e2el_ms, 1)), N(Num(m.request_throughput_rps, 3)),
           N(std::to_string(m.completed)), N(std::to_string(m.failed)),
           N(Num(m.duration_s, 1))});
  }
  return "<h2>All measured points</h2>\n" + t.Html();
}

std::string ConfigsSection(const ReportData& d) {
  std::string html = "<h2>Configs</h2>\n";
  for (const auto& c : d.configs) {
    html += fmt::format(
        "<h3>{}</h3>\n<p>hardware {} &middot; {} GPU(s)</p>\n",
        XmlEscape(c.config_key),
        XmlEscape(c.hardware.empty() ? "(unknown)" : c.hardware), c.num_gpus);
    html += "<pre>" +
            XmlEscape(c.details.dump(
                2, ' ', false, nlohmann::json::error_handler_t::replace)) +
            "</pre>\n";
  }
  return html;
}

std::string EvalsSection(const ReportData& d) {
  if (d.evals.empty()) return "";
  HtmlTable t({"config", "point", "task", "accuracy", "stderr", "questions"});
  for (const auto& e : d.evals) {
    t.Row({e.config_key, e.point_id ? std::to_string(*e.point_id) : "config",
           e.task, N(Num(e.accuracy * 100, 2) + "%"),
           N(Num(e.accuracy_stderr * 100, 2) + "%"),
           N(std::to_string(e.num_questions))});
  }
  return "<h2>Accuracy</h2>\n" + t.Html();
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
  auto analysis =
      frontier::AnalyzePoints(d.run.run_id, d.configs, d.points, o, prices);
  // InferenceX's second view: the same throughput against E2E latency.
  frontier::AnalysisOptions latency = o;
  latency.x = frontier::XMetric::kE2el;
  latency.iso_levels.clear();
  auto latency_analysis = frontier::AnalyzePoints(d.run.run_id, d.configs,
                                                  d.points, latency, prices);
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
    html += "<p class=\"muted\">No completed points yet.</p>\n";
  }
  for (size_t i = 0; i < analysis.scenarios.size(); ++i) {
    html += ScenarioSection(
        analysis.scenarios[i], o, latency,
        show_latency ? &latency_analysis.scenarios[i] : nullptr);
  }
  html += EvalsSection(d);
  html += PointsSection(d);
  html += ConfigsSection(d);
  html += "<h2>Matrix</h2>\n<pre>" + XmlEscape(d.run.matrix_text) + "</pre>\n";
  html += "</body>\n</html>\n";
  return html;
}

Status WriteHtmlReport(store::ResultsStore& store, int64_t run_id,
                       const std::string& path, const ReportOptions& options) {
  INFX_ASSIGN_OR_RETURN(ReportData data, LoadReportData(store, run_id));
  return WriteFileAtomic(path, RenderHtmlReport(data, options));
}

}  // namespace infx::report
