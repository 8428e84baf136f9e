#include "hardware/catalog.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "common/files.h"
#include "hardware/builtin_hardware.h"

namespace infx::hardware {
namespace {

// Lower case, '_' and ' ' as '-': "H200_SXM" -> "h200-sxm".
std::string NormalizeName(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    out.push_back(c == '_' || c == ' ' ? '-' : std::tolower(c));
  }
  return out;
}

bool Matches(const HardwareSpec& spec, const std::string& key) {
  if (NormalizeName(spec.name) == key) return true;
  return std::any_of(
      spec.aliases.begin(), spec.aliases.end(),
      [&](const std::string& a) { return NormalizeName(a) == key; });
}

// A YAML quantity: canonical key in base units, or a friendlier scaled key.
struct Quantity {
  const char* key;
  const char* scaled_key;
  double scale;
  double HardwareSpec::*member;
};

constexpr double kGiB = 1024.0 * 1024 * 1024;

const Quantity kQuantities[] = {
    {"hbm_capacity_bytes", "hbm_capacity_gib", kGiB,
     &HardwareSpec::hbm_capacity_bytes},
    {"hbm_bandwidth_bytes_per_s", "hbm_bandwidth_gb_per_s", 1e9,
     &HardwareSpec::hbm_bandwidth_bytes_per_s},
    {"bf16_flops", "bf16_tflops", 1e12, &HardwareSpec::bf16_flops},
    {"fp8_flops", "fp8_tflops", 1e12, &HardwareSpec::fp8_flops},
    {"fp4_flops", "fp4_tflops", 1e12, &HardwareSpec::fp4_flops},
    {"scale_up_bandwidth_bytes_per_s", "scale_up_bandwidth_gb_per_s", 1e9,
     &HardwareSpec::scale_up_bandwidth_bytes_per_s},
    {"scale_out_bandwidth_bytes_per_s", "scale_out_bandwidth_gb_per_s", 1e9,
     &HardwareSpec::scale_out_bandwidth_bytes_per_s},
    {"tdp_watts", nullptr, 1, &HardwareSpec::tdp_watts},
    {"all_in_power_watts", nullptr, 1, &HardwareSpec::all_in_power_watts},
    {"usd_per_gpu_hour", nullptr, 1, &HardwareSpec::usd_per_gpu_hour},
};

const char* const kCountKeys[] = {"gpus_per_node", "scale_up_domain_gpus"};
const char* const kTextKeys[] = {"name",   "display_name", "vendor",
                                 "source", "aliases",      "based_on"};
// Optional: 0 (switched scale-up, the default), 2 or 3 (torus dimensions).
constexpr const char* kTorusKey = "torus_dims";

std::set<std::string> KnownKeys() {
  std::set<std::string> keys(std::begin(kTextKeys), std::end(kTextKeys));
  keys.insert(std::begin(kCountKeys), std::end(kCountKeys));
  keys.insert(kTorusKey);
  for (const Quantity& q : kQuantities) {
    keys.insert(q.key);
    if (q.scaled_key) keys.insert(q.scaled_key);
  }
  return keys;
}

// Reads one YAML entry into `spec`; errors name the file, line and key.
class EntryReader {
 public:
  EntryReader(const YAML::Node& node, std::string where)
      : node_(node), where_(std::move(where)) {}

  Status CheckKeys() const {
    static const std::set<std::string> known = KnownKeys();
    for (const auto& item : node_) {
      const std::string key = item.first.as<std::string>();
      if (!known.count(key)) {
        return Error(item.first, fmt::format("unknown key '{}' (known: {})",
                                             key, fmt::join(known, ", ")));
      }
    }
    return Status::Ok();
  }

  Result<std::string> Text(const char* key) const {
    YAML::Node value = node_[key];
    if (!value) return std::string();
    if (!value.IsScalar())
      return Error(value, fmt::format("'{}' must be a string", key));
    return value.as<std::string>();
  }

  Result<std::vector<std::string>> TextList(const char* key) const {
    std::vector<std::string> out;
    YAML::Node value = node_[key];
    if (!value) return out;
    if (!value.IsSequence()) {
      return Error(value, fmt::format("'{}' must be a list of strings", key));
    }
    for (const auto& item : value) {
      if (!item.IsScalar()) {
        return Error(item, fmt::format("'{}' must be a list of strings", key));
      }
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  // Sets `out` when `key` is present; `present` says whether it was.
  Status Number(const char* key, double scale, double& out,
                bool& present) const {
    YAML::Node value = node_[key];
    if (!value) return Status::Ok();
    double parsed = 0;
    try {
      parsed = value.as<double>();
    } catch (const YAML::Exception&) {
      return Error(value, fmt::format("'{}' must be a number, got '{}'", key,
                                      value.IsScalar() ? value.Scalar()
                                                       : "a non-scalar"));
    }
    if (!(parsed >= 0) || !std::isfinite(parsed) || parsed > 1e30) {
      return Error(value,
                   fmt::format("'{}' must be a finite number >= 0", key));
    }
    if (present) {
      return Error(value, fmt::format("'{}' given twice (in two units)", key));
    }
    out = parsed * scale;
    present = true;
    return Status::Ok();
  }

  Status Error(const YAML::Node& at, const std::string& message) const {
    return Status::InvalidArgument(
        fmt::format("{} line {}: {}", where_, at.Mark().line + 1, message));
  }
  const std::string& where() const { return where_; }
  const YAML::Node& node() const { return node_; }

 private:
  const YAML::Node& node_;
  std::string where_;
};

// Applies the keys present in `node` to `spec`. A new entry (`complete`
// required) must give every quantity; an override may give any subset.
Status ApplyEntry(const EntryReader& reader, bool complete,
                  HardwareSpec& spec) {
  INFX_RETURN_IF_ERROR(reader.CheckKeys());
  std::vector<std::string> missing;
  for (const Quantity& q : kQuantities) {
    bool present = false;
    INFX_RETURN_IF_ERROR(reader.Number(q.key, 1, spec.*q.member, present));
    if (q.scaled_key) {
      INFX_RETURN_IF_ERROR(
          reader.Number(q.scaled_key, q.scale, spec.*q.member, present));
    }
    if (!present) missing.push_back(q.key);
  }
  for (const char* key : kCountKeys) {
    double value = 0;
    bool present = false;
    INFX_RETURN_IF_ERROR(reader.Number(key, 1, value, present));
    if (!present) {
      missing.push_back(key);
      continue;
    }
    int& field = std::string(key) == "gpus_per_node"
                     ? spec.gpus_per_node
                     : spec.scale_up_domain_gpus;
    if (value < 1 || value > 1e6 || value != std::floor(value)) {
      return reader.Error(reader.node()[key],
                          fmt::format("'{}' must be a whole number of GPUs "
                                      "between 1 and 1000000",
                                      key));
    }
    field = static_cast<int>(value);
  }
  double torus = 0;
  bool has_torus = false;
  INFX_RETURN_IF_ERROR(reader.Number(kTorusKey, 1, torus, has_torus));
  if (has_torus) {
    if (torus != 0 && torus != 2 && torus != 3) {
      return reader.Error(reader.node()[kTorusKey],
                          "'torus_dims' must be 0 (switched), 2 or 3");
    }
    spec.torus_dims = static_cast<int>(torus);
  }
  if (complete && !missing.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: missing field(s) {} (or give 'based_on: <catalog name>')",
        reader.where(), fmt::join(missing, ", ")));
  }
  return Status::Ok();
}

Status ApplyTextFields(const EntryReader& reader, HardwareSpec& spec) {
  INFX_ASSIGN_OR_RETURN(std::string display, reader.Text("display_name"));
  INFX_ASSIGN_OR_RETURN(std::string vendor, reader.Text("vendor"));
  INFX_ASSIGN_OR_RETURN(std::string source, reader.Text("source"));
  INFX_ASSIGN_OR_RETURN(std::vector<std::string> aliases,
                        reader.TextList("aliases"));
  if (!aliases.empty()) spec.aliases = aliases;
  if (!display.empty()) spec.display_name = display;
  if (!vendor.empty()) spec.vendor = vendor;
  if (!source.empty()) spec.source = source;
  return Status::Ok();
}

}  // namespace

HardwareCatalog HardwareCatalog::Builtin() {
  HardwareCatalog catalog;
  catalog.entries_ = BuiltinHardware();
  return catalog;
}

Result<HardwareSpec> HardwareCatalog::Find(std::string_view name) const {
  const std::string key = NormalizeName(name);
  for (const HardwareSpec& spec : entries_) {
    if (Matches(spec, key)) return spec;
  }
  std::vector<std::string> names;
  for (const HardwareSpec& spec : entries_) names.push_back(spec.name);
  return Status::NotFound(fmt::format("unknown GPU '{}' (known: {})", name,
                                      fmt::join(names, ", ")));
}

Status HardwareCatalog::MergeEntry(const YAML::Node& node,
                                   const std::string& where) {
  if (!node.IsMap()) {
    return Status::InvalidArgument(
        fmt::format("{} line {}: expected a map with 'name' and fields", where,
                    node.Mark().line + 1));
  }
  EntryReader reader(node, where);
  INFX_ASSIGN_OR_RETURN(std::string name, reader.Text("name"));
  if (name.empty()) {
    return Status::InvalidArgument(
        fmt::format("{}: missing field 'name'", where));
  }
  EntryReader named(node, fmt::format("{} '{}'", where, name));
  INFX_ASSIGN_OR_RETURN(std::string based_on, named.Text("based_on"));
  auto existing = std::find_if(
      entries_.begin(), entries_.end(),
      [&](const HardwareSpec& s) { return Matches(s, NormalizeName(name)); });
  if (existing != entries_.end() && based_on.empty()) {
    INFX_RETURN_IF_ERROR(ApplyEntry(named, /*complete=*/false, *existing));
    return ApplyTextFields(named, *existing);
  }
  HardwareSpec spec;
  spec.vendor = "custom";
  if (!based_on.empty()) {
    INFX_ASSIGN_OR_RETURN(spec, Find(based_on));
    spec.aliases.clear();
  }
  spec.name = NormalizeName(name);
  spec.display_name = name;
  spec.source = fmt::format("user file ({})", where);
  INFX_RETURN_IF_ERROR(ApplyEntry(named, based_on.empty(), spec));
  INFX_RETURN_IF_ERROR(ApplyTextFields(named, spec));
  if (existing != entries_.end()) {
    *existing = std::move(spec);
  } else {
    entries_.push_back(std::move(spec));
  }
  return Status::Ok();
}

Status HardwareCatalog::MergeYamlFile(const std::string& path) {
  INFX_ASSIGN_OR_RETURN(YAML::Node root, ReadYamlFile(path));
  try {
    return MergeYamlRoot(root, path);
  } catch (const YAML::Exception& e) {
    // e.g. a map used as a key: yaml-cpp conversions throw.
    return Status::ParseError(
        fmt::format("{} line {}: {}", path, e.mark.line + 1, e.msg));
  }
}

Status HardwareCatalog::MergeYamlRoot(const YAML::Node& root,
                                      const std::string& path) {
  if (!root.IsMap() || !root["hardware"]) {
    return Status::InvalidArgument(fmt::format(
        "{}: expected a top-level 'hardware:' list of entries", path));
  }
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>();
    if (key != "hardware") {
      return Status::InvalidArgument(
          fmt::format("{} line {}: unknown key '{}' (expected 'hardware')",
                      path, item.first.Mark().line + 1, key));
    }
  }
  const YAML::Node list = root["hardware"];
  if (!list.IsSequence()) {
    return Status::InvalidArgument(
        fmt::format("{}: 'hardware' must be a list of entries", path));
  }
  HardwareCatalog merged = *this;  // all or nothing
  for (size_t i = 0; i < list.size(); ++i) {
    INFX_RETURN_IF_ERROR(merged.MergeEntry(
        list[i], fmt::format("{}: hardware entry {}", path, i + 1)));
  }
  *this = std::move(merged);
  return Status::Ok();
}

}  // namespace infx::hardware
