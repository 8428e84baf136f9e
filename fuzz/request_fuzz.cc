// libFuzzer harness for the emulator's request handling: arbitrary bytes go
// through Beast's HTTP/1.1 request parser (as the server reads them), and
// the body of anything that parses goes through the OpenAI request parser,
// validation-relevant planning (prompt counting, output plan with stop
// strings) and chunk formatting, for both completions and chat. Any crash,
// sanitizer report or uncaught exception is a bug. Build: fuzz/build.sh.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/openai_api.h"
#include "emulator/text_gen.h"
#include "http/sse.h"

namespace {

namespace bhttp = boost::beast::http;
using infx::emulator::Vocabulary;

void Exercise(std::string_view body, bool chat) {
  auto req = infx::emulator::ParseCompletionRequest(body, chat);
  if (!req.ok()) {
    (void)infx::emulator::ErrorJson(req.status().message(), "BadRequestError",
                                    400);
    return;
  }
  static const Vocabulary vocab = Vocabulary::Builtin();
  const int64_t prompt = req->prompt_ids
                             ? static_cast<int64_t>(req->prompt_ids->size())
                             : vocab.CountTextTokens(req->prompt_text);
  infx::emulator::OutputParams params;
  params.max_tokens = std::min<int64_t>(req->max_tokens.value_or(64), 256);
  params.min_tokens = std::min<int64_t>(req->min_tokens, params.max_tokens);
  params.ignore_eos = req->ignore_eos;
  params.stop = req->stop;
  const auto plan =
      infx::emulator::PlanOutput(vocab, params, static_cast<uint64_t>(prompt));
  infx::emulator::ChunkFormatter chunks(chat, "cmpl-fuzz", 0, req->model);
  std::string out;
  for (size_t i = 0; i < plan.tokens.size(); ++i) {
    infx::http::AppendSseEvent(
        out, chunks.TokenChunk(plan.tokens[i], plan.finish_reason,
                               plan.stop_reason, i == 0, true));
  }
  out += chunks.UsageChunk(prompt, static_cast<int64_t>(plan.tokens.size()));
  out += chunks.FullResponse(plan.text(), plan.finish_reason, plan.stop_reason,
                             prompt, static_cast<int64_t>(plan.tokens.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // 1) The whole input as raw HTTP.
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && parser.is_done()) {
    const auto& msg = parser.get();
    const auto target = msg.target();
    const std::string_view path(target.data(), target.size());
    Exercise(msg.body(), path.rfind("/v1/chat/completions", 0) == 0);
  }
  // 2) The whole input as a JSON body, both endpoints.
  Exercise(bytes, false);
  Exercise(bytes, true);
  return 0;
}
