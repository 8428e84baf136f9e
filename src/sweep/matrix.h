// Sweep matrix: what `infx sweep` measures. A matrix is a list of serving
// configs (model x hardware x engine x precision x parallelism), a list of
// workloads (ISL/OSL pairs with a range ratio), concurrency levels, the
// number of repetitions, optional eval requests and the target that serves
// the requests. ParseMatrix reads the YAML schema of docs/matrix.md and
// ExpandPoints turns it into the ordered list of points a sweep runs; the
// InferenceX importer (sweep/inferencex.h) builds the same structure.
//
// Thread-safety: plain value types and pure functions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/limits.h"
#include "common/result.h"

namespace infx::sweep {

// Bounds of the matrix's integers (docs/matrix.md): every one is parsed as
// 64-bit and a value outside its bounds is an error naming the field.
// The shared ones come from common/limits.h (one place for each bound).
inline constexpr int64_t kMaxConcurrency = limits::kMaxConcurrency;
// tp, pp, ep, num_workers
inline constexpr int64_t kMaxParallelism = limits::kMaxGpus;
inline constexpr int64_t kMaxSequenceTokens = limits::kMaxSequenceTokens;
inline constexpr int64_t kMaxRepetitions = 1000;
inline constexpr int64_t kMaxPromptsPerPoint = limits::kMaxNumPrompts;
inline constexpr int64_t kMaxWarmupRequests = 1'000'000;

// One worker pool of a disaggregated deployment (prefill or decode), as in
// InferenceX's `prefill:` / `decode:` blocks.
struct WorkerPool {
  int num_workers = 1;
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  int gpus() const { return num_workers * tp * pp; }
};

// One serving configuration. `model` is a catalog name or a config.json path
// (model::LoadModel); `hardware` a hardware::HardwareCatalog name.
struct ServingConfig {
  std::string model;
  // The model's name in Key(): "" = `model` (sweep/model_name.h names
  // models given as paths, e.g. "tiny-hf@3f09c1").
  std::string model_name;
  std::string hardware = "h200";
  std::string engine = "vllm";  // vllm | sglang | trtllm | llama.cpp | ...
  std::string precision = "bf16";
  std::string kv_precision;  // "" = same as precision
  int tp = 1;
  int pp = 1;
  int ep = 1;
  bool dp_attention = false;
  // Disaggregated prefill/decode workers; both set or neither.
  std::optional<WorkerPool> prefill;
  std::optional<WorkerPool> decode;
  // Provenance and settings infx records but does not act on (e.g. the
  // InferenceX image, spec-decoding), keyed by their source field name.
  std::map<std::string, std::string> metadata;
  // Accuracy threshold of this config's evals (config block
  // `eval_min_score`); nullopt = the eval block's (Matrix::EvalMinScore).
  std::optional<double> eval_min_score;
  // `canary: true`: a config re-measured unchanged in every run, whose
  // drift tells an environment change (a noisy host) from an engine change.
  bool canary = false;

  bool disaggregated() const { return prefill.has_value(); }
  // GPUs the config occupies: tp x pp, or the sum over worker pools.
  int gpus() const;
  // "tp2", "tp8-ep8-dpa", "p1x4-d2x8" (disaggregated).
  std::string ParallelismLabel() const;
  // Stable key, unique per distinct config:
  // "llama-3.1-8b/h200/vllm/bf16/tp2" (model_name when set) (+ "/kv-fp8",
  // "/spec-mtp" when set; imported configs are prefixed "<inferencex entry>:").
  std::string Key() const;
};

struct Workload {
  int64_t isl = 1024;        // input tokens
  int64_t osl = 1024;        // output tokens
  double range_ratio = 1.0;  // vLLM benchmark_serving --random-range-ratio
  // Trace/session replay instead of random prompts (docs/workloads.md):
  // dataset "mooncake" | "multiturn" | "agentic" | "weka" with its file;
  // isl/osl then give the mean lengths the predictions use.
  std::string dataset = "random";
  std::string dataset_path;
  double trace_speedup = 1.0;
  bool trace_timestamps = true;
  int64_t hash_block_size = 512;
  // Expected prefix-cache hit rate for the predictions (perf::Workload).
  double prefix_hit_rate = 0;
  // "1k1k"-style label: "1024/1024" (+ " mooncake" for a trace dataset).
  std::string Label() const;
};

// How many prompts a point sends: concurrency x per_concurrency, clamped to
// [min, max] (max 0 = no upper bound). InferenceX uses conc x 10.
struct PromptCount {
  int per_concurrency = 10;
  int min = 1;
  int max = 0;
  int For(int concurrency) const;
};

enum class TargetKind { kEmulator, kUrl, kLaunch };

struct EmulatorTargetSpec {
  double time_scale = 1.0;  // 1.0 = real model time (always for reports)
  double noise = 0;         // relative step-time noise
  int64_t max_num_seqs = 256;
  int64_t max_batched_tokens = 8192;
  double kv_cache_fraction = 0;  // <= 0: calibration default
  // Answer key for eval requests (set from `eval:`), "" = none.
  std::string answers_path;
  std::string answer_accuracy = "1";
  // Engine version the emulator reports on GET /version and the sweep
  // records (simulates an engine upgrade); "" = "infx-emulator".
  std::string version;
  // vLLM-style automatic prefix caching in the emulator. Off by default in
  // sweeps, as before the sweep emptied the cache between points (every
  // point of a config re-sends the same seeded prompts, vLLM #52884); now
  // the sweep resets it before each point (sweep/cache_hygiene.h), so turn
  // it on for trace workloads whose shared prefixes should be cached.
  bool prefix_caching = false;
  // Calibration file timing the emulator (`target.emulator.calibration`),
  // independent of the planner's: tests hide the truth from the fitter
  // this way; "" = the engine's defaults.
  std::string calibration;
};

struct LaunchSpec {
  // Command template per engine name ("vllm", "sglang", "trtllm",
  // "llama.cpp", or "default"); placeholders are listed in docs/matrix.md.
  std::map<std::string, std::string> commands;
  // Health path probed until it answers 200; "" = /health, then /v1/models.
  std::string health_path;
  double startup_timeout_s = 900;
  double shutdown_grace_s = 15;
  std::string log_dir = "infx-logs";
  // Command template printing the engine version; "" = ask GET /version.
  std::string version_command;
  // Container image the commands run ({image} placeholder), recorded with
  // its digest as provenance; a config's InferenceX `image` overrides it.
  std::string image;
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = pick a free port per launch
  // The run whose engines these are (set by the runner, not the matrix):
  // names the engine logs, so that runs never share a log file.
  int64_t run_id = 0;
};

struct TargetSpec {
  TargetKind kind = TargetKind::kEmulator;
  std::string url;  // kUrl: base URL of the running server
  // Model name sent in requests for kUrl/kLaunch; "" = the config's model.
  std::string served_model_name;
  EmulatorTargetSpec emulator;
  LaunchSpec launch;
  // Copy of Matrix::hardware_file for the emulator (set by the runner).
  std::string hardware_file;
};

// Which measured points of a config get an eval (`eval.points`).
enum class EvalPoints {
  kHighest,           // its highest concurrency (default)
  kMedian,            // its median concurrency (sorted[n / 2], InferenceX)
  kHighestAndMedian,  // both (InferenceX's single-node 8k1k selection)
  kFrontier,          // every point on the run's Pareto frontier
  kAll,               // every concurrency it measured
  kList,              // EvalSpec::concurrencies, where measured
};
// "highest", "median", "highest-and-median", "frontier", "all", "list".
std::string EvalPointsName(EvalPoints points);

// Accuracy requests at chosen points (run by the eval module), and the
// min score that marks a config FAIL (InferenceX utils/evals/thresholds.yaml:
// a default with per-model overrides).
struct EvalSpec {
  std::string task = "gsm8k";  // gsm8k | gsm8k_cot | gsm8k_chat | ...
  int num_questions = 0;       // 0 = no eval
  EvalPoints points = EvalPoints::kHighest;
  std::vector<int> concurrencies;  // kList, ascending
  // Concurrencies below this are never evaluated (InferenceX skips those
  // below its MIN_EVAL_CONC, 16).
  int min_concurrency = 1;
  // GSM8K directory (test.jsonl, train.jsonl) or test .jsonl; the emulator
  // target answers its questions (answer-key mode).
  std::string data;
  // Emulator answer accuracy spec ("0.9" or "1:0.95,64:0.80").
  std::string answer_accuracy = "1";
  double min_score = 0.90;  // InferenceX default for gsm8k
  // Per-model overrides, keyed by the config's `model`.
  std::map<std::string, double> min_score_by_model;
};

// One measurement: indices into Matrix::configs / workloads.
struct Point {
  int config_index = 0;
  int workload_index = 0;
  int concurrency = 1;
  int repetition = 0;
  int num_prompts = 10;
};

struct Matrix {
  std::string name;
  uint64_t seed = 0;
  std::vector<ServingConfig> configs;
  std::vector<Workload> workloads;
  // Default concurrency levels; a config block may override them.
  std::vector<int> concurrencies;
  // Per-config override (same index as configs); empty vector = default.
  std::vector<std::vector<int>> config_concurrencies;
  int repetitions = 1;
  PromptCount prompts;
  int warmup_requests = 0;
  double point_timeout_s = 0;  // 0 = none; passed to the load generator
  std::string endpoint = "/v1/completions";
  TargetSpec target;
  EvalSpec eval;
  // Hardware additions and overrides (`infx sweep --hardware-file`); "" =
  // the built-in catalog only. Hardware names outside it are errors.
  std::string hardware_file;
  // Calibration file the planner's predictions use (`calibration:` or
  // `infx sweep --calibration`, docs/calibration.md); "" = defaults.
  std::string calibration_file;
  // Fields read but not honoured, one line each ("spec-decoding: mtp in
  // dsr1-fp8-h200-sglang-mtp (not emulated)"). Never dropped silently.
  std::vector<std::string> unhonoured;
  // The `executor:` block (local, slurm or kubernetes, and the site
  // settings), parsed by executor/executor_settings.h; null when absent.
  YAML::Node executor;
  // Points supplied directly (InferenceX import); when non-empty,
  // ExpandPoints returns them instead of the cartesian product.
  std::vector<Point> explicit_points;

  // The min score of a config's evals: its `eval_min_score`, else
  // eval.min_score_by_model[model], else eval.min_score.
  double EvalMinScore(const ServingConfig& config) const;
};

// Parses a matrix document (schema: docs/matrix.md). `source` names the
// input in errors. Unknown keys are errors naming them.
Result<Matrix> ParseMatrix(const YAML::Node& root, const std::string& source);
Result<Matrix> LoadMatrixFile(const std::string& path);

// Concurrency levels start, 2 x start, ... up to end, including end even
// when the doubling overshoots it (InferenceX's _concurrency_range).
std::vector<int> DoublingRange(int start, int end);

// The points of a matrix in run order: config-major, then workload,
// concurrency (ascending), repetition.
std::vector<Point> ExpandPoints(const Matrix& matrix);

}  // namespace infx::sweep
