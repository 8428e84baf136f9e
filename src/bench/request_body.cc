#include "bench/request_body.h"

#include <nlohmann/json.hpp>

namespace infx::bench {

Result<Endpoint> ParseEndpoint(std::string_view text) {
  if (text == "completions" || text == "/v1/completions")
    return Endpoint::kCompletions;
  if (text == "chat" || text == "chat/completions" ||
      text == "chat-completions" || text == "/v1/chat/completions") {
    return Endpoint::kChat;
  }
  if (!text.empty() && text.front() == '/') {
    return text.find("chat") != std::string_view::npos ? Endpoint::kChat
                                                       : Endpoint::kCompletions;
  }
  return Status::InvalidArgument("unknown endpoint '" + std::string(text) +
                                 "' (completions, chat, or a path such as "
                                 "/v1/completions)");
}

std::string EndpointTarget(const client::Url& base,
                           const ClientConfig& client) {
  if (!client.endpoint_path.empty()) return base.path + client.endpoint_path;
  bool has_v1 = base.path.size() >= 3 &&
                base.path.compare(base.path.size() - 3, 3, "/v1") == 0;
  std::string prefix = has_v1 ? base.path : base.path + "/v1";
  return prefix + (client.endpoint == Endpoint::kChat ? "/chat/completions"
                                                      : "/completions");
}

std::string BuildRequestBody(const ClientConfig& client, const Prompt& prompt,
                             const SamplingParams& sampling) {
  nlohmann::json body;
  body["model"] = client.model;
  if (client.endpoint == Endpoint::kChat) {
    nlohmann::json messages = nlohmann::json::array();
    if (prompt.messages.empty()) {
      messages.push_back({{"role", "user"}, {"content", prompt.text}});
    }
    for (const auto& [role, content] : prompt.messages) {
      messages.push_back({{"role", role}, {"content", content}});
    }
    body["messages"] = std::move(messages);
    body["max_completion_tokens"] = prompt.max_tokens;  // vLLM bench (chat)
  } else if (!prompt.token_ids.empty()) {
    body["prompt"] = prompt.token_ids;
  } else {
    body["prompt"] = prompt.text;
  }
  body["max_tokens"] = prompt.max_tokens;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  if (sampling.ignore_eos) body["ignore_eos"] = true;
  if (sampling.temperature) body["temperature"] = *sampling.temperature;
  if (sampling.top_p) body["top_p"] = *sampling.top_p;
  if (sampling.top_k) body["top_k"] = *sampling.top_k;
  if (sampling.seed) body["seed"] = *sampling.seed;
  if (!sampling.stop.empty()) body["stop"] = sampling.stop;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace infx::bench
