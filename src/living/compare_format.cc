#include "living/compare_format.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "common/table.h"

namespace infx::living {
namespace {

nlohmann::json Number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json RowJson(const CompareRow& r) {
  return {{"series", r.series},
          {"metric", r.metric},
          {"baseline", Number(r.baseline)},
          {"current", Number(r.current)},
          {"ratio", Number(r.ratio)},
          {"ci_low", Number(r.ci_low)},
          {"ci_high", Number(r.ci_high)},
          {"p_value", Number(r.p_value)},
          {"q_value", Number(r.q_value)},
          {"verdict", VerdictName(r.verdict)},
          {"mw_p_value", Number(r.mw_p_value)},
          {"test", r.test},
          {"noise", Number(r.noise)},
          {"n_baseline", r.n_baseline},
          {"baseline_runs", r.baseline_runs},
          {"n_current", r.n_current},
          {"outliers", r.outliers},
          {"canary", r.canary},
          {"note", r.note}};
}

std::map<std::string_view, int> Counts(const std::vector<CompareRow>& rows) {
  std::map<std::string_view, int> n = {
      {"better", 0}, {"worse", 0}, {"same", 0}, {"unknown", 0}};
  for (const auto& r : rows) ++n[VerdictName(r.verdict)];
  return n;
}

std::string Cell(double v, int decimals) {
  return std::isfinite(v) ? FormatFixed(v, decimals) : "-";
}

std::string Percent(double ratio) {
  return std::isfinite(ratio) ? fmt::format("{:+.1f}%", 100 * (ratio - 1))
                              : "-";
}

std::string Ci(const CompareRow& r) {
  if (!std::isfinite(r.ci_low) || !std::isfinite(r.ci_high)) return "-";
  return fmt::format("[{:.3f}, {:.3f}]", r.ci_low, r.ci_high);
}

std::string P(double p) {
  if (!std::isfinite(p)) return "-";
  return p < 1e-4 ? fmt::format("{:.1e}", p) : fmt::format("{:.4f}", p);
}

void AddRows(Table* t, const std::vector<CompareRow>& rows) {
  for (const auto& r : rows) {
    t->AddRow({r.series, r.metric, Cell(r.baseline, 2), Cell(r.current, 2),
               Cell(r.ratio, 3), Ci(r), P(r.p_value), P(r.q_value),
               std::string(VerdictName(r.verdict)), r.note});
  }
}

std::string Header(const Comparison& c) {
  std::string s = fmt::format("run {} vs baseline run {}: {} shared series",
                              c.current_run, c.baseline_run, c.shared_series);
  if (c.only_in_baseline + c.only_in_current > 0) {
    s += fmt::format(
        " ({} left out: {} only in the baseline, {} only in run {})",
        c.only_in_baseline + c.only_in_current, c.only_in_baseline,
        c.only_in_current, c.current_run);
  }
  return s;
}

}  // namespace

nlohmann::json ComparisonJson(const Comparison& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) rows.push_back(RowJson(r));
  nlohmann::json canary = nlohmann::json::array();
  for (const auto& r : c.canary) canary.push_back(RowJson(r));
  nlohmann::json accuracy = nlohmann::json::array();
  for (const auto& a : c.accuracy) {
    accuracy.push_back({{"config", a.config_key},
                        {"task", a.task},
                        {"paired_questions", a.paired},
                        {"baseline", a.baseline},
                        {"current", a.current},
                        {"p_value", Number(a.p_value)},
                        {"test", "mcnemar"},
                        {"verdict", VerdictName(a.verdict)}});
  }
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [k, v] : Counts(c.rows)) summary[std::string(k)] = v;
  return {{"baseline_run", c.baseline_run},
          {"current_run", c.current_run},
          {"shared_series", c.shared_series},
          {"left_out",
           {{"only_in_baseline", c.only_in_baseline},
            {"only_in_current", c.only_in_current}}},
          {"summary", summary},
          {"regression", c.AnyWorse()},
          {"rows", rows},
          {"canary", canary},
          {"accuracy", accuracy}};
}

std::string FormatComparisonTable(const Comparison& c) {
  std::string out = Header(c) + "\n";
  Table t({"series", "metric", "baseline", "current", "ratio", "95% CI", "p",
           "q", "verdict", "note"});
  AddRows(&t, c.rows);
  out += t.ToString();
  if (!c.canary.empty()) {
    Table k({"canary series", "metric", "baseline", "current", "ratio",
             "95% CI", "p", "q", "verdict", "note"});
    AddRows(&k, c.canary);
    out += "\n" + k.ToString();
  }
  if (!c.accuracy.empty()) {
    Table a({"config", "task", "pairs", "baseline", "current", "p (McNemar)",
             "verdict"});
    for (const auto& r : c.accuracy) {
      a.AddRow({r.config_key, r.task, std::to_string(r.paired),
                Cell(r.baseline, 4), Cell(r.current, 4), P(r.p_value),
                std::string(VerdictName(r.verdict))});
    }
    out += "\n" + a.ToString();
  }
  const auto n = Counts(c.rows);
  out +=
      fmt::format("\n{} better, {} worse, {} same, {} unknown\n",
                  n.at("better"), n.at("worse"), n.at("same"), n.at("unknown"));
  return out;
}

std::string ComparisonMarkdown(const Comparison& c) {
  const auto n = Counts(c.rows);
  std::string out = fmt::format(
      "### infx compare: {}\n\n{}.\n\n**{} worse, {} better, {} same, {} "
      "unknown**\n\n",
      c.AnyWorse() ? "regression" : "no regression", Header(c), n.at("worse"),
      n.at("better"), n.at("same"), n.at("unknown"));
  auto table = [&](const std::vector<CompareRow>& rows, bool all) {
    std::string s =
        "| series | metric | baseline | current | change | 95% CI | q | "
        "verdict |\n|---|---|---:|---:|---:|---|---:|---|\n";
    int shown = 0;
    for (const auto& r : rows) {
      if (!all && r.verdict != Verdict::kWorse &&
          r.verdict != Verdict::kBetter) {
        continue;
      }
      s += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | **{}** |\n",
                       r.series, r.metric, Cell(r.baseline, 2),
                       Cell(r.current, 2), Percent(r.ratio), Ci(r),
                       P(r.q_value), VerdictName(r.verdict));
      ++shown;
    }
    return shown ? s + "\n" : std::string();
  };
  const std::string changed = table(c.rows, false);
  out += changed.empty() ? "No series changed beyond its noise.\n\n"
                         : "Changed series:\n\n" + changed;
  if (!c.canary.empty()) {
    out += "Canary (environment drift, reported apart):\n\n" +
           table(c.canary, true);
  }
  for (const auto& a : c.accuracy) {
    out += fmt::format(
        "- accuracy `{}` {}: {:.4f} -> {:.4f} (McNemar p {}, "
        "{} pairs): **{}**\n",
        a.config_key, a.task, a.baseline, a.current, P(a.p_value), a.paired,
        VerdictName(a.verdict));
  }
  return out;
}

}  // namespace infx::living
