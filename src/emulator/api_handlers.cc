// The OpenAI-compatible request handlers of the emulator: each completion
// is parsed and validated, planned (output tokens, fault), submitted to the
// engine, then streamed token by token as the engine's steps end, and
// finally recorded in the trace.
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <limits>

#include "emulator/prefix_cache.h"
#include "emulator/service.h"
#include "http/sse.h"

namespace infx::emulator {

namespace asio = http::asio;
using Awaitable = asio::awaitable<void>;

struct EmulatorServer::Impl::Call {
  uint64_t index = 0;
  std::string id;
  std::optional<std::string> x_request_id;
  int64_t arrival_ns = 0;
  CompletionRequest req;
  int64_t prompt_tokens = 0;
  OutputPlan plan;
  Fault fault;
  std::shared_ptr<RequestStream> stream;
  std::shared_ptr<asio::steady_timer> timer;
  std::vector<int64_t> sent_ns;  // when each token's event went out
  std::string status = "ok";
  std::optional<std::string> error;
  std::unique_ptr<ChunkFormatter> chunks;
};

namespace {

int64_t ToNs(http::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             t.time_since_epoch())
      .count();
}

struct Progress {
  size_t tokens = 0;
  bool finished = false;
  bool aborted = false;
};

// Waits until the engine produced more than `have` tokens, finished or
// aborted the request. The engine wakes us by posting a timer cancel to
// this strand; a stale wake only causes a re-check.
asio::awaitable<Progress> WaitForTokens(RequestStream& s,
                                        asio::steady_timer& timer,
                                        size_t have) {
  for (;;) {
    {
      std::lock_guard lock(s.mu);
      if (s.token_ns.size() > have || s.finished || s.aborted) {
        co_return Progress{s.token_ns.size(), s.finished, s.aborted};
      }
      s.wake_armed = true;
    }
    timer.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Sleep(asio::steady_timer& timer,
                            std::chrono::milliseconds d) {
  timer.expires_after(d);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

std::string ContextError(int64_t max_len, int64_t prompt, int64_t completion,
                         bool chat) {
  return fmt::format(
      "This model's maximum context length is {} tokens. However, you "
      "requested {} "
      "tokens ({} in the {}, {} in the completion). Please reduce the length "
      "of the "
      "{} or completion.",
      max_len, prompt + completion, prompt, chat ? "messages" : "prompt",
      completion, chat ? "messages" : "prompt");
}

}  // namespace

void EmulatorServer::Impl::AddRoutes() {
  using http::beast::http::verb;
  router.Add(verb::post, "/v1/completions",
             [this](http::Exchange& ex) { return Completion(ex, false); });
  router.Add(verb::post, "/v1/chat/completions",
             [this](http::Exchange& ex) { return Completion(ex, true); });
  router.Add(verb::get, "/v1/models",
             [this](http::Exchange& ex) { return Models(ex); });
  router.Add(verb::get, "/metrics",
             [this](http::Exchange& ex) { return Metrics(ex); });
  router.Add(verb::get, "/version", [this](http::Exchange& ex) -> Awaitable {
    // vLLM's GET /version shape.
    const nlohmann::json body = {{"version", info.engine_version}};
    Status s = co_await ex.Respond(200, "application/json", body.dump());
    (void)s;
  });
  // vLLM's POST /reset_prefix_cache: requests sent after the reply find
  // nothing cached.
  router.Add(verb::post, "/reset_prefix_cache",
             [this](http::Exchange& ex) -> Awaitable {
               engine->ResetPrefixCache();
               Status s = co_await ex.Respond(200, "application/json", "");
               (void)s;
             });
  router.Add(verb::get, "/health", [](http::Exchange& ex) -> Awaitable {
    Status s = co_await ex.Respond(200, "application/json", "");
    (void)s;
  });
}

// Validates the request against the deployment and plans its output.
Status EmulatorServer::Impl::Prepare(Call& call) {
  const CompletionRequest& req = call.req;
  if (req.model != info.served_model_name && req.model != options.model) {
    return Status::NotFound("The model `" + req.model + "` does not exist.");
  }
  if (req.prompt_ids) {
    call.prompt_tokens = static_cast<int64_t>(req.prompt_ids->size());
  } else {
    call.prompt_tokens = vocab.CountTextTokens(req.prompt_text);
    // Chat template framing (Llama-3 style): 4 tokens per message + 3.
    if (req.chat) call.prompt_tokens += 4 * req.chat_messages + 3;
    call.prompt_tokens = std::max<int64_t>(1, call.prompt_tokens);
  }
  const int64_t max_len = info.max_model_len;
  const int64_t max_tokens =
      req.max_tokens.value_or(max_len - call.prompt_tokens);
  if (call.prompt_tokens >= max_len ||
      call.prompt_tokens + max_tokens > max_len) {
    return Status::InvalidArgument(
        ContextError(max_len, call.prompt_tokens,
                     std::max<int64_t>(0, max_tokens), req.chat));
  }
  OutputParams params;
  params.max_tokens = max_tokens;
  params.min_tokens = req.min_tokens;
  params.ignore_eos = req.ignore_eos;
  params.stop = req.stop;
  if (answers && !req.prompt_text.empty()) {
    if (auto match = answers->Match(req.prompt_text)) {
      const int64_t batch = engine->counters().running.load() + 1;
      params.forced_text =
          answers->Reply(*match, accuracy->At(batch), options.seed);
    }
  }
  uint64_t seed = req.seed ? static_cast<uint64_t>(*req.seed) : 0;
  if (!req.seed) {
    seed =
        req.prompt_ids
            ? HashText({reinterpret_cast<const char*>(req.prompt_ids->data()),
                        req.prompt_ids->size() * sizeof(int64_t)})
            : HashText(req.prompt_text);
    if (req.temperature > 0) seed = MixSeed(seed, call.index);
  }
  call.plan = PlanOutput(vocab, params, MixSeed(options.seed, seed));
  call.fault = faults.Draw(options.seed, call.index,
                           static_cast<int64_t>(call.plan.tokens.size()));
  return Status::Ok();
}

Awaitable EmulatorServer::Impl::Completion(http::Exchange& ex, bool chat) {
  Call call;
  call.index = next_request.fetch_add(1);
  call.id = fmt::format("{}-{:016x}", chat ? "chatcmpl" : "cmpl",
                        MixSeed(options.seed, call.index));
  call.arrival_ns = ToNs(ex.arrival());
  const auto xid = ex.request()["X-Request-Id"];
  if (!xid.empty()) {
    call.x_request_id = std::string(xid.data(), xid.size());
    ex.AddHeader("X-Request-Id", *call.x_request_id);
  }
  auto parsed = ParseCompletionRequest(ex.request().body(), chat);
  if (!parsed.ok()) {
    co_await SendError(ex, call, 400, "BadRequestError",
                       parsed.status().message());
    co_return;
  }
  call.req = std::move(parsed).value();
  Status prepared = Prepare(call);
  if (!prepared.ok()) {
    co_await SendError(ex, call, 400,
                       prepared.code() == ErrorCode::kNotFound
                           ? "NotFoundError"
                           : "BadRequestError",
                       prepared.message());
    co_return;
  }
  if (call.fault.kind == FaultKind::kHttp500) {
    co_await SendError(ex, call, 500, "InternalServerError",
                       "injected fault: http500");
    co_return;
  }
  if (call.fault.kind == FaultKind::kHttp429) {
    co_await SendError(ex, call, 429, "RateLimitError",
                       "injected fault: http429");
    co_return;
  }
  call.chunks = std::make_unique<ChunkFormatter>(chat, call.id, created_unix_s,
                                                 call.req.model);
  call.stream = std::make_shared<RequestStream>();
  call.stream->id = call.index;
  call.stream->prompt_tokens = call.prompt_tokens;
  call.stream->output_tokens = static_cast<int64_t>(call.plan.tokens.size());
  call.stream->token_ns.reserve(call.plan.tokens.size());
  if (options.enable_prefix_caching) {
    call.stream->block_hashes =
        PromptBlockHashes(call.req.prompt_ids ? &*call.req.prompt_ids : nullptr,
                          call.req.prompt_text, call.prompt_tokens,
                          options.block_size, chat ? 1 : 0);
  }
  call.timer = std::make_shared<asio::steady_timer>(ex.executor());
  call.stream->wake = [timer = call.timer, executor = ex.executor()] {
    asio::post(executor, [timer] { timer->cancel(); });
  };
  engine->Submit(call.stream);
  if (call.req.stream) {
    co_await Stream(ex, call);
  } else {
    co_await Whole(ex, call);
  }
  Finish(call);
}

Awaitable EmulatorServer::Impl::Stream(http::Exchange& ex, Call& call) {
  Status s = co_await ex.BeginStream(200, http::kSseContentType);
  const size_t total = call.plan.tokens.size();
  size_t sent = 0;
  std::string batch;
  while (s.ok() && sent < total) {
    const Progress p = co_await WaitForTokens(*call.stream, *call.timer, sent);
    if (p.aborted) break;
    batch.clear();
    const size_t upto = std::min(p.tokens, total);
    for (; sent < upto; ++sent) {
      if (call.fault.kind != FaultKind::kNone &&
          call.fault.at_token == static_cast<int64_t>(sent)) {
        if (call.fault.kind == FaultKind::kMalformed) {
          http::AppendSseEvent(
              batch, R"({"id":")" + call.id + R"(","choices":[{"text":)");
          call.status = "error";
          call.error = "injected fault: malformed event";
        } else {
          break;  // drop / stall happen before this token
        }
      }
      const bool last = sent + 1 == total;
      const std::string chunk = call.chunks->TokenChunk(
          call.plan.tokens[sent], last ? call.plan.finish_reason : "",
          last ? call.plan.stop_reason : "", sent == 0, call.req.include_usage);
      http::AppendSseEvent(batch, chunk);
    }
    if (!batch.empty()) {
      const int64_t now = NowNs();
      call.sent_ns.resize(sent, now);
      s = co_await ex.WriteChunk(batch);
    }
    const bool faulted = (call.fault.kind == FaultKind::kDrop ||
                          call.fault.kind == FaultKind::kStall) &&
                         call.fault.at_token == static_cast<int64_t>(sent) &&
                         sent < total;
    if (faulted && s.ok()) {
      engine->Abort(call.stream->id);
      call.status = "error";
      call.error =
          fmt::format("injected fault: {}", FaultName(call.fault.kind));
      if (call.fault.kind == FaultKind::kStall) {
        // Hold the connection silently until the client gives up or we stop.
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::minutes(10);
        while (!ex.server_stopping() &&
               std::chrono::steady_clock::now() < until) {
          co_await Sleep(*call.timer, std::chrono::milliseconds(100));
        }
      }
      ex.CloseConnection();
      co_return;
    }
  }
  if (s.ok() && sent == total) {
    std::string tail;
    if (call.req.include_usage) {
      http::AppendSseEvent(
          tail, call.chunks->UsageChunk(call.prompt_tokens,
                                        static_cast<int64_t>(total)));
    }
    tail += http::kSseDone;
    s = co_await ex.WriteChunk(tail);
    if (s.ok()) s = co_await ex.EndStream();
  }
  if (!s.ok() || sent < total) {
    engine->Abort(call.stream->id);
    call.status = "aborted";
    call.error = s.ok() ? "server shutting down" : s.message();
    ex.CloseConnection();
  }
}

Awaitable EmulatorServer::Impl::Whole(http::Exchange& ex, Call& call) {
  const size_t total = call.plan.tokens.size();
  Progress p;
  while (!p.aborted && p.tokens < total) {
    p = co_await WaitForTokens(*call.stream, *call.timer, p.tokens);
  }
  {
    std::lock_guard lock(call.stream->mu);
    call.sent_ns = call.stream->token_ns;
  }
  if (p.aborted) {
    call.status = "aborted";
    call.error = "server shutting down";
    co_await SendError(ex, call, 503, "ServiceUnavailableError",
                       "server shutting down");
    co_return;
  }
  const FaultKind fault = call.fault.kind;
  if (fault == FaultKind::kDrop || fault == FaultKind::kStall) {
    call.status = "error";
    call.error = fmt::format("injected fault: {}", FaultName(fault));
    if (fault == FaultKind::kStall) {
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::minutes(10);
      while (!ex.server_stopping() &&
             std::chrono::steady_clock::now() < until) {
        co_await Sleep(*call.timer, std::chrono::milliseconds(100));
      }
    }
    ex.CloseConnection();
    co_return;
  }
  std::string body = call.chunks->FullResponse(
      call.plan.text(), call.plan.finish_reason, call.plan.stop_reason,
      call.prompt_tokens, static_cast<int64_t>(total));
  if (fault == FaultKind::kMalformed) {
    body.resize(body.size() / 2);
    call.status = "error";
    call.error = "injected fault: malformed body";
  }
  Status s = co_await ex.Respond(200, "application/json", std::move(body));
  if (!s.ok()) {
    call.status = "aborted";
    call.error = s.message();
  }
}

Awaitable EmulatorServer::Impl::SendError(http::Exchange& ex, Call& call,
                                          unsigned status,
                                          std::string_view type,
                                          const std::string& message) {
  if (call.status == "ok") {
    call.status = "error";
    call.error = message;
  }
  Status s =
      co_await ex.Respond(status, "application/json",
                          ErrorJson(message, type, static_cast<int>(status)));
  (void)s;
  if (!call.stream) Finish(call);
}

void EmulatorServer::Impl::Finish(Call& call) {
  const int64_t finish_ns = NowNs();
  if (call.status == "ok") {
    metrics.success.fetch_add(1);
  } else if (call.status == "aborted") {
    metrics.aborted.fetch_add(1);
  } else {
    metrics.errors.fetch_add(1);
  }
  if (!call.sent_ns.empty()) {
    metrics.ttft_s.Observe((call.sent_ns[0] - call.arrival_ns) * 1e-9);
    for (size_t i = 1; i < call.sent_ns.size(); ++i) {
      metrics.itl_s.Observe((call.sent_ns[i] - call.sent_ns[i - 1]) * 1e-9);
    }
  }
  metrics.e2e_s.Observe((finish_ns - call.arrival_ns) * 1e-9);
  if (!trace) return;
  TraceRecord r;
  r.request_id = call.id;
  r.x_request_id = call.x_request_id;
  r.arrival_ns = call.arrival_ns;
  r.token_ns = std::move(call.sent_ns);
  r.finish_ns = finish_ns;
  r.prompt_tokens = call.prompt_tokens;
  r.completion_tokens = static_cast<int64_t>(r.token_ns.size());
  r.status = call.status;
  r.error = call.error;
  trace->Record(std::move(r));
}

}  // namespace infx::emulator
