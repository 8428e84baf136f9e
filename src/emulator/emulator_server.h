// EmulatorServer: an OpenAI-compatible inference server (vLLM's wire format)
// whose timing and capacity come from the performance model. Requests go
// through a vLLM-V1-like iteration-level scheduler (running set, waiting
// queue, 16-token KV blocks, chunked prefill, recompute preemption) whose
// steps last perf::PredictStepTime(batch) x time_scale on a real
// steady_clock; tokens are emitted at step boundaries.
//
// Endpoints: POST /v1/completions, POST /v1/chat/completions, GET /v1/models,
// GET /health, GET /version, GET /metrics (Prometheus, vLLM metric names),
// POST /reset_prefix_cache. See
// docs/emulator.md for configuration, the trace format and the
// pipeline-validation modes (answers, faults).
//
// Thread-safety: Start/Stop/port may be called from any thread; the server
// runs on its own threads (I/O and scheduler). Stop is idempotent and joins
// them; the destructor stops.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"

namespace infx::emulator {

struct StepPowerRecord;  // power_model.h

struct EmulatorOptions {
  // Catalog name ("llama-3.1-8b") or path to a HF config.json
  // (model::LoadModel).
  std::string model = "llama-3.1-8b";
  // Name reported by /v1/models and accepted in requests' "model"; empty =
  // `model` as given.
  std::string served_model_name;
  std::string hardware = "h200";  // hardware::HardwareCatalog name
  // Hardware additions/overrides (--hardware-file); "" = built-in only.
  std::string hardware_file;
  // Whose calibration times the steps: vllm | sglang | trtllm
  // (perf::DefaultCalibration); "" = vllm.
  std::string engine = "vllm";
  // Calibration file (docs/calibration.md) whose entry for this hardware
  // and engine times the steps instead of the defaults; "" = defaults.
  std::string calibration_file;
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  std::string precision = "bf16";  // weights: bf16 | fp8 | fp4
  std::string kv_precision;        // empty = same as precision
  std::string host = "127.0.0.1";
  uint16_t port = 0;           // 0 = pick a free port
  int64_t max_num_seqs = 256;  // perf::SchedulerLimits defaults
  int64_t max_batched_tokens = 8192;
  // KV-cache block size, tokens (vLLM --block-size); prefix caching hashes
  // prompts in blocks of this size.
  int64_t block_size = 16;
  // vLLM's automatic prefix caching (on by default, as vLLM V1);
  // emulator/prefix_cache.h.
  bool enable_prefix_caching = true;
  // CPU offload tier for prefix-cached blocks (emulator/offload_tier.h):
  // host memory in GiB summed over the GPUs, as vLLM's
  // --kv-offloading-size (0 = none; needs prefix caching), and the PCIe
  // host-to-device bandwidth per GPU in GB/s (Gen5 x16: ~50 effective).
  double kv_offloading_size_gib = 0;
  double kv_offloading_bandwidth_gb_s = 50;
  // Fraction of HBM the engine may use (vLLM --gpu-memory-utilization);
  // <= 0 keeps the calibration's default.
  double kv_cache_fraction = 0;
  // Overrides the KV capacity from the memory plan (tokens); 0 = planned.
  int64_t kv_capacity_tokens = 0;
  uint64_t seed = 0;
  // Relative std-dev of multiplicative Gaussian step-time noise (seeded);
  // 0 = none.
  double noise = 0;
  // Model time multiplier: 1.0 = real model time; 0 = no model time (steps
  // run back to back, for load-generator capacity benchmarks).
  double time_scale = 1.0;
  std::string trace_path;             // JSONL trace, empty = none
  std::string answers_path;           // GSM8K-style answer key, empty = none
  std::string answer_accuracy = "1";  // "0.9" or "1:0.95,64:0.80"
  // "http500:0.01,http429:0.01,drop:0.01,stall:0.01,malformed:0.01"
  std::string faults;
  // Tokenizer (HF tokenizer.json, vocab.json [+ merges.txt], or a directory
  // with them) for output text and text-prompt counting: exact counts when
  // the tokenizer module reads it, else greedy vocabulary matching; empty =
  // built-in vocabulary and the chars/4 rule.
  std::string tokenizer_path;
  int io_threads = 1;  // threads serving connections
  // What GET /version reports as {"version": ...}: lets tests simulate an
  // engine upgrade (`target.emulator.version`); "" = "infx-emulator".
  std::string engine_version;
  // Sees every engine step as the power model prices it, on the engine
  // thread (power_model.h StepPowerRecord): for tests that recompute the
  // energy independently. Empty = none.
  std::function<void(const StepPowerRecord&)> step_observer;
};

// The effective configuration after planning, as printed at start.
struct EmulatorInfo {
  std::string served_model_name;
  std::string deployment_label;  // "llama-3.1-8b on h200 tp1 bf16"
  std::string engine;            // calibration used: "vllm", "sglang", ...
  std::string engine_version;    // GET /version's "version"
  int64_t kv_capacity_tokens = 0;
  int64_t kv_blocks = 0;  // of block_size_tokens
  int64_t block_size_tokens = 16;
  int64_t offload_blocks = 0;         // CPU offload tier, blocks; 0 = none
  int64_t max_model_len = 0;          // context length accepted per request
  int64_t max_concurrency_1k_1k = 0;  // largest concurrency at isl=osl=1024
};

class EmulatorServer {
 public:
  // Loads the model and hardware, plans memory, binds and starts serving;
  // returns once listening. Errors name the bad option (unknown model or
  // GPU, model does not fit, port in use, unreadable answers file, bad
  // faults spec).
  static Result<std::unique_ptr<EmulatorServer>> Start(EmulatorOptions options);

  ~EmulatorServer();
  EmulatorServer(const EmulatorServer&) = delete;
  EmulatorServer& operator=(const EmulatorServer&) = delete;

  uint16_t port() const;
  const EmulatorInfo& info() const;
  // Stops accepting, aborts in-flight requests (recorded as "aborted"),
  // flushes the trace and joins all threads. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit EmulatorServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// KV-cache block size of the emulated engine (vLLM's default), tokens.
inline constexpr int64_t kBlockSizeTokens = 16;

}  // namespace infx::emulator
