#include "sweep/target.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "emulator/emulator_server.h"
#include "sweep/engine_build.h"
#include "sweep/http_probe.h"
#include "sweep/launch_target.h"

namespace infx::sweep {
namespace {

// Starts infx's emulator in-process for each config.
class EmulatorTarget : public ServingTarget {
 public:
  EmulatorTarget(EmulatorTargetSpec spec, std::string served_model,
                 uint64_t seed, std::string hardware_file)
      : spec_(spec),
        served_model_(std::move(served_model)),
        seed_(seed),
        hardware_file_(std::move(hardware_file)) {}
  ~EmulatorTarget() override { Stop(); }

  std::string Unsupported(const ServingConfig& config) const override {
    if (config.disaggregated()) {
      return "the emulator target serves aggregated configs only "
             "(disaggregated prefill/decode needs a url or launch target)";
    }
    return "";
  }

  Result<TargetEndpoint> Start(const ServingConfig& config, int) override {
    Stop();
    emulator::EmulatorOptions o;
    o.model = config.model;
    o.served_model_name = served_model_;
    o.hardware = config.hardware;
    o.hardware_file = hardware_file_;
    o.engine = config.engine;
    o.tp = config.tp;
    o.pp = config.pp;
    o.ep = config.ep;
    o.dp_attention = config.dp_attention;
    o.precision = config.precision;
    o.kv_precision = config.kv_precision;
    o.port = 0;
    o.max_num_seqs = spec_.max_num_seqs;
    o.max_batched_tokens = spec_.max_batched_tokens;
    o.kv_cache_fraction = spec_.kv_cache_fraction;
    o.seed = seed_;
    o.noise = spec_.noise;
    o.time_scale = spec_.time_scale;
    o.answers_path = spec_.answers_path;
    o.answer_accuracy = spec_.answer_accuracy;
    o.engine_version = spec_.version;
    o.enable_prefix_caching = spec_.prefix_caching;
    o.calibration_file = spec_.calibration;
    auto server = emulator::EmulatorServer::Start(o);
    if (!server.ok()) {
      return server.status().WithContext(
          fmt::format("emulator for {}", config.Key()));
    }
    server_ = std::move(server).value();
    TargetEndpoint ep;
    ep.base_url = fmt::format("http://127.0.0.1:{}", server_->port());
    ep.served_model = server_->info().served_model_name.empty()
                          ? config.model
                          : server_->info().served_model_name;
    // What the emulator reports on GET /version (`target.emulator.version`).
    ep.engine_version = server_->info().engine_version;
    ep.emulated_engine = server_->info().engine;
    ep.engine_version_source = "emulator";
    ep.serves_dcgm_power = true;
    return ep;
  }

  void Stop() override {
    if (server_) server_->Stop();
    server_.reset();
  }

 private:
  EmulatorTargetSpec spec_;
  std::string served_model_;
  uint64_t seed_;
  std::string hardware_file_;
  std::unique_ptr<emulator::EmulatorServer> server_;
};

// A server that is already running: checked for reachability per config.
class UrlTarget : public ServingTarget {
 public:
  UrlTarget(std::string url, std::string served_model)
      : url_(std::move(url)), served_model_(std::move(served_model)) {}

  std::string Unsupported(const ServingConfig&) const override { return ""; }

  Result<TargetEndpoint> Start(const ServingConfig& config, int) override {
    INFX_ASSIGN_OR_RETURN(HostPort hp, ParseHttpUrl(url_));
    // A protected server answers the probes only with the key.
    INFX_ASSIGN_OR_RETURN(std::string auth, ProbeAuthorization());
    auto models = HttpGet(hp.host, hp.port, hp.path + "/v1/models", 10, auth);
    if (!models.ok()) {
      return models.status().WithContext(fmt::format("target url {}", url_));
    }
    TargetEndpoint ep;
    ep.base_url = url_;
    ep.served_model = served_model_.empty() ? config.model : served_model_;
    if (served_model_.empty() && models->status == 200) {
      // Use the server's first model when the matrix does not name one.
      try {
        auto j = nlohmann::json::parse(models->body);
        if (j.contains("data") && !j["data"].empty()) {
          ep.served_model = j["data"][0].value("id", ep.served_model);
        }
      } catch (const nlohmann::json::exception&) {
      }
    }
    EngineBuild build = ProbeEngineBuild(hp.host, hp.port, auth);
    ep.engine_version = build.version;
    ep.engine_version_source = build.source;
    return ep;
  }

  void Stop() override {}

 private:
  std::string url_;
  std::string served_model_;
};

}  // namespace

Result<std::unique_ptr<ServingTarget>> MakeTarget(const TargetSpec& spec,
                                                  uint64_t seed,
                                                  std::atomic<bool>* cancel) {
  switch (spec.kind) {
    case TargetKind::kEmulator:
      return std::unique_ptr<ServingTarget>(new EmulatorTarget(
          spec.emulator, spec.served_model_name, seed, spec.hardware_file));
    case TargetKind::kUrl:
      return std::unique_ptr<ServingTarget>(
          new UrlTarget(spec.url, spec.served_model_name));
    case TargetKind::kLaunch:
      return std::unique_ptr<ServingTarget>(
          new LaunchTarget(spec.launch, spec.served_model_name, cancel));
  }
  return Status::InvalidArgument("unknown target kind");
}

}  // namespace infx::sweep
