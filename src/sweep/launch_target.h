// The `launch` target: starts an engine (vLLM, SGLang, TensorRT-LLM,
// llama.cpp server, or anything OpenAI-compatible) from a command template
// per engine, in its own process group, logging to
// <log_dir>/<index>-<config>.log; waits until GET /health (or /v1/models)
// answers 200 within the startup timeout; records the engine version; and
// always tears the process group down (Stop, failure, destructor, Ctrl-C
// via sweep/process.h).
//
// Template placeholders: {model} {model_id} {served_model} {hardware}
// {engine} {precision} {kv_precision} {tp} {pp} {ep} {dp_attention} (0/1)
// {gpus} {prefill_workers} {prefill_tp} {prefill_ep} {decode_workers}
// {decode_tp} {decode_ep} {host} {port} {log_dir}. "{{" and "}}" are
// literal braces; an unknown placeholder is an error naming it.
//
// Thread-safety: one thread drives a LaunchTarget.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sweep/process.h"
#include "sweep/target.h"

namespace infx::sweep {

// Replaces {name} by values.at(name). InvalidArgument names an unknown
// placeholder or an unclosed brace.
Result<std::string> ExpandTemplate(
    const std::string& text, const std::map<std::string, std::string>& values);

// Placeholder values for one config (port and host given).
std::map<std::string, std::string> PlaceholderValues(
    const ServingConfig& config, const std::string& served_model,
    const std::string& host, uint16_t port, const std::string& log_dir);

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
  std::string EngineVersion(const std::map<std::string, std::string>& values,
                            const std::string& host, uint16_t port) const;

  LaunchSpec spec_;
  std::string served_model_name_;
  std::atomic<bool>* cancel_;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace infx::sweep
