// The `launch` target: starts an engine (vLLM, SGLang, TensorRT-LLM,
// llama.cpp server, or anything OpenAI-compatible) from a command template
// per engine, in its own process group, logging to
// <log_dir>/run<run id>-<index>-<config>.log (one file per run and config;
// a resumed run appends to its own file, never to another run's); waits until
// GET /health (or /v1/models) answers 200 within the startup timeout; records
// the engine version; and always tears the process group down (Stop, failure,
// destructor, Ctrl-C via sweep/process.h).
//
// Template placeholders: {model} {model_id} {served_model} {hardware}
// {engine} {precision} {kv_precision} {tp} {pp} {ep} {dp_attention} (0/1)
// {gpus} {prefill_workers} {prefill_tp} {prefill_ep} {decode_workers}
// {decode_tp} {decode_ep} {host} {port} {log_dir}. "{{" and "}}" are
// literal braces; an unknown placeholder is an error naming it. Every
// substituted value is quoted for /bin/sh in the quoting context where it
// lands (bare, '...' or "..."), so a model path with a space or with
// `$(...)` in it is one literal argument, never shell code.
//
// Thread-safety: one thread drives a LaunchTarget.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "sweep/process.h"
#include "sweep/target.h"

namespace infx::sweep {

// Where a placeholder sits in a /bin/sh command line.
enum class ShellContext { kBare, kSingleQuoted, kDoubleQuoted };

// `value` as one literal word for /bin/sh in `context`: bare values made of
// [A-Za-z0-9_./:@%+=,-] stay as they are, others are single-quoted.
std::string ShellQuote(const std::string& value, ShellContext context);

// Replaces {name} by values.at(name), shell-quoted (ShellQuote) for the
// quoting context of the template at that point. InvalidArgument names an
// unknown placeholder or an unclosed brace.
Result<std::string> ExpandTemplate(
    const std::string& text, const std::map<std::string, std::string>& values);

// The engine log of the index-th config under spec.log_dir, named with
// spec.run_id when set.
std::string LogPath(const LaunchSpec& spec, const ServingConfig& config,
                    int index);

// Placeholder values for one config (port and host given).
std::map<std::string, std::string> PlaceholderValues(
    const ServingConfig& config, const std::string& served_model,
    const std::string& host, uint16_t port, const std::string& log_dir);

// The container image a config runs: its InferenceX `image` metadata, else
// the launch recipe's `image`; "" when neither names one.
std::string LaunchImage(const LaunchSpec& spec, const ServingConfig& config);

// The launch recipe's command template for the config's engine (or
// "default"); "" when there is none. The engine's flags, for series keys.
std::string LaunchCommandTemplate(const LaunchSpec& spec,
                                  const ServingConfig& config);

class LaunchTarget : public ServingTarget {
 public:
  LaunchTarget(LaunchSpec spec, std::string served_model_name,
               std::atomic<bool>* cancel);
  ~LaunchTarget() override;

  Result<TargetEndpoint> Start(const ServingConfig& config, int index) override;
  void Stop() override;
  std::string Unsupported(const ServingConfig&) const override { return ""; }

 private:
  Result<std::string> CommandFor(const ServingConfig& config) const;
  Status WaitHealthy(const std::string& host, uint16_t port,
                     const std::string& log_path);
  // The version and where it was read (sweep/engine_build.h).
  std::pair<std::string, std::string> EngineVersion(
      const std::map<std::string, std::string>& values, const std::string& host,
      uint16_t port) const;

  LaunchSpec spec_;
  std::string served_model_name_;
  std::atomic<bool>* cancel_;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace infx::sweep
