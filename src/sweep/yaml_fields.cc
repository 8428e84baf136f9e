#include "sweep/yaml_fields.h"

#include <fmt/format.h>

#include <charconv>

namespace infx::sweep::yamlf {
namespace {

std::optional<int64_t> ScalarInt(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  const std::string& s = n.Scalar();
  std::string digits;
  for (char c : s) {
    if (c != '_') digits.push_back(c);  // YAML 1.1 allows 2_000
  }
  int64_t v = 0;
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size() ||
      digits.empty()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ScalarDouble(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  try {
    size_t used = 0;
    double v = std::stod(n.Scalar(), &used);
    if (used != n.Scalar().size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<bool> ScalarBool(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  const std::string& s = n.Scalar();
  if (s == "true" || s == "True" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "False" || s == "no" || s == "off") return false;
  return std::nullopt;
}

Status TypeError(const std::string& where, const std::string& key,
                 const YAML::Node& n, const char* expected) {
  return Status::InvalidArgument(fmt::format(
      "{}: '{}' must be {}, got '{}'", where, key, expected, Describe(n)));
}

// Applies `one` to a scalar or to each element of a sequence.
template <typename T, typename F>
Result<std::vector<T>> List(const YAML::Node& node, const std::string& key,
                            std::vector<T> fallback, const std::string& where,
                            const char* expected, F one) {
  const YAML::Node n = node[key];
  if (!n) return fallback;
  std::vector<T> out;
  if (n.IsSequence()) {
    for (const auto& item : n) {
      auto v = one(item);
      if (!v) return TypeError(where, key, item, expected);
      out.push_back(*v);
    }
    if (out.empty()) {
      return Status::InvalidArgument(
          fmt::format("{}: '{}' is an empty list", where, key));
    }
    return out;
  }
  auto v = one(n);
  if (!v) return TypeError(where, key, n, expected);
  out.push_back(*v);
  return out;
}

}  // namespace

std::string Describe(const YAML::Node& node) {
  if (!node) return "(missing)";
  if (node.IsScalar()) return node.Scalar();
  if (node.IsSequence()) return "(a list)";
  if (node.IsMap()) return "(a mapping)";
  return "(null)";
}

Status CheckMap(const YAML::Node& node, const std::string& where) {
  if (!node || !node.IsMap()) {
    return Status::InvalidArgument(
        fmt::format("{}: expected a mapping, got '{}'", where, Describe(node)));
  }
  return Status::Ok();
}

Status CheckKeys(const YAML::Node& node, const std::set<std::string>& allowed,
                 const std::string& where) {
  INFX_RETURN_IF_ERROR(CheckMap(node, where));
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>("");
    if (!allowed.count(key)) {
      std::string known;
      for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
      return Status::InvalidArgument(
          fmt::format("{}: unknown field '{}' (known: {})", where, key, known));
    }
  }
  return Status::Ok();
}

Status CheckRange(int64_t value, const std::string& key, Range range,
                  const std::string& where) {
  if (value >= range.min && value <= range.max) return Status::Ok();
  return Status::InvalidArgument(
      fmt::format("{}: '{}' must be between {} and {}, got {}", where, key,
                  range.min, range.max, value));
}

Result<int64_t> Int(const YAML::Node& node, const std::string& key,
                    int64_t fallback, const std::string& where, Range range) {
  const YAML::Node n = node[key];
  if (!n) return fallback;
  auto v = ScalarInt(n);
  if (!v) return TypeError(where, key, n, "an integer");
  INFX_RETURN_IF_ERROR(CheckRange(*v, key, range, where));
  return *v;
}

Result<double> Double(const YAML::Node& node, const std::string& key,
                      double fallback, const std::string& where) {
  const YAML::Node n = node[key];
  if (!n) return fallback;
  auto v = ScalarDouble(n);
  if (!v) return TypeError(where, key, n, "a number");
  return *v;
}

Result<bool> Bool(const YAML::Node& node, const std::string& key, bool fallback,
                  const std::string& where) {
  const YAML::Node n = node[key];
  if (!n) return fallback;
  auto v = ScalarBool(n);
  if (!v) return TypeError(where, key, n, "true or false");
  return *v;
}

Result<std::string> String(const YAML::Node& node, const std::string& key,
                           const std::string& fallback,
                           const std::string& where) {
  const YAML::Node n = node[key];
  if (!n) return fallback;
  if (!n.IsScalar()) return TypeError(where, key, n, "a string");
  return n.Scalar();
}

Result<std::vector<int64_t>> IntList(const YAML::Node& node,
                                     const std::string& key,
                                     std::vector<int64_t> fallback,
                                     const std::string& where, Range range) {
  INFX_ASSIGN_OR_RETURN(auto list,
                        List<int64_t>(node, key, std::move(fallback), where,
                                      "an integer or a list of "
                                      "integers",
                                      ScalarInt));
  if (node[key]) {
    for (int64_t v : list) {
      INFX_RETURN_IF_ERROR(CheckRange(v, key, range, where));
    }
  }
  return list;
}

Result<std::vector<std::string>> StringList(const YAML::Node& node,
                                            const std::string& key,
                                            std::vector<std::string> fallback,
                                            const std::string& where) {
  return List<std::string>(
      node, key, std::move(fallback), where, "a string or a list of strings",
      [](const YAML::Node& n) -> std::optional<std::string> {
        if (!n.IsScalar()) return std::nullopt;
        return n.Scalar();
      });
}

Result<std::vector<bool>> BoolList(const YAML::Node& node,
                                   const std::string& key,
                                   std::vector<bool> fallback,
                                   const std::string& where) {
  return List<bool>(node, key, std::move(fallback), where,
                    "true/false or a list of them", ScalarBool);
}

}  // namespace infx::sweep::yamlf
