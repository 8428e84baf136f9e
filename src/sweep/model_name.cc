#include "sweep/model_name.h"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace infx::sweep {
namespace {

uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// `_name_or_path` of a config.json, "" when absent or unreadable.
std::string NameOrPath(const std::filesystem::path& config_json) {
  std::ifstream in(config_json);
  if (!in) return "";
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.is_object() && j.contains("_name_or_path") &&
        j["_name_or_path"].is_string()) {
      return j["_name_or_path"].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

// Characters that would break a key or a file name become '-'.
std::string Clean(const std::string& name) {
  std::string out;
  for (char c : name) {
    out.push_back(c == '/' || c == '\\' || c == ' ' || c == ':' ? '-' : c);
  }
  return out;
}

}  // namespace

bool IsModelPath(const std::string& model) {
  std::error_code ec;
  return std::filesystem::exists(model, ec) || model.ends_with(".json") ||
         model.starts_with("/") || model.starts_with("./") ||
         model.starts_with("../");
}

std::string ModelKeyName(const std::string& model) {
  if (!IsModelPath(model)) return model;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path path(model);
  fs::path config = path;
  if (fs::is_directory(path, ec)) config = path / "config.json";
  std::string name = NameOrPath(config);
  while (!name.empty() && (name.back() == '/' || name.back() == '\\')) {
    name.pop_back();
  }
  if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  if (name.empty()) {
    // The directory holding config.json, or the file's stem.
    fs::path dir = fs::is_directory(path, ec) ? path : path.parent_path();
    dir = dir.lexically_normal();
    if (dir.has_filename() && dir.filename() != "." && dir.filename() != "..") {
      name = dir.filename().string();
    } else {
      name = path.stem().string();
    }
  }
  if (name.empty()) name = "model";
  return fmt::format("{}@{:06x}", Clean(name), Fnv1a(model) & 0xffffff);
}

}  // namespace infx::sweep
