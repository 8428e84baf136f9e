#include "emulator/openai_api.h"

#include <fmt/format.h>

namespace infx::emulator {
namespace {

using nlohmann::json;

Status Bad(const std::string& message) {
  return Status::InvalidArgument(message);
}

Result<int64_t> IntField(const json& body, const char* name, int64_t min) {
  const json& v = body[name];
  if (!v.is_number_integer())
    return Bad(fmt::format("'{}' must be an integer", name));
  const int64_t x = v.get<int64_t>();
  if (x < min)
    return Bad(fmt::format("'{}' must be >= {}, got {}", name, min, x));
  return x;
}

Status ParsePrompt(const json& body, CompletionRequest& req) {
  if (!body.contains("prompt")) return Bad("'prompt' is required");
  const json& p = body["prompt"];
  if (p.is_string()) {
    req.prompt_text = p.get<std::string>();
    return Status::Ok();
  }
  const json* ids = &p;
  if (p.is_array() && p.size() == 1 && (p[0].is_array() || p[0].is_string()))
    ids = &p[0];
  if (ids->is_string()) {
    req.prompt_text = ids->get<std::string>();
    return Status::Ok();
  }
  if (!ids->is_array() || ids->empty()) {
    return Bad(
        "'prompt' must be a string, a list of token ids or a list with one "
        "prompt");
  }
  std::vector<int64_t> out;
  out.reserve(ids->size());
  for (const json& t : *ids) {
    if (!t.is_number_integer() || t.get<int64_t>() < 0) {
      return Bad("'prompt' token ids must be non-negative integers");
    }
    out.push_back(t.get<int64_t>());
  }
  req.prompt_ids = std::move(out);
  return Status::Ok();
}

Status ParseMessages(const json& body, CompletionRequest& req) {
  if (!body.contains("messages") || !body["messages"].is_array() ||
      body["messages"].empty()) {
    return Bad("'messages' must be a non-empty list");
  }
  for (const json& m : body["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
      return Bad("each message needs a string 'role'");
    }
    const json& c = m.contains("content") ? m["content"] : json();
    std::string text;
    if (c.is_string()) {
      text = c.get<std::string>();
    } else if (c.is_array()) {  // content parts: [{"type":"text","text":...}]
      for (const json& part : c) {
        if (part.is_object() && part.contains("text") &&
            part["text"].is_string()) {
          text += part["text"].get<std::string>();
        }
      }
    } else if (!c.is_null()) {
      return Bad("message 'content' must be a string or a list of parts");
    }
    if (!req.prompt_text.empty()) req.prompt_text += '\n';
    req.prompt_text += text;
    ++req.chat_messages;
  }
  return Status::Ok();
}

Status ParseStop(const json& body, CompletionRequest& req) {
  if (!body.contains("stop") || body["stop"].is_null()) return Status::Ok();
  const json& s = body["stop"];
  if (s.is_string()) {
    req.stop.push_back(s.get<std::string>());
    return Status::Ok();
  }
  if (!s.is_array()) return Bad("'stop' must be a string or a list of strings");
  for (const json& x : s) {
    if (!x.is_string())
      return Bad("'stop' must be a string or a list of strings");
    req.stop.push_back(x.get<std::string>());
  }
  return Status::Ok();
}

Status ParseSampling(const json& body, CompletionRequest& req) {
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    if (body.contains(name) && !body[name].is_null()) {
      INFX_ASSIGN_OR_RETURN(int64_t v, IntField(body, name, 1));
      req.max_tokens = v;
    }
  }
  if (body.contains("min_tokens") && !body["min_tokens"].is_null()) {
    INFX_ASSIGN_OR_RETURN(req.min_tokens, IntField(body, "min_tokens", 0));
  }
  if (req.max_tokens && req.min_tokens > *req.max_tokens) {
    return Bad("'min_tokens' must be <= 'max_tokens'");
  }
  if (body.contains("ignore_eos") && !body["ignore_eos"].is_null()) {
    if (!body["ignore_eos"].is_boolean())
      return Bad("'ignore_eos' must be a boolean");
    req.ignore_eos = body["ignore_eos"].get<bool>();
  }
  if (body.contains("temperature") && !body["temperature"].is_null()) {
    if (!body["temperature"].is_number())
      return Bad("'temperature' must be a number");
    req.temperature = body["temperature"].get<double>();
    if (req.temperature < 0) return Bad("'temperature' must be >= 0");
  }
  if (body.contains("seed") && !body["seed"].is_null()) {
    if (!body["seed"].is_number_integer())
      return Bad("'seed' must be an integer");
    req.seed = body["seed"].get<int64_t>();
  }
  if (body.contains("n") && !body["n"].is_null() &&
      (!body["n"].is_number_integer() || body["n"].get<int64_t>() != 1)) {
    return Bad("only 'n' = 1 is supported");
  }
  return ParseStop(body, req);
}

Status ParseStreaming(const json& body, CompletionRequest& req) {
  if (body.contains("stream") && !body["stream"].is_null()) {
    if (!body["stream"].is_boolean()) return Bad("'stream' must be a boolean");
    req.stream = body["stream"].get<bool>();
  }
  if (body.contains("stream_options") && !body["stream_options"].is_null()) {
    const json& so = body["stream_options"];
    if (!so.is_object()) return Bad("'stream_options' must be an object");
    if (!req.stream)
      return Bad("'stream_options' is only allowed when 'stream' is true");
    if (so.contains("include_usage") && so["include_usage"].is_boolean()) {
      req.include_usage = so["include_usage"].get<bool>();
    }
  }
  return Status::Ok();
}

}  // namespace

Result<CompletionRequest> ParseCompletionRequest(std::string_view body,
                                                 bool chat) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("request body is not valid JSON");
  if (!doc.is_object()) return Bad("request body must be a JSON object");
  CompletionRequest req;
  req.chat = chat;
  if (!doc.contains("model") || !doc["model"].is_string()) {
    return Bad("'model' is required and must be a string");
  }
  req.model = doc["model"].get<std::string>();
  INFX_RETURN_IF_ERROR(chat ? ParseMessages(doc, req) : ParsePrompt(doc, req));
  INFX_RETURN_IF_ERROR(ParseSampling(doc, req));
  INFX_RETURN_IF_ERROR(ParseStreaming(doc, req));
  return req;
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
}

std::string ErrorJson(std::string_view message, std::string_view type,
                      int code) {
  json j = {{"error",
             {{"message", message},
              {"type", type},
              {"param", nullptr},
              {"code", code}}}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ChunkFormatter::ChunkFormatter(bool chat, std::string id, int64_t created,
                               std::string model)
    : chat_(chat), id_(std::move(id)) {
  std::string m;
  AppendJsonEscaped(m, model);
  head_ = fmt::format(R"({{"id":"{}","object":"{}","created":{},"model":"{}",)",
                      id_, chat ? "chat.completion.chunk" : "text_completion",
                      created, m);
}

namespace {
void AppendReason(std::string& out, std::string_view key, std::string_view v) {
  out += ",\"";
  out += key;
  out += "\":";
  if (v.empty()) {
    out += "null";
  } else {
    out += '"';
    AppendJsonEscaped(out, v);
    out += '"';
  }
}
}  // namespace

std::string ChunkFormatter::TokenChunk(std::string_view text,
                                       std::string_view finish_reason,
                                       std::string_view stop_reason, bool first,
                                       bool with_usage_null) const {
  std::string out = head_;
  out.reserve(head_.size() + text.size() + 128);
  if (chat_) {
    out += R"("choices":[{"index":0,"delta":{)";
    if (first) out += R"("role":"assistant",)";
    out += R"("content":")";
    AppendJsonEscaped(out, text);
    out += R"("},"logprobs":null)";
  } else {
    out += R"("choices":[{"index":0,"text":")";
    AppendJsonEscaped(out, text);
    out += R"(","logprobs":null)";
  }
  AppendReason(out, "finish_reason", finish_reason);
  AppendReason(out, "stop_reason", stop_reason);
  out += "}]";
  if (with_usage_null) out += R"(,"usage":null)";
  out += '}';
  return out;
}

std::string ChunkFormatter::UsageChunk(int64_t prompt_tokens,
                                       int64_t completion_tokens) const {
  return head_ +
         fmt::format(
             R"("choices":[],"usage":{{"prompt_tokens":{},"total_tokens":{},"completion_tokens":{}}}}})",
             prompt_tokens, prompt_tokens + completion_tokens,
             completion_tokens);
}

std::string ChunkFormatter::FullResponse(std::string_view text,
                                         std::string_view finish_reason,
                                         std::string_view stop_reason,
                                         int64_t prompt_tokens,
                                         int64_t completion_tokens) const {
  std::string head = head_;
  // A full response's object differs from its chunks'.
  const std::string from = chat_ ? "chat.completion.chunk" : "text_completion";
  const std::string to = chat_ ? "chat.completion" : "text_completion";
  head.replace(head.find(from), from.size(), to);
  std::string out = head;
  if (chat_) {
    out += R"("choices":[{"index":0,"message":{"role":"assistant","content":")";
    AppendJsonEscaped(out, text);
    out += R"("},"logprobs":null)";
  } else {
    out += R"("choices":[{"index":0,"text":")";
    AppendJsonEscaped(out, text);
    out += R"(","logprobs":null)";
  }
  AppendReason(out, "finish_reason", finish_reason);
  AppendReason(out, "stop_reason", stop_reason);
  out += fmt::format(
      R"(}}],"usage":{{"prompt_tokens":{},"total_tokens":{},"completion_tokens":{}}}}})",
      prompt_tokens, prompt_tokens + completion_tokens, completion_tokens);
  return out;
}

}  // namespace infx::emulator
