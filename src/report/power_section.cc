#include "report/power_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/markup.h"

namespace infx::report {
namespace {

std::string Fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  return fmt::format("{:.{}f}", v, decimals);
}

std::string Field(const nlohmann::json& j, const char* key, int decimals) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return "-";
  return Fixed(it->get<double>(), decimals);
}

double AllInWatts(const std::string& hardware,
                  const frontier::PriceBook& prices) {
  std::string key = hardware;
  for (char& c : key) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto it = prices.find(key);
  return it == prices.end() ? 0 : it->second.all_in_power_watts;
}

std::string Td(const std::string& text, bool number) {
  return fmt::format("<td{}>{}</td>", number ? " class=\"n\"" : "",
                     XmlEscape(text));
}

std::string PointRow(const store::PointRecord& p, const std::string& hardware,
                     const frontier::PriceBook& prices) {
  const store::PointPower& pw = p.metrics.power;
  const auto catalog = frontier::TokensPerSecondPerMw(
      p.metrics.tput_per_gpu_total, AllInWatts(hardware, prices));
  nlohmann::json server = nlohmann::json::object();
  if (auto it = p.metrics_json.find("server_telemetry");
      it != p.metrics_json.end() && it->is_object()) {
    server = *it;
  }
  std::string tokens = "-";
  if (server.contains("generation_tokens")) {
    tokens = fmt::format("{} / {}", Field(server, "generation_tokens", 0),
                         Field(server, "client_generation_tokens", 0));
  } else if (auto why = server.find("missing_reason");
             why != server.end() && why->is_string() && !why->empty()) {
    tokens = "missing: " + why->get<std::string>();
  }
  std::string verdict = !pw.measured ? "not measured"
                        : pw.valid   ? "valid"
                                     : "INVALID: " + pw.invalid_reasons;
  std::string row = "<tr>";
  row += Td(p.key.config_key, false);
  row += Td(fmt::format("{}/{}", p.key.isl, p.key.osl), false);
  row += Td(std::to_string(p.key.concurrency), true);
  row += Td(std::to_string(p.key.repetition), true);
  row += pw.measured && !pw.valid
             ? "<td class=\"fail\">" + XmlEscape(verdict) + "</td>"
             : Td(verdict, false);
  row += Td(pw.source.empty() ? "-" : pw.source, false);
  row += Td(Fixed(pw.avg_power_w, 1), true);
  row += Td(Fixed(pw.p90_power_w, 1), true);
  row += Td(Fixed(pw.joules_per_output_token, 4), true);
  row += Td(Fixed(pw.joules_per_total_token * pw.facility_factor, 4), true);
  row += Td(Fixed(pw.tokens_per_mw, 0), true);
  row += Td(catalog ? Fixed(*catalog, 0) : "-", true);
  row += Td(Fixed(pw.facility_factor, 2), true);
  row += Td(tokens, false);
  row += Td(Field(server, "prefix_cache_hit_rate", 3), true);
  row += Td(Field(server, "ttft_p50_ms", 1), true);
  return row + "</tr>\n";
}

}  // namespace

std::string PowerSection(const ReportData& d,
                         const frontier::PriceBook& prices) {
  const bool any = std::any_of(
      d.points.begin(), d.points.end(), [](const store::PointRecord& p) {
        return p.metrics.power.measured ||
               p.metrics_json.contains("server_telemetry");
      });
  if (!any) return "";
  std::string html =
      "<h2>GPU power and server telemetry</h2>\n<p class=\"muted\">Measured "
      "during each point (docs/telemetry.md): W per GPU over the measurement "
      "window; all-in J/token = GPU joules per input+output token x the "
      "facility factor; catalog tok/s/MW = the point's throughput over the "
      "hardware catalog's all-in W/GPU. Server tokens are the engine's "
      "generation-token counter against the client's count.</p>\n"
      "<table><tr>";
  for (const char* h :
       {"config", "isl/osl", "conc", "rep", "power", "source", "avg W/GPU",
        "P90 W/GPU", "J/out token", "all-in J/token", "tok/s/MW measured",
        "tok/s/MW catalog", "facility", "server / client gen tokens",
        "prefix hit rate", "server TTFT p50 ms"}) {
    html += "<th>" + XmlEscape(h) + "</th>";
  }
  html += "</tr>\n";
  for (const store::PointRecord& p : d.points) {
    std::string hardware;
    for (const auto& c : d.configs) {
      if (c.config_key == p.key.config_key) hardware = c.hardware;
    }
    html += PointRow(p, hardware, prices);
  }
  return html + "</table>\n";
}

}  // namespace infx::report
