#include "sweep/target_spec.h"

#include <fmt/format.h>

#include <cmath>

#include "sweep/yaml_fields.h"

namespace infx::sweep {
namespace {

using yamlf::CheckKeys;

// A finite number of seconds, > 0 (or >= 0 with allow_zero).
Result<double> Seconds(const YAML::Node& n, const std::string& key,
                       double fallback, bool allow_zero,
                       const std::string& where) {
  INFX_ASSIGN_OR_RETURN(double v, yamlf::Double(n, key, fallback, where));
  if (!std::isfinite(v) || v < 0 || (v == 0 && !allow_zero)) {
    return Status::InvalidArgument(
        fmt::format("{}: '{}' must be a finite number of seconds {} 0, got {}",
                    where, key, allow_zero ? ">=" : ">", v));
  }
  return v;
}

Result<double> Fraction(const YAML::Node& n, const std::string& key,
                        const std::string& where) {
  INFX_ASSIGN_OR_RETURN(double v, yamlf::Double(n, key, 0, where));
  if (!(v >= 0 && v <= 1)) {
    return Status::InvalidArgument(
        fmt::format("{}: '{}' must be between 0 and 1, got {}", where, key, v));
  }
  return v;
}

Result<EmulatorTargetSpec> ParseEmulator(const YAML::Node& e,
                                         const std::string& we) {
  INFX_RETURN_IF_ERROR(CheckKeys(
      e,
      {"time_scale", "noise", "max_num_seqs", "max_batched_tokens",
       "kv_cache_fraction", "version", "prefix_caching", "calibration"},
      we));
  EmulatorTargetSpec em;
  INFX_ASSIGN_OR_RETURN(em.time_scale, yamlf::Double(e, "time_scale", 1.0, we));
  if (!(em.time_scale >= 0) || !std::isfinite(em.time_scale)) {
    return Status::InvalidArgument(
        fmt::format("{}: 'time_scale' must be a finite number >= 0, got {}", we,
                    em.time_scale));
  }
  INFX_ASSIGN_OR_RETURN(em.noise, Fraction(e, "noise", we));
  INFX_ASSIGN_OR_RETURN(em.max_num_seqs, yamlf::Int(e, "max_num_seqs", 256, we,
                                                    {1, kMaxConcurrency}));
  INFX_ASSIGN_OR_RETURN(
      em.max_batched_tokens,
      yamlf::Int(e, "max_batched_tokens", 8192, we, {1, kMaxSequenceTokens}));
  INFX_ASSIGN_OR_RETURN(em.kv_cache_fraction,
                        Fraction(e, "kv_cache_fraction", we));
  INFX_ASSIGN_OR_RETURN(em.version, yamlf::String(e, "version", "", we));
  INFX_ASSIGN_OR_RETURN(em.prefix_caching,
                        yamlf::Bool(e, "prefix_caching", false, we));
  INFX_ASSIGN_OR_RETURN(em.calibration,
                        yamlf::String(e, "calibration", "", we));
  return em;
}

Status ParseCommands(const YAML::Node& l, const std::string& wl,
                     LaunchSpec& ls) {
  INFX_ASSIGN_OR_RETURN(std::string cmd, yamlf::String(l, "command", "", wl));
  if (!cmd.empty()) ls.commands["default"] = cmd;
  if (const YAML::Node cmds = l["commands"]) {
    INFX_RETURN_IF_ERROR(yamlf::CheckMap(cmds, wl + ".commands"));
    for (const auto& kv : cmds) {
      if (!kv.second.IsScalar()) {
        return Status::InvalidArgument(wl + ".commands: values are strings");
      }
      ls.commands[kv.first.as<std::string>("")] = kv.second.Scalar();
    }
  }
  return Status::Ok();
}

Result<LaunchSpec> ParseLaunch(const YAML::Node& l, const std::string& wl) {
  INFX_RETURN_IF_ERROR(
      CheckKeys(l,
                {"command", "commands", "health_path", "startup_timeout_s",
                 "shutdown_grace_s", "log_dir", "version_command", "host",
                 "port", "image"},
                wl));
  LaunchSpec ls;
  INFX_RETURN_IF_ERROR(ParseCommands(l, wl, ls));
  INFX_ASSIGN_OR_RETURN(ls.health_path,
                        yamlf::String(l, "health_path", "", wl));
  INFX_ASSIGN_OR_RETURN(ls.startup_timeout_s,
                        Seconds(l, "startup_timeout_s", 900, false, wl));
  INFX_ASSIGN_OR_RETURN(ls.shutdown_grace_s,
                        Seconds(l, "shutdown_grace_s", 15, true, wl));
  INFX_ASSIGN_OR_RETURN(ls.log_dir,
                        yamlf::String(l, "log_dir", "infx-logs", wl));
  INFX_ASSIGN_OR_RETURN(ls.version_command,
                        yamlf::String(l, "version_command", "", wl));
  INFX_ASSIGN_OR_RETURN(ls.host, yamlf::String(l, "host", "127.0.0.1", wl));
  INFX_ASSIGN_OR_RETURN(ls.image, yamlf::String(l, "image", "", wl));
  INFX_ASSIGN_OR_RETURN(int64_t port, yamlf::Int(l, "port", 0, wl, {0, 65535}));
  ls.port = static_cast<int>(port);
  return ls;
}

Result<TargetKind> ParseKind(const std::string& type, const std::string& w) {
  if (type == "emulator") return TargetKind::kEmulator;
  if (type == "url") return TargetKind::kUrl;
  if (type == "launch") return TargetKind::kLaunch;
  return Status::InvalidArgument(
      fmt::format("{}: unknown type '{}' (emulator, url, launch)", w, type));
}

}  // namespace

Result<TargetSpec> ParseTarget(const YAML::Node& root,
                               const std::string& source) {
  TargetSpec t;
  const YAML::Node n = root["target"];
  if (!n) return t;
  const std::string w = source + ": target";
  INFX_RETURN_IF_ERROR(
      CheckKeys(n, {"type", "url", "model_name", "emulator", "launch"}, w));
  INFX_ASSIGN_OR_RETURN(std::string type,
                        yamlf::String(n, "type", "emulator", w));
  INFX_ASSIGN_OR_RETURN(t.kind, ParseKind(type, w));
  INFX_ASSIGN_OR_RETURN(t.url, yamlf::String(n, "url", "", w));
  INFX_ASSIGN_OR_RETURN(t.served_model_name,
                        yamlf::String(n, "model_name", "", w));
  if (t.kind == TargetKind::kUrl && t.url.empty()) {
    return Status::InvalidArgument(w + ": type url needs 'url'");
  }
  if (const YAML::Node e = n["emulator"]) {
    INFX_ASSIGN_OR_RETURN(t.emulator, ParseEmulator(e, w + ".emulator"));
  }
  if (const YAML::Node l = n["launch"]) {
    INFX_ASSIGN_OR_RETURN(t.launch, ParseLaunch(l, w + ".launch"));
  }
  if (t.kind == TargetKind::kLaunch && t.launch.commands.empty()) {
    return Status::InvalidArgument(
        w + ": type launch needs launch.command or launch.commands");
  }
  return t;
}

}  // namespace infx::sweep
