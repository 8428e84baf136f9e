// EmulatorService: the state behind EmulatorServer (internal to the
// emulator module): the planned deployment, engine, vocabulary, answer
// key, fault plan, trace, metrics, and the HTTP handlers for the
// OpenAI-compatible endpoints.
//
// Thread-safety: built once in EmulatorServer::Start; handlers run
// concurrently on the I/O threads and only touch thread-safe members
// (engine, trace, atomics, histograms) or immutable configuration.
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange
// clang-format on
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "emulator/answers.h"
#include "emulator/emulator_server.h"
#include "emulator/engine.h"
#include "emulator/faults.h"
#include "emulator/openai_api.h"
#include "emulator/power_model.h"
#include "emulator/text_gen.h"
#include "emulator/trace.h"
#include "http/prometheus.h"
#include "http/router.h"
#include "http/server.h"

namespace infx::emulator {

struct ServiceMetrics {
  ServiceMetrics();
  http::Histogram ttft_s;
  http::Histogram itl_s;
  http::Histogram e2e_s;
  std::atomic<int64_t> success{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> aborted{0};
};

class EmulatorServer::Impl {
 public:
  EmulatorOptions options;
  EmulatorInfo info;
  Vocabulary vocab = Vocabulary::Builtin();
  std::optional<AnswerKey> answers;
  std::optional<AccuracySpec> accuracy;
  FaultPlan faults;
  std::unique_ptr<TraceWriter> trace;
  std::unique_ptr<Engine> engine;
  ServiceMetrics metrics;
  // GPU power model (power_model.h), shown DCGM-style on /metrics.
  std::shared_ptr<PowerMeter> power;
  int num_gpus = 1;
  std::string gpu_model;
  // DCGM_FI_DEV_POWER_USAGE is the average over this trailing window.
  static constexpr int64_t kPowerWindowNs = 100'000'000;
  std::atomic<uint64_t> next_request{0};
  int64_t created_unix_s = 0;
  http::Router router;
  std::unique_ptr<http::HttpServer> server;
  std::atomic<bool> stopped{false};

  void AddRoutes();

 private:
  struct Call;  // one request in flight (api_handlers.cc)
  http::asio::awaitable<void> Completion(http::Exchange& ex, bool chat);
  http::asio::awaitable<void> Stream(http::Exchange& ex, Call& call);
  http::asio::awaitable<void> Whole(http::Exchange& ex, Call& call);
  http::asio::awaitable<void> SendError(http::Exchange& ex, Call& call,
                                        unsigned status, std::string_view type,
                                        const std::string& message);
  http::asio::awaitable<void> Models(http::Exchange& ex);
  http::asio::awaitable<void> Metrics(http::Exchange& ex);
  Status Prepare(Call& call);
  void Finish(Call& call);
};

}  // namespace infx::emulator
