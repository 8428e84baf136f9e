#include "emulator/emulator_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/precision.h"
#include "emulator/offload_tier.h"
#include "emulator/power_model.h"
#include "emulator/service.h"
#include "hardware/catalog.h"
#include "model/model_loader.h"
#include "perf/calibration_file.h"
#include "perf/cost_model.h"
#include "perf/deployment.h"
#include "perf/memory.h"

namespace infx::emulator {
namespace {

std::vector<double> TtftBuckets() {
  return {0.001, 0.005, 0.01, 0.02,  0.04,  0.06,  0.08, 0.1,
          0.25,  0.5,   0.75, 1.0,   2.5,   5.0,   7.5,  10.0,
          20.0,  40.0,  80.0, 160.0, 640.0, 2560.0};
}
std::vector<double> ItlBuckets() {
  return {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,  0.3,  0.4, 0.5,
          0.75, 1.0,   2.5,  5.0,   7.5, 10.0, 20.0, 40.0, 80.0};
}
std::vector<double> E2eBuckets() {
  return {0.3,  0.5,   0.8,   1.0,   1.5,   2.0,    2.5,
          5.0,  10.0,  15.0,  20.0,  30.0,  40.0,   50.0,
          60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
}

struct Planned {
  perf::Deployment deployment;
  perf::MemoryPlan memory;
};

// The shards must split the model evenly, as engines require.
Status CheckParallelism(const model::ModelSpec& m, const EmulatorOptions& o) {
  const int64_t heads = m.attention.num_heads;
  const int64_t kv = std::max<int64_t>(1, m.attention.num_kv_heads);
  if (heads % o.tp != 0) {
    return Status::InvalidArgument(
        fmt::format("--tp {}: {} has {} attention heads, not divisible by {}",
                    o.tp, m.name, heads, o.tp));
  }
  if (kv % o.tp != 0 && o.tp % kv != 0) {
    return Status::InvalidArgument(fmt::format(
        "--tp {}: {} has {} KV heads; TP and KV heads must divide one another",
        o.tp, m.name, kv));
  }
  if (m.num_layers % o.pp != 0) {
    return Status::InvalidArgument(
        fmt::format("--pp {}: {} has {} layers, not divisible by {}", o.pp,
                    m.name, m.num_layers, o.pp));
  }
  if (o.ep > 1 && (!m.moe || m.moe->num_experts % o.ep != 0)) {
    return Status::InvalidArgument(
        m.moe ? fmt::format("--ep {}: {} has {} experts, not divisible by {}",
                            o.ep, m.name, m.moe->num_experts, o.ep)
              : fmt::format("--ep {}: {} has no experts", o.ep, m.name));
  }
  return Status::Ok();
}

Result<Planned> PlanDeployment(const EmulatorOptions& o) {
  auto model = model::LoadModel(o.model);
  if (!model.ok()) return model.status().WithContext("--model");
  hardware::HardwareCatalog catalog = hardware::HardwareCatalog::Builtin();
  if (!o.hardware_file.empty()) {
    INFX_RETURN_IF_ERROR(
        catalog.MergeYamlFile(o.hardware_file).WithContext("--hardware-file"));
  }
  auto hw = catalog.Find(o.hardware);
  if (!hw.ok()) return hw.status().WithContext("--hardware");
  auto engine = perf::ParseEngine(o.engine.empty() ? "vllm" : o.engine);
  if (!engine.ok()) return engine.status().WithContext("--engine");
  auto weights = ParsePrecision(o.precision);
  if (!weights.ok()) return weights.status().WithContext("--precision");
  auto kv =
      ParsePrecision(o.kv_precision.empty() ? o.precision : o.kv_precision);
  if (!kv.ok()) return kv.status().WithContext("--kv-precision");
  if (o.tp < 1 || o.pp < 1 || o.ep < 1) {
    return Status::InvalidArgument("--tp, --pp and --ep must be >= 1");
  }
  INFX_RETURN_IF_ERROR(CheckParallelism(*model, o));
  Planned p;
  p.deployment.model = std::move(model).value();
  p.deployment.hardware = std::move(hw).value();
  p.deployment.weight_precision = *weights;
  p.deployment.kv_precision = *kv;
  p.deployment.parallelism = {o.tp, o.pp, o.ep, o.dp_attention};
  p.deployment.engine = *engine;
  auto calibration = perf::CalibrationFor(
      o.calibration_file, p.deployment.hardware, *engine, o.engine_version);
  if (!calibration.ok())
    return calibration.status().WithContext("--calibration");
  p.deployment.calibration = *calibration;
  if (o.kv_cache_fraction > 0) {
    if (!(o.kv_cache_fraction <= 1)) {
      return Status::InvalidArgument("--kv-cache-fraction must be in (0, 1]");
    }
    p.deployment.calibration.memory_utilization = o.kv_cache_fraction;
  }
  p.memory = perf::PlanMemory(p.deployment);
  if (!p.memory.fits && o.kv_capacity_tokens <= 0) {
    return Status::FailedPrecondition("model does not fit: " + p.memory.reason);
  }
  return p;
}

Status ValidateLimits(const EmulatorOptions& o) {
  if (o.max_num_seqs < 1)
    return Status::InvalidArgument("--max-num-seqs must be >= 1");
  if (o.max_batched_tokens < 1) {
    return Status::InvalidArgument("--max-batched-tokens must be >= 1");
  }
  if (!(o.time_scale >= 0 && std::isfinite(o.time_scale)))
    return Status::InvalidArgument("--time-scale must be a finite number >= 0");
  if (o.block_size < 1 || o.block_size > 4096)
    return Status::InvalidArgument("--block-size must be in [1, 4096]");
  if (!(o.noise >= 0 && o.noise <= 1))
    return Status::InvalidArgument("--noise must be in [0, 1]");
  if (!(o.kv_offloading_size_gib >= 0 &&
        std::isfinite(o.kv_offloading_size_gib)) ||
      !(o.kv_offloading_bandwidth_gb_s > 0 &&
        std::isfinite(o.kv_offloading_bandwidth_gb_s))) {
    return Status::InvalidArgument(
        "--kv-offloading-size must be >= 0 and --kv-offloading-bandwidth > 0");
  }
  if (o.kv_offloading_size_gib > 0 && !o.enable_prefix_caching) {
    return Status::InvalidArgument(
        "--kv-offloading-size needs prefix caching (the tier keeps "
        "prefix-cached blocks)");
  }
  return Status::Ok();
}

Status LoadModes(const EmulatorOptions& o, EmulatorServer::Impl& impl) {
  if (!o.tokenizer_path.empty()) {
    // Exact counting when the file is a tokenizer infx reads (tokenizer/);
    // else the greedy vocabulary match, as before.
    auto exact = tokenizer::Tokenizer::Load(o.tokenizer_path);
    std::string vocab_path = o.tokenizer_path;
    if (std::filesystem::is_directory(vocab_path)) {
      vocab_path += std::filesystem::exists(vocab_path + "/tokenizer.json")
                        ? "/tokenizer.json"
                        : "/vocab.json";
    }
    auto vocab = Vocabulary::LoadFile(vocab_path);
    if (!vocab.ok()) {
      return (exact.ok() ? vocab.status() : exact.status())
          .WithContext("--tokenizer");
    }
    impl.vocab = std::move(vocab).value();
    if (exact.ok()) {
      impl.vocab.SetExactTokenizer(std::make_shared<const tokenizer::Tokenizer>(
          std::move(exact).value()));
    }
  }
  if (!o.answers_path.empty()) {
    auto key = AnswerKey::Load(o.answers_path);
    if (!key.ok()) return key.status().WithContext("--answers");
    impl.answers = std::move(key).value();
  }
  auto accuracy =
      AccuracySpec::Parse(o.answer_accuracy.empty() ? "1" : o.answer_accuracy);
  if (!accuracy.ok()) return accuracy.status();
  impl.accuracy = std::move(accuracy).value();
  auto faults = FaultPlan::Parse(o.faults);
  if (!faults.ok()) return faults.status();
  impl.faults = std::move(faults).value();
  if (!o.trace_path.empty()) {
    auto trace = TraceWriter::Open(o.trace_path);
    if (!trace.ok()) return trace.status().WithContext("--trace");
    impl.trace = std::move(trace).value();
  }
  return Status::Ok();
}

}  // namespace

ServiceMetrics::ServiceMetrics()
    : ttft_s(TtftBuckets()), itl_s(ItlBuckets()), e2e_s(E2eBuckets()) {}

EmulatorServer::EmulatorServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

EmulatorServer::~EmulatorServer() { Stop(); }

Result<std::unique_ptr<EmulatorServer>> EmulatorServer::Start(
    EmulatorOptions options) {
  INFX_RETURN_IF_ERROR(ValidateLimits(options));
  INFX_ASSIGN_OR_RETURN(Planned planned, PlanDeployment(options));
  auto impl = std::make_unique<Impl>();
  INFX_RETURN_IF_ERROR(LoadModes(options, *impl));
  EmulatorInfo& info = impl->info;
  info.served_model_name = options.served_model_name.empty()
                               ? options.model
                               : options.served_model_name;
  info.engine_version = options.engine_version.empty()
                            ? std::string("infx-emulator")
                            : options.engine_version;
  const perf::Deployment& d = planned.deployment;
  info.deployment_label =
      fmt::format("{} on {} {} {}", d.model.name, d.hardware.name,
                  d.parallelism.Label(), PrecisionName(d.weight_precision));
  info.engine = std::string(perf::EngineName(d.engine));
  info.kv_capacity_tokens = options.kv_capacity_tokens > 0
                                ? options.kv_capacity_tokens
                                : planned.memory.kv_capacity_tokens;
  info.block_size_tokens = options.block_size;
  info.kv_blocks = info.kv_capacity_tokens / options.block_size;
  const int64_t context = d.model.max_position_embeddings > 0
                              ? d.model.max_position_embeddings
                              : 131072;
  info.max_model_len = std::min(context, info.kv_blocks * options.block_size);
  info.max_concurrency_1k_1k =
      perf::MaxConcurrency(planned.memory, d, 1024, 1024);
  if (info.kv_blocks < 1) {
    return Status::FailedPrecondition("no KV-cache capacity left for " +
                                      info.deployment_label);
  }
  const OffloadSizing offload = SizeOffloadTier(
      options.kv_offloading_size_gib, options.kv_offloading_bandwidth_gb_s,
      planned.memory.kv_bytes_per_token_per_gpu, d.parallelism.gpus(),
      options.block_size);
  info.offload_blocks = offload.blocks;
  EngineConfig engine_config;
  engine_config.scheduler = {
      options.max_num_seqs, options.max_batched_tokens,    info.kv_blocks,
      options.block_size,   options.enable_prefix_caching, offload.blocks};
  engine_config.offload_load_s_per_token = offload.load_s_per_token;
  engine_config.time_scale = options.time_scale;
  engine_config.noise = options.noise;
  engine_config.seed = options.seed;
  // GPU power (power_model.h): each planned step records its draw.
  const PowerModelParams power = PowerParamsFor(d.hardware);
  impl->power = std::make_shared<PowerMeter>(power.idle_watts, NowNs());
  impl->num_gpus = std::max(1, d.parallelism.gpus());
  impl->gpu_model = d.hardware.name;
  auto cost = std::make_shared<PoweredStepCostModel>(
      perf::BuildCostModel(d), power, options.time_scale, impl->power,
      options.step_observer);
  impl->engine = std::make_unique<Engine>(engine_config, std::move(cost));
  impl->created_unix_s =
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  impl->options = options;
  impl->AddRoutes();
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.io_threads = options.io_threads;
  impl->engine->Start();
  auto server =
      http::HttpServer::Start(server_options, impl->router.AsHandler());
  if (!server.ok()) return server.status();
  impl->server = std::move(server).value();
  return std::unique_ptr<EmulatorServer>(new EmulatorServer(std::move(impl)));
}

uint16_t EmulatorServer::port() const { return impl_->server->port(); }
const EmulatorInfo& EmulatorServer::info() const { return impl_->info; }

void EmulatorServer::Stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  impl_->engine->Stop();  // aborts in-flight requests, wakes their handlers
  impl_->server->Stop();  // lets handlers finish, closes connections
  if (impl_->trace) impl_->trace->Close();
}

http::asio::awaitable<void> EmulatorServer::Impl::Models(http::Exchange& ex) {
  nlohmann::json model = {{"id", info.served_model_name},
                          {"object", "model"},
                          {"created", created_unix_s},
                          {"owned_by", "infx-emulate"},
                          {"root", options.model},
                          {"parent", nullptr},
                          {"max_model_len", info.max_model_len},
                          {"permission", nlohmann::json::array()}};
  nlohmann::json body = {{"object", "list"}, {"data", {model}}};
  Status s = co_await ex.Respond(200, "application/json", body.dump());
  (void)s;
}

http::asio::awaitable<void> EmulatorServer::Impl::Metrics(http::Exchange& ex) {
  const EngineCounters& c = engine->counters();
  std::string labels = "model_name=\"";
  AppendJsonEscaped(labels, info.served_model_name);
  labels += "\"";
  const double kv_usage =
      info.kv_blocks > 0
          ? static_cast<double>(c.used_blocks.load()) / info.kv_blocks
          : 0;
  http::PrometheusWriter w;
  w.AddGauge("vllm:num_requests_running",
             "Number of requests in model execution batches.", labels,
             static_cast<double>(c.running.load()));
  w.AddGauge("vllm:num_requests_waiting",
             "Number of requests waiting to be processed.", labels,
             static_cast<double>(c.waiting.load()));
  w.AddGauge("vllm:gpu_cache_usage_perc",
             "GPU KV-cache usage. 1 means 100 percent usage.", labels,
             kv_usage);
  w.AddGauge("vllm:kv_cache_usage_perc",
             "KV-cache usage. 1 means 100 percent usage.", labels, kv_usage);
  w.AddCounter("vllm:num_preemptions_total", "Cumulative number of preemption.",
               labels, static_cast<double>(c.preemptions.load()));
  w.AddCounter("vllm:prompt_tokens_total",
               "Number of prefill tokens processed.", labels,
               static_cast<double>(c.prompt_tokens.load()));
  w.AddCounter("vllm:generation_tokens_total",
               "Number of generation tokens processed.", labels,
               static_cast<double>(c.generation_tokens.load()));
  w.AddCounter("vllm:request_success_total",
               "Count of successfully processed requests.", labels,
               static_cast<double>(metrics.success.load()));
  w.AddCounter("vllm:prefix_cache_queries_total",
               "Prefix cache queries, in terms of number of queried tokens.",
               labels, static_cast<double>(c.prefix_cache_queries.load()));
  w.AddCounter("vllm:prefix_cache_hits_total",
               "Prefix cache hits, in terms of number of cached tokens.",
               labels, static_cast<double>(c.prefix_cache_hits.load()));
  if (info.offload_blocks > 0) {
    w.AddCounter("vllm:external_prefix_cache_queries_total",
                 "External prefix cache queries from KV connector "
                 "cross-instance cache sharing, in terms of number of "
                 "queried tokens.",
                 labels, static_cast<double>(c.external_prefix_queries.load()));
    w.AddCounter("vllm:external_prefix_cache_hits_total",
                 "External prefix cache hits from KV connector cross-instance "
                 "cache sharing, in terms of number of cached tokens.",
                 labels, static_cast<double>(c.external_prefix_hits.load()));
  }
  w.AddHistogram("vllm:time_to_first_token_seconds",
                 "Histogram of time to first token in seconds.", labels,
                 metrics.ttft_s.Read());
  const auto itl = metrics.itl_s.Read();
  w.AddHistogram("vllm:inter_token_latency_seconds",
                 "Histogram of inter-token latency in seconds.", labels, itl);
  w.AddHistogram("vllm:time_per_output_token_seconds",
                 "Histogram of time per output token in seconds.", labels, itl);
  w.AddHistogram("vllm:e2e_request_latency_seconds",
                 "Histogram of end to end request latency in seconds.", labels,
                 metrics.e2e_s.Read());
  std::string page = w.text();
  page += DcgmMetricsText(*power, num_gpus, gpu_model, NowNs(), kPowerWindowNs);
  Status s = co_await ex.Respond(
      200, std::string(http::PrometheusWriter::kContentType), page);
  (void)s;
}

}  // namespace infx::emulator
