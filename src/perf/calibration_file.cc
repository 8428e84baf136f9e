#include "perf/calibration_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>

#include "common/files.h"
#include "hardware/hardware_spec.h"

namespace infx::perf {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

Result<std::string> ScalarString(const YAML::Node& n, const std::string& key,
                                 const std::string& where) {
  const YAML::Node v = n[key];
  if (!v) return std::string();
  if (!v.IsScalar()) {
    return Status::InvalidArgument(
        fmt::format("{}: '{}' must be a string", where, key));
  }
  return v.Scalar();
}

Status CheckFactors(const YAML::Node& factors, const std::string& where) {
  if (!factors.IsMap()) {
    return Status::InvalidArgument(where +
                                   ": 'factors' must map factor to number");
  }
  Calibration scratch;
  for (const auto& kv : factors) {
    INFX_RETURN_IF_ERROR(
        SetCalibrationField(kv.first.Scalar(), kv.second, where, scratch));
  }
  return Status::Ok();
}

Result<CalibrationEntry> ParseEntry(const YAML::Node& n,
                                    const std::string& where) {
  static const std::vector<std::string> kKeys = {
      "hardware", "engine", "engine_version", "factors", "fit", "source"};
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return Status::InvalidArgument(
          fmt::format("{}: unknown key '{}' (hardware, engine, "
                      "engine_version, factors, fit, source)",
                      where, key));
    }
  }
  CalibrationEntry e;
  INFX_ASSIGN_OR_RETURN(e.hardware, ScalarString(n, "hardware", where));
  INFX_ASSIGN_OR_RETURN(e.engine, ScalarString(n, "engine", where));
  INFX_ASSIGN_OR_RETURN(e.engine_version,
                        ScalarString(n, "engine_version", where));
  if (e.hardware.empty() || e.engine.empty()) {
    return Status::InvalidArgument(
        where + ": a calibration entry names its 'hardware' and 'engine'");
  }
  if (!ParseEngine(e.engine).ok()) {
    return Status::InvalidArgument(fmt::format(
        "{}: unknown engine '{}' (vllm, sglang, trtllm)", where, e.engine));
  }
  e.factors = n["factors"] ? YAML::Clone(n["factors"]) : YAML::Node();
  if (e.factors) INFX_RETURN_IF_ERROR(CheckFactors(e.factors, where));
  return e;
}

Result<CalibrationFile> ParseRoot(const YAML::Node& root,
                                  const std::string& path) {
  CalibrationFile file;
  file.path = path;
  if (!root.IsMap()) {
    return Status::InvalidArgument(
        path + ": expected a calibration mapping (docs/calibration.md)");
  }
  if (const YAML::Node list = root["calibrations"]) {
    if (root.size() != 1 || !list.IsSequence()) {
      return Status::InvalidArgument(
          path + ": 'calibrations' must be the only key, a list of entries");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      INFX_ASSIGN_OR_RETURN(
          CalibrationEntry e,
          ParseEntry(list[i], fmt::format("{}: calibrations[{}]", path, i)));
      file.entries.push_back(std::move(e));
    }
    return file;
  }
  if (root["hardware"] || root["engine"] || root["factors"]) {
    INFX_ASSIGN_OR_RETURN(CalibrationEntry e, ParseEntry(root, path));
    file.entries.push_back(std::move(e));
    return file;
  }
  // Older format: a flat mapping of overrides, for any hardware/engine.
  INFX_RETURN_IF_ERROR(CheckFactors(root, path));
  file.entries.push_back({"", "", "", YAML::Clone(root)});
  return file;
}

bool Applies(const CalibrationEntry& e, const std::string& hw,
             std::string_view engine, std::string_view version) {
  if (e.hardware.empty()) return true;  // legacy: any
  if (Lower(e.hardware) != Lower(hw) || Lower(e.engine) != engine) {
    return false;
  }
  return e.engine_version.empty() || version.empty() ||
         e.engine_version == version;
}

std::string Describe(const CalibrationEntry& e) {
  std::string s = e.hardware + " / " + e.engine;
  if (!e.engine_version.empty()) s += " " + e.engine_version;
  return s;
}

}  // namespace

Result<CalibrationFile> ReadCalibrationFile(const std::string& path) {
  INFX_ASSIGN_OR_RETURN(YAML::Node root, ReadYamlFile(path));
  try {
    return ParseRoot(root, path);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
}

Result<Calibration> ResolveCalibration(const CalibrationFile& file,
                                       const hardware::HardwareSpec& hw,
                                       Engine engine,
                                       std::string_view engine_version) {
  const std::string engine_name(EngineName(engine));
  Calibration c = DefaultCalibration(hw, engine);
  for (const CalibrationEntry& e : file.entries) {
    if (!Applies(e, hw.name, engine_name, engine_version)) continue;
    if (e.factors) {
      for (const auto& kv : e.factors) {
        INFX_RETURN_IF_ERROR(
            SetCalibrationField(kv.first.Scalar(), kv.second, file.path, c));
      }
    }
    return c;
  }
  std::string have;
  for (const CalibrationEntry& e : file.entries) {
    have += (have.empty() ? "" : ", ") + Describe(e);
  }
  std::string want = hw.name + " / " + engine_name;
  if (!engine_version.empty()) want += " " + std::string(engine_version);
  return Status::InvalidArgument(fmt::format(
      "{}: calibration is for {}, not for {}", file.path, have, want));
}

Result<Calibration> CalibrationFor(const std::string& path,
                                   const hardware::HardwareSpec& hw,
                                   Engine engine,
                                   std::string_view engine_version) {
  if (path.empty()) return DefaultCalibration(hw, engine);
  INFX_ASSIGN_OR_RETURN(CalibrationFile file, ReadCalibrationFile(path));
  return ResolveCalibration(file, hw, engine, engine_version);
}

}  // namespace infx::perf
