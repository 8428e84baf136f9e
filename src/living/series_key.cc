#include "living/series_key.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>

#include <vector>

namespace infx::living {
namespace {

std::string JsonString(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) return "";
  const auto& v = j[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string ConfigPart(const SeriesParts& p) {
  std::vector<std::string> parts;
  auto add = [&parts](const std::string& s) {
    if (!s.empty()) parts.push_back(s);
  };
  add(p.model);
  add(p.hardware);
  std::string engine = p.engine;
  if (!p.engine_flags.empty()) {
    engine += "@" + Sha256Digest(p.engine_flags).substr(7, 8);
  }
  add(engine);
  add(p.precision);
  if (!p.kv_precision.empty() && p.kv_precision != p.precision) {
    add("kv-" + p.kv_precision);
  }
  for (const auto& [name, value] : p.variant) add(name + "-" + value);
  add(p.parallelism);
  std::string out = fmt::format("{}", fmt::join(parts, "/"));
  if (p.prefix.empty()) return out;
  return out.empty() ? p.prefix : p.prefix + ":" + out;
}

}  // namespace

std::string SeriesKey(const SeriesParts& p) {
  std::string workload = fmt::format("{}x{}", p.isl, p.osl);
  if (p.range_ratio != 1.0) workload += fmt::format("~{:g}", p.range_ratio);
  if (!p.distribution.empty() && p.distribution != "random") {
    workload += "-" + p.distribution;
  }
  std::string load;
  if (p.concurrency > 0) load = fmt::format("c{}", p.concurrency);
  if (p.request_rate > 0) {
    load += fmt::format("{}r{:g}", load.empty() ? "" : "-", p.request_rate);
  }
  if (load.empty()) load = "c0";
  return fmt::format("{}/{}/{}", ConfigPart(p), workload, load);
}

SeriesParts SeriesPartsOf(const store::ConfigRecord& config,
                          const store::PointKey& point) {
  SeriesParts p;
  const nlohmann::json& d = config.details;
  p.model = JsonString(d, "model");
  if (p.model.empty()) {
    p.prefix = config.config_key;
  } else {
    p.hardware = JsonString(d, "hardware");
    if (p.hardware.empty()) p.hardware = config.hardware;
    p.engine = JsonString(d, "engine");
    p.engine_flags = JsonString(d, "engine_flags");
    p.precision = JsonString(d, "precision");
    p.kv_precision = JsonString(d, "kv_precision");
    if (p.kv_precision == p.precision) p.kv_precision.clear();
    p.parallelism = JsonString(d, "parallelism");
    if (d.contains("metadata") && d["metadata"].is_object()) {
      const auto& m = d["metadata"];
      p.prefix = JsonString(m, "inferencex-entry");
      std::string spec = JsonString(m, "spec-decoding");
      if (!spec.empty() && spec != "none") p.variant["spec"] = spec;
    }
  }
  p.isl = point.isl;
  p.osl = point.osl;
  p.range_ratio = point.range_ratio;
  p.concurrency = point.concurrency;
  p.request_rate = point.request_rate;
  return p;
}

std::string SeriesKeyOf(const store::ConfigRecord& config,
                        const store::PointKey& point) {
  return SeriesKey(SeriesPartsOf(config, point));
}

std::string Sha256Digest(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

}  // namespace infx::living
