// File and document loading with errors that name the file: the one place
// that turns "path" into text, JSON or YAML.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

namespace infx {

// Whole file as bytes. NotFound if missing, IoError if unreadable.
Result<std::string> ReadFile(const std::filesystem::path& path);
// Writes `contents` to `path` without ever replacing what is not a regular
// file: a symlink is followed and its target written; a regular (or
// missing) target is written to a temp file beside it and renamed over it,
// so a crash never leaves half a file (an existing file keeps its
// permission bits); anything else (a named pipe, a device such as
// /dev/stdout or /dev/full) is written in place. Errors name the path.
Status WriteFileAtomic(const std::filesystem::path& path,
                       const std::string& contents);
// The one way commands write the files users name (-o, --chart, --csv,
// --result-file, ...): "-" is standard output, anything else as
// WriteFileAtomic.
Status WriteOutputFile(const std::string& path, const std::string& contents);
// Parses JSON; ParseError names the file, line and column.
Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path);
Result<nlohmann::json> ParseJson(const std::string& text,
                                 const std::string& what);
// Parses YAML; ParseError names the file and line.
Result<YAML::Node> ReadYamlFile(const std::filesystem::path& path);

// Directory of the shared reference data (GSM8K, model configs, tokenizers):
// $INFX_SHARED_DATA if set, else <source>/../shared/data. Only tests and
// examples use it; the product takes user-supplied paths.
std::filesystem::path SharedDataDir(const std::filesystem::path& source_dir);

}  // namespace infx
