#include "common/files.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace infx {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(fmt::format("{}: no such file", path.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(
        fmt::format("{}: is a directory, expected a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError(fmt::format("{}: cannot open", path.string()));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Status::IoError(fmt::format("{}: read failed", path.string()));
  }
  return buffer.str();
}

Status WriteFileAtomic(const std::filesystem::path& path,
                       const std::string& contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  std::error_code ec;
  // Whatever fails, no *.tmp file is left behind.
  auto fail = [&](const std::string& message) {
    std::filesystem::remove(tmp, ec);
    return Status::IoError(message);
  };
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return fail(fmt::format("{}: cannot open for writing", tmp.string()));
    }
    out << contents;
    if (!out.flush()) {
      return fail(fmt::format("{}: write failed", tmp.string()));
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return fail(
        fmt::format("{}: rename failed: {}", path.string(), ec.message()));
  }
  return Status::Ok();
}

Result<nlohmann::json> ParseJson(const std::string& text,
                                 const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::ParseError(fmt::format("{}: malformed JSON at byte {}: {}",
                                          what, e.byte, e.what()));
  }
}

Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, path.string());
}

Result<YAML::Node> ReadYamlFile(const std::filesystem::path& path) {
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::ParseError(fmt::format("{}: malformed YAML at line {}: {}",
                                          path.string(), e.mark.line + 1,
                                          e.msg));
  }
}

std::filesystem::path SharedDataDir(const std::filesystem::path& source_dir) {
  if (const char* env = std::getenv("INFX_SHARED_DATA"); env && *env) {
    return env;
  }
  return source_dir / ".." / "shared" / "data";
}

}  // namespace infx
