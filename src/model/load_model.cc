// LoadModel: a path (file or directory) or a built-in catalog name.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/files.h"
#include "model/known_models.h"
#include "model/model_loader.h"

namespace infx::model {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "<stem>.hf_quant_config.json" beside the file, else "hf_quant_config.json"
// in the same directory; empty when neither exists.
fs::path FindQuantSibling(const fs::path& config_path) {
  std::error_code ec;
  const fs::path dir = config_path.parent_path();
  fs::path named =
      dir / (config_path.stem().string() + ".hf_quant_config.json");
  if (fs::exists(named, ec)) return named;
  fs::path plain = dir / "hf_quant_config.json";
  if (fs::exists(plain, ec)) return plain;
  return {};
}

// Display name: the file stem, or the directory name for ".../config.json".
std::string NameFromPath(const fs::path& config_path) {
  if (config_path.filename() == "config.json") {
    const fs::path dir = fs::absolute(config_path).parent_path();
    if (!dir.filename().empty()) return dir.filename().string();
  }
  return config_path.stem().string();
}

Result<ModelSpec> LoadFromFile(fs::path path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "config.json";
  INFX_ASSIGN_OR_RETURN(nlohmann::json config, ReadJsonFile(path));
  INFX_ASSIGN_OR_RETURN(
      ModelSpec spec, ParseHfConfig(config, NameFromPath(path), path.string()));
  const fs::path quant_path = FindQuantSibling(path);
  if (!quant_path.empty()) {
    INFX_ASSIGN_OR_RETURN(nlohmann::json quant, ReadJsonFile(quant_path));
    INFX_RETURN_IF_ERROR(ApplyHfQuantConfig(quant, quant_path.string(), spec));
  }
  return spec;
}

Result<ModelSpec> LoadKnown(const KnownModel& known) {
  const std::string source = fmt::format("built-in model '{}'", known.name);
  INFX_ASSIGN_OR_RETURN(nlohmann::json config,
                        ParseJson(std::string(known.config_json), source));
  INFX_ASSIGN_OR_RETURN(ModelSpec spec,
                        ParseHfConfig(config, std::string(known.name), source));
  if (!known.hf_quant_config_json.empty()) {
    INFX_ASSIGN_OR_RETURN(
        nlohmann::json quant,
        ParseJson(std::string(known.hf_quant_config_json), source));
    INFX_RETURN_IF_ERROR(ApplyHfQuantConfig(quant, source, spec));
  }
  return spec;
}

bool LooksLikePath(const std::string& text) {
  // "org/name" is a Hugging Face id; more slashes or a suffix mean a path.
  const bool many_slashes = std::count(text.begin(), text.end(), '/') > 1;
  return many_slashes || text.ends_with(".json") || text.starts_with(".") ||
         text.starts_with("/");
}

}  // namespace

Result<ModelSpec> LoadModel(const std::string& name_or_path) {
  std::error_code ec;
  if (fs::exists(name_or_path, ec)) return LoadFromFile(name_or_path);
  const std::string key = Lower(name_or_path);
  for (const KnownModel& known : KnownModels()) {
    if (key == known.name || key == Lower(std::string(known.hf_id))) {
      return LoadKnown(known);
    }
  }
  if (LooksLikePath(name_or_path)) {
    return Status::NotFound(fmt::format("{}: no such file", name_or_path));
  }
  return Status::NotFound(
      fmt::format("unknown model '{}' (not a file; known models: {})",
                  name_or_path, fmt::join(KnownModelNames(), ", ")));
}

std::vector<std::string> KnownModelNames() {
  std::vector<std::string> names;
  for (const KnownModel& known : KnownModels()) {
    names.emplace_back(known.name);
  }
  return names;
}

}  // namespace infx::model
