// `infx bench`: measure one operating point of an OpenAI-compatible server
// (one workload at one concurrency or request rate), vLLM `bench serve`
// style. Flags accept vLLM's spellings as aliases. Results: a human summary
// (or --json), --result-file (vLLM --save-result superset) and
// --records-file (per-request JSONL); docs/bench-result.md, docs/metrics.md.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "bench/point_telemetry.h"
#include "bench/runner.h"
#include "cli/command.h"
#include "cli/flag_checks.h"
#include "cli/telemetry_flags.h"
#include "common/files.h"
#include "common/limits.h"

namespace infx::cli {
namespace {

std::atomic<bool> g_bench_cancel{false};
std::atomic<int> g_bench_signal{0};
// SIGINT (Ctrl-C) and SIGTERM (kill, a job scheduler's stop) both end the
// run early and keep what was measured; a second one ends the process.
void OnBenchSignal(int signal) {
  g_bench_signal.store(signal);
  g_bench_cancel.store(true);
  std::signal(signal, SIG_DFL);
}

struct BenchFlags {
  bench::BenchConfig config;
  std::string endpoint = "completions";
  std::string request_rate = "inf";
  std::string metric_percentiles = "90,95,99";
  std::string percentile_metrics = "ttft,tpot,itl";
  std::vector<std::string> goodput;
  std::string output_len;  // empty = dataset default
  std::optional<double> temperature, top_p;
  std::optional<int64_t> top_k;
  bool insecure = false;
  bool save_result = false;
  std::string result_dir = ".";
  std::string result_filename;
  std::string result_file;
  std::string records_file;
  bool no_progress = false;
  bool json = false;
  TelemetryFlags telemetry;
};

Result<double> ParseRate(const std::string& text) {
  if (text == "inf" || text == "INF" || text == "Inf") {
    return std::numeric_limits<double>::infinity();
  }
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v > 0)) {
    return Status::InvalidArgument("--request-rate '" + text +
                                   "': expected a positive number or inf");
  }
  return v;
}

Result<std::vector<double>> ParsePercentiles(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(v >= 0 && v <= 100)) {
      return Status::InvalidArgument(
          "--metric-percentiles '" + text +
          "': expected numbers in [0, 100] like 90,99");
    }
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Fills the parts of the config that need parsing or cross-flag defaults.
Status Finalize(BenchFlags& f) {
  bench::BenchConfig& c = f.config;
  INFX_ASSIGN_OR_RETURN(c.client.endpoint, bench::ParseEndpoint(f.endpoint));
  if (!f.endpoint.empty() && f.endpoint.front() == '/') {
    c.client.endpoint_path = f.endpoint;
  }
  INFX_ASSIGN_OR_RETURN(c.request_rate, ParseRate(f.request_rate));
  INFX_ASSIGN_OR_RETURN(c.metrics.percentiles,
                        ParsePercentiles(f.metric_percentiles));
  INFX_ASSIGN_OR_RETURN(c.metrics.goodput, metrics::ParseGoodput(f.goodput));
  c.percentile_metrics = SplitComma(f.percentile_metrics);
  INFX_RETURN_IF_ERROR(
      telemetry::CheckTelemetryOptions(f.telemetry.Resolved()));
  for (const std::string& m : c.percentile_metrics) {
    if (m != "ttft" && m != "tpot" && m != "itl" && m != "e2el") {
      return Status::InvalidArgument("--percentile-metrics: unknown metric '" +
                                     m + "' (ttft, tpot, itl, e2el)");
    }
  }
  if (!f.output_len.empty()) {
    INFX_ASSIGN_OR_RETURN(
        c.dataset.output_len,
        ParseIntIn(f.output_len, 1, limits::kMaxSequenceTokens,
                   "--output-len"));
  } else if (c.dataset.name != "random") {
    c.dataset.output_len = 0;  // files: per-prompt lengths
  }
  if (c.dataset.name == "random" &&
      c.num_prompts * (c.dataset.input_len + c.dataset.prefix_len) >
          limits::kMaxPromptTokensTotal) {
    return Status::InvalidArgument(fmt::format(
        "--num-prompts {} x --input-len {} (+ --prefix-len {}) is more than "
        "{} prompt tokens in memory; lower one of them (docs/limits.md)",
        c.num_prompts, c.dataset.input_len, c.dataset.prefix_len,
        limits::kMaxPromptTokensTotal));
  }
  if (c.dataset.name != "random" && c.dataset.path.empty()) {
    return Status::InvalidArgument("--dataset " + c.dataset.name +
                                   " needs --dataset-path FILE");
  }
  c.sampling.temperature = f.temperature;
  c.sampling.top_p = f.top_p;
  c.sampling.top_k = f.top_k;
  c.client.verify_tls = !f.insecure;
  c.progress = !f.no_progress && !f.json;
  c.cancel = &g_bench_cancel;
  return Status::Ok();
}

// vLLM's default --save-result name: {backend}-{rate}qps-{model}-{date}.json
std::string ResultPath(const BenchFlags& f, const bench::BenchResult& r) {
  if (!f.result_file.empty()) return f.result_file;
  if (!f.save_result) return "";
  std::string name = f.result_filename;
  if (name.empty()) {
    std::string model =
        std::filesystem::path(f.config.client.model).filename().string();
    std::string backend = f.config.client.endpoint == bench::Endpoint::kChat
                              ? "openai-chat"
                              : "openai";
    name = backend + "-" + f.request_rate + "qps-" + model + "-" + r.date +
           ".json";
  }
  return (std::filesystem::path(f.result_dir) / name).string();
}

// Makes sure `file` can be written before the run: its directory exists
// (created, as vLLM creates --result-dir) and takes a file, and `file` is
// not a directory. `flag` names the option in errors.
Status PrepareOutputFile(const std::string& flag, const std::string& file) {
  namespace fs = std::filesystem;
  const fs::path path(file);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::InvalidArgument(flag + " " + file +
                                   ": is a directory, expected a file path");
  }
  const fs::path dir =
      path.has_parent_path() ? path.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    return Status::IoError(
        flag + " " + file + ": cannot create directory " + dir.string() +
        (ec ? ": " + ec.message() : " (a file is in the way)"));
  }
  // A probe file proves the directory takes files (permissions, read-only
  // file system) without touching `file` itself.
  const fs::path probe =
      dir / (".infx-probe-" + std::to_string(::getpid()) + ".tmp");
  bool writable = static_cast<bool>(std::ofstream(probe));
  fs::remove(probe, ec);
  if (!writable) {
    return Status::IoError(flag + " " + file + ": cannot write in " +
                           dir.string());
  }
  return Status::Ok();
}

// Every output path checked (and its directory created) before the run.
Status PrepareOutputs(const BenchFlags& f) {
  if (!f.result_file.empty()) {
    INFX_RETURN_IF_ERROR(PrepareOutputFile("--result-file", f.result_file));
  } else if (f.save_result) {
    const std::string name =
        f.result_filename.empty() ? "result.json" : f.result_filename;
    INFX_RETURN_IF_ERROR(PrepareOutputFile(
        "--result-dir", (std::filesystem::path(f.result_dir) / name).string()));
  }
  if (!f.records_file.empty()) {
    INFX_RETURN_IF_ERROR(PrepareOutputFile("--records-file", f.records_file));
  }
  return Status::Ok();
}

// Writes `text` to `path`; when that fails after the run (disk full, the
// directory removed meanwhile) the measurements go to a file in the temp
// directory instead, named in the error, so they are never lost.
Status WriteOrRescue(const std::string& path, const std::string& text,
                     const std::string& what) {
  Status written = WriteOutputFile(path, text);
  if (written.ok()) return written;
  const auto rescue = std::filesystem::temp_directory_path() /
                      ("infx-" + what + "-" + std::to_string(::getpid()) +
                       (what == "records" ? ".jsonl" : ".json"));
  if (WriteFileAtomic(rescue, text).ok()) {
    return Status::IoError(written.message() + "; the " + what +
                           " was saved to " + rescue.string() + " instead");
  }
  return written;
}

Status WriteOutputs(const BenchFlags& f, const bench::MeasuredPoint& point) {
  const bench::BenchResult& r = point.result;
  std::string path = ResultPath(f, r);
  Status status = Status::Ok();
  if (!path.empty()) {
    status = WriteOrRescue(
        path, bench::MeasuredPointToJson(point).dump(2) + "\n", "result");
  }
  if (!f.records_file.empty()) {
    Status records = WriteOrRescue(f.records_file,
                                   bench::RecordsToJsonl(r.records), "records");
    if (status.ok()) status = records;
  }
  return status;
}

void RunBench(BenchFlags& f) {
  Status ok = Finalize(f);
  if (ok.ok()) ok = PrepareOutputs(f);
  if (!ok.ok()) return ExitWithError(ok);
  std::signal(SIGINT, OnBenchSignal);
  std::signal(SIGTERM, OnBenchSignal);
  Result<bench::MeasuredPoint> point =
      bench::RunBenchmarkWithTelemetry(f.config, f.telemetry.Resolved());
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!point.ok()) return ExitWithError(point.status());
  const bench::BenchResult* result = &point->result;
  Status written = WriteOutputs(f, *point);
  if (f.json) {
    nlohmann::json j = bench::MeasuredPointToJson(*point);
    for (const char* big :
         {"input_lens", "output_lens", "ttfts", "itls", "generated_texts",
          "errors", "server_metrics_raw"}) {
      j.erase(big);  // per-request arrays live in --result-file
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << bench::FormatSummary(*result);
    if (point->telemetry) {
      std::cout << FormatTelemetrySummary(*point->telemetry);
    }
    std::string path = ResultPath(f, *result);
    if (!path.empty()) std::cout << "result: " << path << "\n";
    if (!f.records_file.empty())
      std::cout << "records: " << f.records_file << "\n";
  }
  if (!written.ok()) return ExitWithError(written);
  if (result->cancelled) {
    const int signal = g_bench_signal.load();
    std::cerr << "infx: interrupted by "
              << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << "; partial results kept\n";
    return SetExitCode(128 + (signal == SIGTERM ? SIGTERM : SIGINT));
  }
  if (result->metrics.completed == 0) {
    return ExitWithError(Status::Unavailable(
        "no request completed (" + std::to_string(result->metrics.failed) +
        " failed; see the failure counts above)"));
  }
  SetExitCode(0);
}

void AddFlags(CLI::App* cmd, BenchFlags& f) {
  bench::BenchConfig& c = f.config;
  cmd->add_option("--base-url", c.client.base_url,
                  "Server URL (\"/v1\" appended)")
      ->capture_default_str();
  cmd->add_option("--model", c.client.model, "Model name sent in requests")
      ->required();
  cmd->add_option("--endpoint", f.endpoint,
                  "completions | chat | a path such as /v1/completions")
      ->capture_default_str();
  cmd->add_option(
         "--dataset,--dataset-name", c.dataset.name,
         "random | jsonl | sharegpt | mooncake | multiturn | agentic | "
         "weka (docs/workloads.md)")
      ->capture_default_str();
  cmd->add_option("--dataset-path", c.dataset.path,
                  "Prompt or trace file for jsonl / sharegpt / mooncake");
  cmd->add_option("--hash-block-size", c.dataset.hash_block_size,
                  "mooncake: tokens per hash id")
      ->capture_default_str()
      ->check(IntIn(1, 1 << 20));
  cmd->add_option("--trace-speedup", c.dataset.trace_speedup,
                  "mooncake: arrivals at timestamp / speedup")
      ->capture_default_str()
      ->check(FiniteIn(1e-6, 1e9));
  cmd->add_option("--think-time", c.dataset.think_time_s,
                  "multiturn: seconds between a reply and the next turn")
      ->capture_default_str()
      ->check(FiniteIn(0, 1e6));
  cmd->add_option("--think-time-scale", c.dataset.think_time_scale,
                  "multiturn/agentic/weka: delays between a session's "
                  "requests x this (0 = none)")
      ->capture_default_str()
      ->check(FiniteIn(0, 1e6));
  cmd->add_option("--max-think-time", c.dataset.max_think_time_s,
                  "multiturn/agentic/weka: cap on one delay, seconds")
      ->capture_default_str()
      ->check(FiniteIn(0, 1e9));
  cmd->add_flag("!--ignore-trace-timestamps", c.dataset.trace_timestamps,
                "mooncake: send rows under --max-concurrency only, ignoring "
                "their timestamps");
  cmd->add_option("--input-len,--random-input-len", c.dataset.input_len,
                  "random: max input tokens")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  cmd->add_option("--output-len,--random-output-len", f.output_len,
                  "Max output tokens (random: default 1024; files: forces it)");
  cmd->add_option("--range-ratio,--random-range-ratio", c.dataset.range_ratio,
                  "random: lengths uniform in [ratio x L, L] (InferenceX)")
      ->capture_default_str()
      ->check(FiniteIn(0, 1));
  cmd->add_option("--prefix-len,--random-prefix-len", c.dataset.prefix_len,
                  "random: shared prefix tokens")
      ->capture_default_str()
      ->check(IntIn(0, limits::kMaxSequenceTokens));
  cmd->add_option("--tokenizer", c.tokenizer_path,
                  "Hugging Face tokenizer.json (or a directory with it, or "
                  "with vocab.json + merges.txt): random prompts become "
                  "token-exact text (vLLM's method) and prompt counts are "
                  "checked against the server's usage (docs/workloads.md)");
  cmd->add_option("--num-prompts", c.num_prompts, "Requests to measure")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxNumPrompts));
  cmd->add_option("--duration", c.duration_s,
                  "Stop after S seconds: send nothing more and end requests "
                  "in flight, recorded as cancelled (0 = off)")
      ->capture_default_str()
      ->check(FiniteNonNegative());
  cmd->add_option("--max-concurrency", c.max_concurrency,
                  "Requests in flight (0 = unlimited)")
      ->capture_default_str()
      ->check(IntIn(0, limits::kMaxConcurrency));
  cmd->add_option("--client-threads", c.client_threads,
                  "Client event loops (threads) sharing the streams; more "
                  "than 1 when one core cannot keep up (read lag)")
      ->capture_default_str()
      ->check(IntIn(1, 1024));
  cmd->add_option("--request-rate", f.request_rate,
                  "Requests/s (open loop) or inf")
      ->capture_default_str();
  cmd->add_option("--burstiness", c.burstiness, "Gamma shape; 1 = Poisson")
      ->capture_default_str()
      ->check(FinitePositive());
  cmd->add_option("--warmup", c.warmup, "Warm-up requests, not measured")
      ->capture_default_str()
      ->check(IntIn(0, limits::kMaxNumPrompts));
  cmd->add_option("--seed", c.seed, "Seed for the prompts")
      ->capture_default_str();
  cmd->add_option("--schedule-seed", c.schedule_seed,
                  "Seed for the open-loop schedule (default: derived from "
                  "--seed, a separate stream)");
  cmd->add_flag("--ignore-eos", c.sampling.ignore_eos,
                "Ask the server to ignore EOS");
  cmd->add_option("--temperature", f.temperature, "Sampling temperature")
      ->check(FiniteNonNegative());
  cmd->add_option("--top-p", f.top_p, "Sampling top_p")->check(FiniteIn(0, 1));
  cmd->add_option("--top-k", f.top_k, "Sampling top_k");
  cmd->add_option("--goodput", f.goodput, "SLOs in ms, e.g. ttft:500 tpot:50");
  cmd->add_option("--num-gpus", c.metrics.num_gpus,
                  "GPUs serving, for per-GPU figures")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxGpus));
  cmd->add_option("--metric-percentiles", f.metric_percentiles, "e.g. 90,95,99")
      ->capture_default_str();
  cmd->add_option("--percentile-metrics", f.percentile_metrics,
                  "Metrics shown with percentiles: ttft,tpot,itl,e2el")
      ->capture_default_str();
  cmd->add_option("--api-key-env", c.client.api_key_env,
                  "Env var holding the API key (sent as Bearer)")
      ->capture_default_str();
  cmd->add_option("--request-timeout", c.client.request_timeout_s,
                  "Per-request timeout, seconds (stalled streams fail)")
      ->capture_default_str()
      ->check(FinitePositive());
  cmd->add_option("--idle-timeout", c.client.idle_timeout_s,
                  "Seconds without bytes mid-stream before the request fails "
                  "as stalled (0 = none)")
      ->capture_default_str()
      ->check(FiniteNonNegative());
  cmd->add_option("--max-event-bytes", c.client.max_event_bytes,
                  "Cap on one SSE event/line; a longer one fails the request")
      ->capture_default_str();
  cmd->add_flag("--insecure", f.insecure,
                "https: do not verify the certificate");
  cmd->add_option("--result-file", f.result_file, "Write the result JSON here");
  cmd->add_flag("--save-result", f.save_result, "vLLM: save to --result-dir");
  cmd->add_option("--result-dir", f.result_dir,
                  "vLLM: directory for --save-result");
  cmd->add_option("--result-filename", f.result_filename,
                  "vLLM: file name for --save-result");
  cmd->add_option("--records-file", f.records_file,
                  "Per-request records (JSONL)");
  metrics::ValidityOptions& v = c.validity;
  cmd->add_option("--valid-min-completed", v.min_completed,
                  "INVALID below this many completed requests")
      ->capture_default_str();
  cmd->add_option("--valid-min-duration", v.min_duration_s,
                  "INVALID when the measured span is shorter (s)")
      ->capture_default_str();
  cmd->add_option("--valid-max-error-rate", v.max_error_rate,
                  "INVALID above this failed fraction")
      ->capture_default_str();
  cmd->add_option("--valid-max-read-lag-ratio", v.max_read_lag_itl_ratio,
                  "INVALID when p99 read lag exceeds this x median ITL")
      ->capture_default_str();
  cmd->add_option("--valid-read-lag-floor-ms", v.read_lag_floor_ms,
                  "p99 read lags up to this never make a run INVALID")
      ->capture_default_str();
  cmd->add_option("--valid-max-truncated", v.max_truncated_prompts,
                  "INVALID when the server cut more prompts than this")
      ->capture_default_str();
  cmd->add_option("--valid-max-schedule-lag-ms", v.max_schedule_lag_ms,
                  "Open loop: INVALID when p99 send lag exceeds this (ms)")
      ->capture_default_str();
  cmd->add_flag("--no-progress", f.no_progress, "No progress bar");
  cmd->add_flag("--json", f.json,
                "Print the result JSON (without per-request arrays)");
  AddTelemetryFlags(cmd, f.telemetry);
}

void SetupBench(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Load-test an OpenAI-compatible server at one operating point");
  AddFlags(cmd, *flags);
  cmd->footer(ExampleFooter(
      "infx bench --base-url http://127.0.0.1:8000 --model llama-3.1-8b "
      "--dataset random --input-len 1024 --output-len 1024 --range-ratio 0.8 "
      "--max-concurrency 64 --num-prompts 640 --result-file r.json"));
  cmd->callback([flags] { RunBench(*flags); });
}

INFX_REGISTER_COMMAND(30, SetupBench);

}  // namespace
}  // namespace infx::cli
