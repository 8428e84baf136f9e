#include "web/query.h"

#include <fmt/format.h>

#include <charconv>

#include "web/snapshot.h"

namespace infx::web {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

template <typename Int>
Status ParseInts(const QueryParams& params, const std::string& name,
                 std::set<Int>* out) {
  auto it = params.find(name);
  if (it == params.end()) return Status::Ok();
  for (const auto& token : SplitList(it->second)) {
    Int v{};
    auto [ptr, ec] =
        std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || ptr != token.data() + token.size() || v < 0) {
      return Status::InvalidArgument(fmt::format(
          "parameter '{}': '{}' is not a non-negative integer", name, token));
    }
    out->insert(v);
  }
  return Status::Ok();
}

void ParseStrings(const QueryParams& params, const std::string& name,
                  std::set<std::string>* out) {
  auto it = params.find(name);
  if (it == params.end()) return;
  for (auto& token : SplitList(it->second)) out->insert(token);
}

template <typename T>
bool Accepts(const std::set<T>& allowed, const T& value) {
  return allowed.empty() || allowed.count(value) > 0;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      const int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument(
            fmt::format("malformed percent escape '{}'", text.substr(i, 3)));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<QueryParams> ParseQuery(std::string_view target) {
  QueryParams params;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return params;
  std::string_view rest = target.substr(q + 1);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? "" : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    INFX_ASSIGN_OR_RETURN(auto name, PercentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      INFX_ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1), true));
    }
    params[name].push_back(std::move(value));
  }
  return params;
}

const std::vector<std::string>& FilterNames() {
  static const std::vector<std::string> kNames = {
      "run",       "model", "hardware", "engine",
      "precision", "isl",   "osl",      "config"};
  return kNames;
}

bool PointFilter::AcceptsRun(int64_t run_id) const {
  return Accepts(runs, run_id);
}

bool PointFilter::AcceptsConfig(const store::ConfigRecord* config,
                                const std::string& config_key) const {
  if (!Accepts(configs, config_key)) return false;
  std::string hw = DetailText(config, "hardware");
  if (hw.empty() && config) hw = config->hardware;
  return Accepts(models, DetailText(config, "model")) &&
         Accepts(hardware, hw) &&
         Accepts(engines, DetailText(config, "engine")) &&
         Accepts(precisions, DetailText(config, "precision"));
}

bool PointFilter::AcceptsPoint(const store::PointRecord& point) const {
  return Accepts(isl, point.key.isl) && Accepts(osl, point.key.osl);
}

Result<PointFilter> ParseFilter(const QueryParams& params,
                                std::string_view endpoint,
                                const std::vector<std::string>& extra) {
  std::vector<std::string> unknown;
  for (const auto& [name, values] : params) {
    const auto& f = FilterNames();
    if (std::find(f.begin(), f.end(), name) == f.end() &&
        std::find(extra.begin(), extra.end(), name) == extra.end()) {
      unknown.push_back("'" + name + "'");
    }
  }
  if (!unknown.empty()) {
    std::vector<std::string> known = FilterNames();
    known.insert(known.end(), extra.begin(), extra.end());
    return Status::InvalidArgument(
        fmt::format("unknown parameter{} {} for {} (known: {})",
                    unknown.size() > 1 ? "s" : "", fmt::join(unknown, ", "),
                    endpoint, fmt::join(known, ", ")));
  }
  PointFilter f;
  INFX_RETURN_IF_ERROR(ParseInts(params, "run", &f.runs));
  INFX_RETURN_IF_ERROR(ParseInts(params, "isl", &f.isl));
  INFX_RETURN_IF_ERROR(ParseInts(params, "osl", &f.osl));
  ParseStrings(params, "model", &f.models);
  ParseStrings(params, "hardware", &f.hardware);
  ParseStrings(params, "engine", &f.engines);
  ParseStrings(params, "precision", &f.precisions);
  ParseStrings(params, "config", &f.configs);
  return f;
}

Result<std::string> SingleParam(const QueryParams& params,
                                const std::string& name,
                                const std::string& fallback) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return fallback;
  if (it->second.size() > 1) {
    return Status::InvalidArgument(
        fmt::format("parameter '{}' given {} times; give it once", name,
                    it->second.size()));
  }
  return it->second.front();
}

}  // namespace infx::web
