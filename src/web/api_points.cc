// /api/points and /api/export.json written straight to text: the same
// fields and number forms as PointRow (api.h), without building a JSON
// object per point, the config's own fields formatted once per config, and
// /api/points paginated (`limit`, `offset`; docs/api.md), so a filtered
// view of a 100,000-point store answers within the API's 50 ms.
#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <unordered_map>

#include "web/accuracy_lookup.h"
#include "web/api.h"

namespace infx::web {
namespace {

using nlohmann::json;

// A JSON string, as nlohmann's dump writes it: printable ASCII is copied
// as is, anything else (escapes, UTF-8) goes through the library.
void AppendString(std::string& out, std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' ||
        static_cast<unsigned char>(c) >= 0x7f) {
      out += json(s).dump();
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

// Numbers with std::to_chars (shortest round-trip form, as fmt's "{}"),
// names appended as they are: a 10,000-row page is 300,000 fields.
void AppendNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// `,"name":` (names are plain identifiers).
void AppendName(std::string& out, std::string_view name) {
  out += ",\"";
  out += name;
  out += "\":";
}

// `,"model":...,"num_gpus":N` of a config (or of a point without one).
std::string ConfigFields(const store::ConfigRecord* c) {
  std::string hw = DetailText(c, "hardware");
  if (hw.empty() && c) hw = c->hardware;
  const std::pair<const char*, std::string> texts[] = {
      {"model", DetailText(c, "model")},
      {"hardware", hw},
      {"engine", DetailText(c, "engine")},
      {"precision", DetailText(c, "precision")},
      {"parallelism", DetailText(c, "parallelism")}};
  std::string out;
  for (const auto& [name, value] : texts) {
    AppendName(out, name);
    AppendString(out, value);
  }
  AppendName(out, "num_gpus");
  AppendInt(out, c ? c->num_gpus : 1);
  return out;
}

void AppendPointRow(std::string& out, const RunData& run,
                    const AccuracyLookup& accuracy,
                    const std::string& config_fields,
                    const store::PointRecord& p) {
  const auto& m = p.metrics;
  out += R"({"run_id":)";
  AppendInt(out, run.run.run_id);
  AppendName(out, "point_id");
  AppendInt(out, p.point_id);
  AppendName(out, "config_key");
  AppendString(out, p.key.config_key);
  out += config_fields;
  AppendName(out, "isl");
  AppendInt(out, p.key.isl);
  AppendName(out, "osl");
  AppendInt(out, p.key.osl);
  AppendName(out, "range_ratio");
  AppendNumber(out, p.key.range_ratio);
  AppendName(out, "concurrency");
  AppendInt(out, p.key.concurrency);
  AppendName(out, "request_rate");
  AppendNumber(out, p.key.request_rate);
  AppendName(out, "repetition");
  AppendInt(out, p.key.repetition);
  const std::pair<const char*, double> numbers[] = {
      {"tput_per_gpu_total", m.tput_per_gpu_total},
      {"tput_per_gpu_output", m.tput_per_gpu_output},
      {"tput_per_gpu_input", m.tput_per_gpu_input},
      {"interactivity_tok_s_user", m.interactivity_tok_s_user},
      {"median_ttft_ms", m.median_ttft_ms},
      {"p99_ttft_ms", m.p99_ttft_ms},
      {"median_tpot_ms", m.median_tpot_ms},
      {"median_itl_ms", m.median_itl_ms},
      {"median_e2el_ms", m.median_e2el_ms},
      {"p99_e2el_ms", m.p99_e2el_ms},
      {"request_throughput_rps", m.request_throughput_rps}};
  for (const auto& [name, value] : numbers) {
    AppendName(out, name);
    AppendNumber(out, value);
  }
  AppendName(out, "completed");
  AppendInt(out, m.completed);
  AppendName(out, "failed");
  AppendInt(out, m.failed);
  AppendName(out, "duration_s");
  AppendNumber(out, m.duration_s);
  AppendName(out, "accuracy_status");
  AppendString(out, accuracy.NameAt(p.key.config_key, p.key.concurrency));
  out += m.valid ? R"(,"valid":true)" : R"(,"valid":false)";
  AppendName(out, "invalid_reasons");
  AppendString(out, m.invalid_reasons);
  AppendName(out, "recorded_at");
  AppendString(out, p.recorded_at);
  // Measured GPU power (store::PointPower; docs/telemetry.md).
  const store::PointPower& pw = m.power;
  out += !pw.measured ? R"(,"power_valid":null)"
         : pw.valid   ? R"(,"power_valid":true)"
                      : R"(,"power_valid":false)";
  AppendName(out, "power_invalid_reasons");
  AppendString(out, pw.invalid_reasons);
  AppendName(out, "power_source");
  AppendString(out, pw.source);
  const std::pair<const char*, double> power[] = {
      {"avg_power_w", pw.avg_power_w},
      {"p90_power_w", pw.p90_power_w},
      {"total_gpu_energy_j", pw.total_gpu_energy_j},
      {"joules_per_output_token", pw.joules_per_output_token},
      {"joules_per_total_token", pw.joules_per_total_token},
      {"tokens_per_mw", pw.tokens_per_mw},
      {"facility_factor", pw.facility_factor}};
  for (const auto& [name, value] : power) {
    AppendName(out, name);
    AppendNumber(out, value);
  }
  out += '}';
}

// A non-negative integer parameter in [min, max], or `fallback` when absent.
Result<int64_t> IntParam(const QueryParams& params, const std::string& name,
                         int64_t fallback, int64_t min, int64_t max) {
  INFX_ASSIGN_OR_RETURN(auto text, SingleParam(params, name, ""));
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || v < min || v > max) {
    return Status::InvalidArgument(
        fmt::format("parameter '{}': '{}' is not an integer in [{}, {}]", name,
                    text, min, max));
  }
  return static_cast<int64_t>(v);
}

}  // namespace

Result<std::string> PointsText(const StoreSnapshot& s,
                               const QueryParams& params,
                               std::string_view endpoint) {
  const bool paged = endpoint == "/api/points";
  INFX_ASSIGN_OR_RETURN(
      auto filter,
      ParseFilter(params, endpoint,
                  paged ? std::vector<std::string>{"limit", "offset"}
                        : std::vector<std::string>{}));
  int64_t limit = INT64_MAX, offset = 0;
  if (paged) {
    INFX_ASSIGN_OR_RETURN(
        limit, IntParam(params, "limit", kDefaultPageSize, 1, kMaxPageSize));
    INFX_ASSIGN_OR_RETURN(offset, IntParam(params, "offset", 0, 0, INT64_MAX));
  }
  std::unordered_map<const store::ConfigRecord*, std::string> fields;
  std::unordered_map<const RunData*, AccuracyLookup> accuracy;
  std::string rows;
  int64_t total = 0;
  ForEachPoint(s, filter,
               [&](const RunData& r, const store::ConfigRecord* c,
                   const store::PointRecord& p) {
                 const int64_t index = total++;
                 if (index < offset || index - offset >= limit) return;
                 auto it = fields.find(c);
                 if (it == fields.end()) {
                   it = fields.insert_or_assign(c, ConfigFields(c)).first;
                 }
                 auto acc = accuracy.find(&r);
                 if (acc == accuracy.end()) {
                   acc = accuracy.emplace(&r, AccuracyLookup(r.accuracy)).first;
                 }
                 if (index > offset) rows += ',';
                 AppendPointRow(rows, r, acc->second, it->second, p);
               });
  std::string out;
  out.reserve(rows.size() + 128);
  if (paged) {
    const int64_t end =
        offset + std::min(limit, std::max<int64_t>(0, total - offset));
    fmt::format_to(
        std::back_inserter(out),
        R"({{"total":{},"offset":{},"limit":{},"next_offset":{},"points":[)",
        total, offset, limit, end < total ? std::to_string(end) : "null");
  } else {
    out += R"({"points":[)";
  }
  out += rows;
  out += "]}";
  return out;
}

}  // namespace infx::web
