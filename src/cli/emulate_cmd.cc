// `infx emulate`: serve an OpenAI-compatible API whose timing and capacity
// come from the performance model (docs/emulator.md). Prints the listening
// line once ready, then the effective configuration; stops gracefully on
// SIGINT/SIGTERM.
#include <fmt/format.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/flag_checks.h"
#include "common/limits.h"
#include "common/table.h"
#include "emulator/emulator_server.h"

namespace infx::cli {
namespace {

struct EmulateFlags {
  emulator::EmulatorOptions options;
  bool json = false;
};

void PrintConfig(const emulator::EmulatorOptions& o,
                 const emulator::EmulatorInfo& info, bool as_json) {
  if (as_json) {
    nlohmann::json j = {
        {"served_model_name", info.served_model_name},
        {"deployment", info.deployment_label},
        {"kv_capacity_tokens", info.kv_capacity_tokens},
        {"kv_blocks", info.kv_blocks},
        {"block_size_tokens", info.block_size_tokens},
        {"enable_prefix_caching", o.enable_prefix_caching},
        {"kv_offloading_size_gib", o.kv_offloading_size_gib},
        {"kv_offloading_bandwidth_gb_s", o.kv_offloading_bandwidth_gb_s},
        {"offload_blocks", info.offload_blocks},
        {"max_model_len", info.max_model_len},
        {"max_concurrency_isl1024_osl1024", info.max_concurrency_1k_1k},
        {"max_num_seqs", o.max_num_seqs},
        {"max_batched_tokens", o.max_batched_tokens},
        {"time_scale", o.time_scale},
        {"noise", o.noise},
        {"seed", o.seed}};
    std::cout << j.dump(2) << std::endl;
    return;
  }
  Table t({"setting", "value"});
  t.AddRow({"served model name", info.served_model_name});
  t.AddRow({"deployment", info.deployment_label});
  t.AddRow({"KV capacity (tokens)", std::to_string(info.kv_capacity_tokens)});
  t.AddRow({"KV blocks (" + std::to_string(info.block_size_tokens) + " tokens)",
            std::to_string(info.kv_blocks)});
  t.AddRow({"prefix caching", o.enable_prefix_caching ? "on" : "off"});
  if (info.offload_blocks > 0) {
    t.AddRow({"CPU offload tier (blocks)",
              fmt::format("{} ({:g} GiB, {:g} GB/s)", info.offload_blocks,
                          o.kv_offloading_size_gib,
                          o.kv_offloading_bandwidth_gb_s)});
  }
  t.AddRow({"max model len", std::to_string(info.max_model_len)});
  t.AddRow({"max concurrency (isl=osl=1024)",
            std::to_string(info.max_concurrency_1k_1k)});
  t.AddRow({"max num seqs", std::to_string(o.max_num_seqs)});
  t.AddRow({"max batched tokens", std::to_string(o.max_batched_tokens)});
  t.AddRow({"time scale", FormatFixed(o.time_scale, 3)});
  t.AddRow({"noise", FormatFixed(o.noise, 3)});
  t.AddRow({"seed", std::to_string(o.seed)});
  if (!o.answers_path.empty())
    t.AddRow({"answers", o.answers_path + " @ " + o.answer_accuracy});
  if (!o.faults.empty()) t.AddRow({"faults", o.faults});
  if (!o.trace_path.empty()) t.AddRow({"trace", o.trace_path});
  t.Print(std::cout);
  std::cout.flush();
}

void Run(const EmulateFlags& flags) {
  // Block the signals before any thread starts so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = emulator::EmulatorServer::Start(flags.options);
  if (!server.ok()) {
    ExitWithError(server.status());
    return;
  }
  std::cout << "infx emulate: listening on http://" << flags.options.host << ":"
            << (*server)->port() << std::endl;
  PrintConfig(flags.options, (*server)->info(), flags.json);
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "infx emulate: signal " << received << ", shutting down"
            << std::endl;
  (*server)->Stop();
  SetExitCode(0);
}

void SetupEmulate(CLI::App& app) {
  auto flags = std::make_shared<EmulateFlags>();
  emulator::EmulatorOptions& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "emulate",
      "serve an OpenAI-compatible API timed by the performance model");
  cmd->add_option("--model", o.model, "catalog name or HF config.json")
      ->capture_default_str();
  cmd->add_option("--served-model-name", o.served_model_name,
                  "name in /v1/models");
  cmd->add_option("--hardware", o.hardware, "GPU name (infx hardware list)")
      ->capture_default_str();
  cmd->add_option("--engine", o.engine,
                  "whose calibration times the steps: vllm|sglang|trtllm")
      ->capture_default_str();
  cmd->add_option("--calibration", o.calibration_file,
                  "calibration file timing the steps (docs/calibration.md)");
  cmd->add_option("--hardware-file", o.hardware_file,
                  "hardware additions and overrides (docs/hardware.md)");
  cmd->add_option("--tp", o.tp, "tensor parallel size")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxGpus));
  cmd->add_option("--pp", o.pp, "pipeline parallel size")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxGpus));
  cmd->add_option("--ep", o.ep, "expert parallel size")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxGpus));
  cmd->add_flag("--dp-attention", o.dp_attention, "data-parallel attention");
  cmd->add_option("--precision", o.precision, "weights: bf16|fp8|fp4")
      ->capture_default_str();
  cmd->add_option("--kv-precision", o.kv_precision,
                  "KV cache precision (default: --precision)");
  cmd->add_option("--host", o.host, "listen address")->capture_default_str();
  cmd->add_option("--port", o.port, "listen port, 0 = any free port")
      ->capture_default_str()
      ->check(IntIn(0, 65535));
  cmd->add_option("--max-num-seqs", o.max_num_seqs, "running sequences")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxConcurrency));
  cmd->add_option("--max-batched-tokens", o.max_batched_tokens,
                  "tokens per step")
      ->capture_default_str()
      ->check(IntIn(1, limits::kMaxSequenceTokens));
  cmd->add_option(
         "--kv-cache-fraction", o.kv_cache_fraction,
         "GPU memory fraction for the engine (vLLM --gpu-memory-utilization)")
      ->check(FiniteIn(0, 1));
  cmd->add_option("--block-size", o.block_size,
                  "KV-cache block size, tokens (prefix-cache hash block)")
      ->capture_default_str()
      ->check(IntIn(1, 4096));
  cmd->add_flag("--enable-prefix-caching,!--no-enable-prefix-caching",
                o.enable_prefix_caching,
                "vLLM automatic prefix caching (default on)");
  cmd->add_option("--kv-offloading-size", o.kv_offloading_size_gib,
                  "CPU offload tier for cached prefix blocks, GiB over all "
                  "GPUs (vLLM --kv-offloading-size; 0 = none)")
      ->capture_default_str()
      ->check(FiniteIn(0, 1 << 20));
  cmd->add_option("--kv-offloading-bandwidth", o.kv_offloading_bandwidth_gb_s,
                  "host-to-GPU bandwidth per GPU for offloaded blocks, GB/s")
      ->capture_default_str()
      ->check(FiniteIn(0.001, 1e6));
  cmd->add_option("--kv-capacity-tokens", o.kv_capacity_tokens,
                  "override KV capacity")
      ->check(IntIn(0, int64_t{1} << 40));
  cmd->add_option("--seed", o.seed, "seed for outputs, noise and faults")
      ->capture_default_str();
  cmd->add_option("--noise", o.noise, "relative std-dev of step-time noise")
      ->capture_default_str()
      ->check(FiniteIn(0, 1));
  cmd->add_option("--time-scale", o.time_scale,
                  "model time multiplier (0 = no model time)")
      ->capture_default_str()
      ->check(FiniteIn(0, 1e6));
  cmd->add_option("--engine-version", o.engine_version,
                  "what GET /version reports (default infx-emulator); "
                  "simulates an engine upgrade");
  cmd->add_option("--trace", o.trace_path,
                  "write the per-request JSONL trace here");
  cmd->add_option("--answers", o.answers_path, "GSM8K-format JSONL answer key");
  cmd->add_option("--answer-accuracy", o.answer_accuracy,
                  "p or batch:p,batch:p")
      ->capture_default_str();
  cmd->add_option("--faults", o.faults,
                  "e.g. http500:0.01,drop:0.01,stall:0.01");
  cmd->add_option(
      "--tokenizer", o.tokenizer_path,
      "tokenizer.json / vocab.json (+ merges.txt) or a directory: output "
      "text from its vocab; text prompts counted exactly with it");
  cmd->add_option("--io-threads", o.io_threads, "connection threads")
      ->capture_default_str()
      ->check(IntIn(1, 1024));
  cmd->add_flag("--json", flags->json, "print the configuration as JSON");
  cmd->footer(
      ExampleFooter("infx emulate --model llama-3.1-8b --hardware h200 --tp 1 "
                    "--precision fp8 --port 8000\n"
                    "  curl -N localhost:8000/v1/completions -H 'Content-Type: "
                    "application/json' \\\n"
                    "    -d "
                    "'{\"model\":\"llama-3.1-8b\",\"prompt\":\"Hi\",\"max_"
                    "tokens\":8,\"stream\":true}'"));
  cmd->callback([flags] { Run(*flags); });
}

}  // namespace
}  // namespace infx::cli

INFX_REGISTER_COMMAND(45, infx::cli::SetupEmulate);
