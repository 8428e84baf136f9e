#include "model/json_fields.h"

#include <fmt/format.h>

#include <cmath>

namespace infx::model {

JsonFields::JsonFields(const nlohmann::json& object, std::string source)
    : object_(object), source_(std::move(source)) {}

const nlohmann::json* JsonFields::Get(const std::string& key) const {
  if (!object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonFields::Has(const std::string& key) const {
  return Get(key) != nullptr;
}

void JsonFields::Fail(const std::string& message) {
  if (status_.ok()) {
    status_ = Status::InvalidArgument(fmt::format("{}: {}", source_, message));
  }
}

bool JsonFields::ReadInt(const nlohmann::json& value, int64_t& out) const {
  if (value.is_number_integer()) {
    out = value.get<int64_t>();
    return true;
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) {
      out = static_cast<int64_t>(d);
      return true;
    }
  }
  return false;
}

int64_t JsonFields::Int(const std::string& key) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) {
    Fail(fmt::format("missing field '{}'", key));
    return 0;
  }
  int64_t out = 0;
  if (!ReadInt(*value, out) || out <= 0) {
    Fail(fmt::format("field '{}' must be a positive integer, got {}", key,
                     value->dump()));
    return 0;
  }
  return out;
}

int64_t JsonFields::IntOr(const std::string& key, int64_t fallback) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return fallback;
  int64_t out = 0;
  if (!ReadInt(*value, out) || out < 0) {
    Fail(fmt::format("field '{}' must be a non-negative integer, got {}", key,
                     value->dump()));
    return fallback;
  }
  return out;
}

int64_t JsonFields::SizeOr(const std::string& key, int64_t fallback) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return fallback;
  int64_t out = 0;
  if (!ReadInt(*value, out) || out < -1) {
    Fail(fmt::format(
        "field '{}' must be a size (a positive integer, or 0, -1 or null for "
        "none), got {}",
        key, value->dump()));
    return fallback;
  }
  return out < 0 ? 0 : out;
}

bool JsonFields::BoolOr(const std::string& key, bool fallback) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) {
    Fail(fmt::format("field '{}' must be true or false, got {}", key,
                     value->dump()));
    return fallback;
  }
  return value->get<bool>();
}

std::string JsonFields::StringOr(const std::string& key,
                                 const std::string& fallback) {
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return fallback;
  if (!value->is_string()) {
    Fail(
        fmt::format("field '{}' must be a string, got {}", key, value->dump()));
    return fallback;
  }
  return value->get<std::string>();
}

std::vector<std::string> JsonFields::Strings(const std::string& key) {
  std::vector<std::string> out;
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return out;
  if (!value->is_array()) {
    Fail(fmt::format("field '{}' must be an array of strings", key));
    return out;
  }
  for (const auto& item : *value) {
    if (!item.is_string()) {
      Fail(fmt::format("field '{}' must be an array of strings, has {}", key,
                       item.dump()));
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<int64_t> JsonFields::Ints(const std::string& key) {
  std::vector<int64_t> out;
  const nlohmann::json* value = Get(key);
  if (value == nullptr) return out;
  if (!value->is_array()) {
    Fail(fmt::format("field '{}' must be an array of integers", key));
    return out;
  }
  for (const auto& item : *value) {
    int64_t v = 0;
    if (!ReadInt(item, v)) {
      Fail(fmt::format("field '{}' must be an array of integers, has {}", key,
                       item.dump()));
      return {};
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace infx::model
