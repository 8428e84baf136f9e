// Serving targets of a sweep: where a config's requests go. `emulator`
// starts infx's EmulatorServer in-process for each config and stops it
// after; `url` uses a server that is already running (one config at a
// time, the user's responsibility); `launch` starts an engine command per
// config (sweep/launch_target.h). Start brings the server up and returns
// how to reach it; Stop always tears down what Start brought up.
//
// Thread-safety: a target is driven by one thread; Stop may be called
// repeatedly.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/result.h"
#include "sweep/matrix.h"

namespace infx::sweep {

struct TargetEndpoint {
  std::string base_url;        // "http://127.0.0.1:PORT"
  std::string served_model;    // "model" field to send
  std::string engine_version;  // "infx-emulator 0.1.0", "vllm 0.10.2", ...
  // Where engine_version was read (sweep/engine_build.h): "/version",
  // "/props build_info", "version_command", "emulator"; "" = not found.
  std::string engine_version_source;
  std::string log_path;  // engine log (launch), "" otherwise
  std::string command;   // launch command as run (secrets redacted)
  // Emulator: the engine whose calibration times it ("sglang"), "" else.
  std::string emulated_engine;
  // The target's /metrics also carries DCGM-exporter power families (the
  // emulator's power model): sweep telemetry reads power there by default.
  bool serves_dcgm_power = false;
};

class ServingTarget {
 public:
  virtual ~ServingTarget() = default;
  // Brings up the server for `config` (the index-th config of the sweep).
  // Errors name the config and why (unknown model, did not become
  // healthy, exited with status N; see log ...).
  virtual Result<TargetEndpoint> Start(const ServingConfig& config,
                                       int index) = 0;
  // Tears down what Start brought up. Idempotent.
  virtual void Stop() = 0;
  // Why this target cannot serve `config` at all ("" = it can), e.g. the
  // emulator and disaggregated prefill/decode pools.
  virtual std::string Unsupported(const ServingConfig& config) const = 0;
};

// The target a matrix asks for. `cancel` (may be null) aborts waits.
// `seed` seeds the emulator.
Result<std::unique_ptr<ServingTarget>> MakeTarget(const TargetSpec& spec,
                                                  uint64_t seed,
                                                  std::atomic<bool>* cancel);

}  // namespace infx::sweep
