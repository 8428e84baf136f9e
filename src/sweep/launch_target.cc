#include "sweep/launch_target.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <tuple>

#include "sweep/engine_build.h"
#include "sweep/http_probe.h"
#include "sweep/redact.h"

namespace infx::sweep {
namespace {

using Clock = std::chrono::steady_clock;

// File-name-safe form of a config key.
std::string Slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                          c == '-'
                      ? c
                      : '_');
  }
  return out;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
    line.pop_back();
  }
  return line;
}

}  // namespace

std::string LogPath(const LaunchSpec& spec, const ServingConfig& config,
                    int index) {
  const std::string name =
      spec.run_id > 0 ? fmt::format("run{}-{:03d}-{}.log", spec.run_id, index,
                                    Slug(config.Key()))
                      : fmt::format("{:03d}-{}.log", index, Slug(config.Key()));
  return (std::filesystem::path(spec.log_dir) / name).string();
}

std::string ShellQuote(const std::string& value, ShellContext context) {
  switch (context) {
    case ShellContext::kSingleQuoted: {
      // Close the quote, an escaped quote, reopen: 'it'\''s'.
      std::string out;
      for (char c : value)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return out;
    }
    case ShellContext::kDoubleQuoted: {
      std::string out;
      for (char c : value) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') out.push_back('\\');
        out.push_back(c);
      }
      return out;
    }
    case ShellContext::kBare:
      break;
  }
  const bool safe =
      !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
      });
  if (safe) return value;
  return "'" + ShellQuote(value, ShellContext::kSingleQuoted) + "'";
}

Result<std::string> ExpandTemplate(
    const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  ShellContext context = ShellContext::kBare;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '{') {
      // Track the shell quoting the template itself is in, so that a value
      // is quoted for the context it lands in.
      out.push_back(c);
      if (c == '\\' && context != ShellContext::kSingleQuoted &&
          i + 1 < text.size() && text[i + 1] != '{') {
        out.push_back(text[++i]);
      } else if (c == '\'' && context != ShellContext::kDoubleQuoted) {
        context = context == ShellContext::kBare ? ShellContext::kSingleQuoted
                                                 : ShellContext::kBare;
      } else if (c == '"' && context != ShellContext::kSingleQuoted) {
        context = context == ShellContext::kBare ? ShellContext::kDoubleQuoted
                                                 : ShellContext::kBare;
      }
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("command template '{}': unclosed '{{'", text));
    }
    const std::string name = text.substr(i + 1, close - i - 1);
    auto it = values.find(name);
    if (it == values.end()) {
      std::string known;
      for (const auto& [k, v] : values) known += (known.empty() ? "" : " ") + k;
      return Status::InvalidArgument(fmt::format(
          "command template '{}': unknown placeholder {{{}}} (known: {})", text,
          name, known));
    }
    out += ShellQuote(it->second, context);
    i = close;
  }
  return out;
}

static std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::map<std::string, std::string> PlaceholderValues(
    const ServingConfig& config, const std::string& served_model,
    const std::string& host, uint16_t port, const std::string& log_dir) {
  auto model_id = config.metadata.find("model-id");
  const WorkerPool prefill = config.prefill.value_or(WorkerPool{});
  const WorkerPool decode = config.decode.value_or(WorkerPool{});
  return {
      {"model", config.model},
      {"model_id",
       model_id == config.metadata.end() ? config.model : model_id->second},
      {"served_model", served_model},
      {"hardware", config.hardware},
      {"engine", config.engine},
      {"precision", config.precision},
      {"kv_precision",
       config.kv_precision.empty() ? config.precision : config.kv_precision},
      {"tp", std::to_string(config.tp)},
      {"pp", std::to_string(config.pp)},
      {"ep", std::to_string(config.ep)},
      {"dp_attention", config.dp_attention ? "1" : "0"},
      {"gpus", std::to_string(config.gpus())},
      {"prefill_workers", std::to_string(prefill.num_workers)},
      {"prefill_tp", std::to_string(prefill.tp)},
      {"prefill_ep", std::to_string(prefill.ep)},
      {"decode_workers", std::to_string(decode.num_workers)},
      {"decode_tp", std::to_string(decode.tp)},
      {"decode_ep", std::to_string(decode.ep)},
      {"host", host},
      {"port", std::to_string(port)},
      {"log_dir", log_dir},
      // Node lists of a cluster job (executor/, docs/cluster.md); the host
      // when the sweep runs outside one.
      {"nodes", EnvOr("INFX_NODES", host)},
      {"prefill_nodes", EnvOr("INFX_PREFILL_NODES", host)},
      {"decode_nodes", EnvOr("INFX_DECODE_NODES", host)},
  };
}

std::string LaunchImage(const LaunchSpec& spec, const ServingConfig& config) {
  if (auto it = config.metadata.find("image"); it != config.metadata.end()) {
    return it->second;
  }
  return spec.image;
}

std::string LaunchCommandTemplate(const LaunchSpec& spec,
                                  const ServingConfig& config) {
  auto it = spec.commands.find(config.engine);
  if (it == spec.commands.end()) it = spec.commands.find("default");
  return it == spec.commands.end() ? "" : it->second;
}

LaunchTarget::LaunchTarget(LaunchSpec spec, std::string served_model_name,
                           std::atomic<bool>* cancel)
    : spec_(std::move(spec)),
      served_model_name_(std::move(served_model_name)),
      cancel_(cancel) {}

LaunchTarget::~LaunchTarget() { Stop(); }

Result<std::string> LaunchTarget::CommandFor(
    const ServingConfig& config) const {
  auto it = spec_.commands.find(config.engine);
  if (it == spec_.commands.end()) it = spec_.commands.find("default");
  if (it == spec_.commands.end()) {
    return Status::InvalidArgument(fmt::format(
        "target.launch: no command for engine '{}' (add commands.{} or "
        "command)",
        config.engine, config.engine));
  }
  return it->second;
}

Status LaunchTarget::WaitHealthy(const std::string& host, uint16_t port,
                                 const std::string& log_path) {
  const std::vector<std::string> paths =
      spec_.health_path.empty()
          ? std::vector<std::string>{"/health", "/v1/models"}
          : std::vector<std::string>{spec_.health_path};
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration<double>(spec_.startup_timeout_s);
  while (true) {
    if (auto status = child_->Poll()) {
      return Status::Unavailable(fmt::format(
          "engine exited with status {} before becoming healthy; see {}:\n{}",
          *status, log_path, TailOfFile(log_path, 5)));
    }
    if (cancel_ && cancel_->load()) {
      return Status(ErrorCode::kCancelled,
                    "interrupted while waiting for "
                    "the engine to become healthy");
    }
    for (const auto& path : paths) {
      auto reply =
          HttpGet(host, port, path, 2.0, ProbeAuthorization().value_or(""));
      if (reply.ok() && reply->status == 200) return Status::Ok();
    }
    if (Clock::now() >= deadline) {
      return Status::Timeout(fmt::format(
          "engine did not become healthy within {:g} s (GET {} on port {}); "
          "see {}:\n{}",
          spec_.startup_timeout_s, paths.front(), port, log_path,
          TailOfFile(log_path, 5)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::pair<std::string, std::string> LaunchTarget::EngineVersion(
    const std::map<std::string, std::string>& values, const std::string& host,
    uint16_t port) const {
  if (!spec_.version_command.empty()) {
    auto command = ExpandTemplate(spec_.version_command, values);
    if (!command.ok()) {
      return {"unknown (" + command.status().message() + ")", ""};
    }
    const std::string out_path =
        (std::filesystem::path(spec_.log_dir) /
         fmt::format("version-{}.txt", values.at("port")))
            .string();
    std::error_code ec;
    std::filesystem::remove(out_path, ec);
    auto child = ChildProcess::Spawn(*command, out_path);
    if (!child.ok()) return {"unknown", ""};
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!(*child)->Poll() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    (*child)->Terminate(1);
    const std::string line = FirstLine(TailOfFile(out_path, 1));
    std::filesystem::remove(out_path, ec);
    if (line.empty()) return {"unknown", ""};
    return {line, "version_command"};
  }
  // /version (vLLM, SGLang), then /props build_info (llama.cpp).
  EngineBuild build =
      ProbeEngineBuild(host, port, ProbeAuthorization().value_or(""), 2.0);
  return {build.version, build.source};
}

Result<TargetEndpoint> LaunchTarget::Start(const ServingConfig& config,
                                           int index) {
  Stop();
  INFX_ASSIGN_OR_RETURN(std::string tmpl, CommandFor(config));
  uint16_t port = static_cast<uint16_t>(spec_.port);
  if (port == 0) {
    INFX_ASSIGN_OR_RETURN(port, PickFreePort());
  }
  const std::string served =
      served_model_name_.empty() ? config.model : served_model_name_;
  auto values =
      PlaceholderValues(config, served, spec_.host, port, spec_.log_dir);
  values["image"] = LaunchImage(spec_, config);
  INFX_ASSIGN_OR_RETURN(std::string command, ExpandTemplate(tmpl, values));
  const std::string log_path = LogPath(spec_, config, index);
  INFX_ASSIGN_OR_RETURN(child_, ChildProcess::Spawn(command, log_path));
  Status healthy = WaitHealthy(spec_.host, port, log_path);
  if (!healthy.ok()) {
    Stop();
    return healthy.WithContext(
        fmt::format("launch '{}'", RedactSecrets(command)));
  }
  TargetEndpoint ep;
  ep.base_url = fmt::format("http://{}:{}", spec_.host, port);
  ep.served_model = served;
  std::tie(ep.engine_version, ep.engine_version_source) =
      EngineVersion(values, spec_.host, port);
  ep.log_path = log_path;
  ep.command = RedactSecrets(command);
  return ep;
}

void LaunchTarget::Stop() {
  if (!child_) return;
  child_->Terminate(spec_.shutdown_grace_s);
  child_.reset();
}

}  // namespace infx::sweep
