#include "client/stream_chunk.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace infx::client {
namespace {

constexpr int kMaxDepth = 64;

// A validating single-pass reader over one JSON text that extracts only the
// fields of a streamed completion chunk; everything else is skipped (but
// still validated).
class ChunkReader {
 public:
  ChunkReader(std::string_view text, bool want_text, StreamChunk* out)
      : p_(text.data()),
        end_(text.data() + text.size()),
        want_text_(want_text),
        out_(out) {}

  bool Run() {
    Ws();
    if (!TopObject()) return false;
    Ws();
    return p_ == end_;
  }

 private:
  void Ws() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r'))
      ++p_;
  }
  bool Eat(char c) {
    Ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool Peek(char c) {
    Ws();
    return p_ < end_ && *p_ == c;
  }

  static void AppendUtf8(uint32_t cp, std::string* s) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool Hex4(uint32_t* v) {
    if (end_ - p_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) return false;
      *v = *v * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  // Reads a string; `raw` gets the bytes between the quotes (escapes kept),
  // `out` (if non-null) the unescaped text. `*nonempty` tells if it had any.
  bool String(std::string_view* raw, std::string* out) {
    if (!Eat('"')) return false;
    const char* start = p_;
    while (true) {
      // Fast scan to the next quote, backslash or control character.
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' &&
             static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      if (p_ >= end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_ == '"') break;
      ++p_;  // backslash
      if (p_ >= end_) return false;
      char e = *p_++;
      if (e == 'u') {
        uint32_t v;
        if (!Hex4(&v)) return false;
      } else if (!std::strchr("\"\\/bfnrt", e)) {
        return false;
      }
    }
    if (raw) *raw = std::string_view(start, p_ - start);
    ++p_;  // closing quote
    if (out) Unescape(std::string_view(start, p_ - 1 - start), out);
    return true;
  }
  static void Unescape(std::string_view s, std::string* out) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      char e = s[++i];
      switch (e) {
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          auto hex = [&](size_t at) {
            uint32_t v = 0;
            for (size_t k = at; k < at + 4 && k < s.size(); ++k) {
              char h = s[k];
              v = v * 16 + static_cast<uint32_t>(
                               h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            return v;
          };
          uint32_t cp = hex(i + 1);
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.size() &&
              s[i + 1] == '\\' && s[i + 2] == 'u') {
            uint32_t lo = hex(i + 3);
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
            }
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          out->push_back(e);
          break;  // " \ /
      }
    }
  }

  // Validates a JSON number; stores it in *value if it is an integer.
  bool Number(int64_t* value) {
    Ws();
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    const char* int_end = p_;
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (p_ >= end_ || *p_ < '0' || *p_ > '9') return false;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || *p_ < '0' || *p_ > '9') return false;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (value && integer) std::from_chars(start, int_end, *value);
    return true;
  }

  bool Literal(std::string_view word) {
    Ws();
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }
  bool IsNull() {
    Ws();
    return end_ - p_ >= 4 && std::memcmp(p_, "null", 4) == 0;
  }

  bool SkipValue(int depth) {
    if (depth > kMaxDepth) return false;
    Ws();
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{':
        return Object(depth + 1,
                      [&](std::string_view) { return SkipValue(depth + 1); });
      case '[':
        return Array(depth + 1, [&](size_t) { return SkipValue(depth + 1); });
      case '"':
        return String(nullptr, nullptr);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number(nullptr);
    }
  }

  // Calls member(key) with the reader positioned at each member's value.
  template <typename F>
  bool Object(int depth, F&& member) {
    if (depth > kMaxDepth || !Eat('{')) return false;
    if (Eat('}')) return true;
    while (true) {
      std::string_view key;
      if (!String(&key, nullptr) || !Eat(':')) return false;
      if (!member(key)) return false;
      if (Eat(',')) continue;
      return Eat('}');
    }
  }
  template <typename F>
  bool Array(int depth, F&& element) {
    if (depth > kMaxDepth || !Eat('[')) return false;
    if (Eat(']')) return true;
    for (size_t i = 0;; ++i) {
      if (!element(i)) return false;
      if (Eat(',')) continue;
      return Eat(']');
    }
  }

  // A text-carrying string value (choices[0].text, delta.content, ...).
  bool TextValue() {
    if (IsNull()) return Literal("null");
    std::string_view raw;
    if (!String(&raw, nullptr)) return false;
    if (!raw.empty()) {
      out_->has_text = true;
      if (want_text_) Unescape(raw, &out_->text);
    }
    return true;
  }
  bool FinishReason() {
    if (!Peek('"')) return SkipValue(2);
    out_->finish_reason.clear();
    return String(nullptr, &out_->finish_reason);
  }
  bool Count(int64_t* value) {
    if (Peek('-') || (p_ < end_ && *p_ >= '0' && *p_ <= '9'))
      return Number(value);
    return SkipValue(3);
  }

  bool Choice() {
    return Object(3, [&](std::string_view key) {
      if (key == "text") return TextValue();
      if (key == "finish_reason") return FinishReason();
      if (key == "delta" && Peek('{')) {
        return Object(4, [&](std::string_view k) {
          if (k == "content") return TextValue();
          return SkipValue(4);
        });
      }
      return SkipValue(3);
    });
  }
  bool Usage() {
    if (!Peek('{')) return SkipValue(1);
    return Object(2, [&](std::string_view key) {
      if (key == "prompt_tokens") return Count(&out_->prompt_tokens);
      if (key == "completion_tokens") return Count(&out_->completion_tokens);
      return SkipValue(2);
    });
  }
  bool Error() {
    if (IsNull()) return Literal("null");
    out_->is_error = true;
    if (Peek('"')) return String(nullptr, &out_->error_message);
    if (!Peek('{')) return SkipValue(1);
    return Object(2, [&](std::string_view key) {
      if (key == "message" && Peek('"')) {
        out_->error_message.clear();
        return String(nullptr, &out_->error_message);
      }
      return SkipValue(2);
    });
  }

  bool TopObject() {
    return Object(1, [&](std::string_view key) {
      if (key == "choices") {
        if (!Peek('[')) return SkipValue(1);
        return Array(2, [&](size_t i) {
          out_->has_choices = true;
          if (i == 0 && Peek('{')) return Choice();
          return SkipValue(2);
        });
      }
      if (key == "usage") return Usage();
      if (key == "error") return Error();
      if (key == "system_fingerprint" && Peek('"')) {
        return String(&out_->system_fingerprint, nullptr);
      }
      // TensorRT-LLM Triton generate_stream; llama.cpp native /completion.
      if (key == "text_output" || key == "content") {
        if (!Peek('"')) return SkipValue(1);
        out_->has_choices = true;
        return TextValue();
      }
      if (key == "stop") {  // llama.cpp native: true on the final chunk
        if (Literal("true")) {
          if (out_->finish_reason.empty()) out_->finish_reason = "stop";
          return true;
        }
        return SkipValue(1);
      }
      if (key == "tokens_predicted") return Count(&out_->completion_tokens);
      if (key == "tokens_evaluated") return Count(&out_->prompt_tokens);
      return SkipValue(1);
    });
  }

  const char* p_;
  const char* end_;
  bool want_text_;
  StreamChunk* out_;
};

}  // namespace

Status ParseStreamChunk(std::string_view payload, bool want_text,
                        StreamChunk* out) {
  *out = StreamChunk();
  std::string_view trimmed = payload;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n' ||
                              trimmed.back() == '\r')) {
    trimmed.remove_suffix(1);
  }
  if (trimmed == "[DONE]") {
    out->done = true;
    return Status::Ok();
  }
  ChunkReader reader(trimmed, want_text, out);
  if (!reader.Run()) {
    std::string head(trimmed.substr(0, 80));
    return Status::ParseError("malformed stream event: '" + head + "'");
  }
  return Status::Ok();
}

ChunkEffect ApplyChunk(const StreamChunk& chunk, int64_t arrival_ns,
                       bool capture_text, metrics::RequestRecord* r) {
  if (chunk.done) return ChunkEffect::kDone;
  if (chunk.is_error) {
    r->error = metrics::ErrorKind::kServerError;
    r->error_message = "server error event: " + chunk.error_message;
    return ChunkEffect::kFailed;
  }
  if (chunk.prompt_tokens >= 0) r->usage_prompt_tokens = chunk.prompt_tokens;
  if (!chunk.system_fingerprint.empty() && r->system_fingerprint.empty()) {
    r->system_fingerprint = chunk.system_fingerprint;
  }
  bool token =
      chunk.has_choices && (chunk.has_text || chunk.finish_reason.empty());
  if (token) {
    if (r->first_token_ns == 0) r->first_token_ns = arrival_ns;
    r->chunk_ns.push_back(arrival_ns);
    if (chunk.completion_tokens >= 0) {
      // Cumulative usage per chunk (vLLM continuous_usage_stats): the
      // chunk carried the difference.
      int64_t before = r->usage_completion_tokens;
      if (before < 0) {
        before = 0;
        for (size_t i = 0; i + 1 < r->chunk_ns.size(); ++i) {
          before += r->chunk_tokens.empty() ? 1 : r->chunk_tokens[i];
        }
      }
      int64_t n = std::max<int64_t>(1, chunk.completion_tokens - before);
      if (n != 1 && r->chunk_tokens.empty()) {
        r->chunk_tokens.assign(r->chunk_ns.size() - 1, 1);
      }
      if (!r->chunk_tokens.empty())
        r->chunk_tokens.push_back(static_cast<int32_t>(n));
    } else if (!r->chunk_tokens.empty()) {
      r->chunk_tokens.push_back(1);
    }
  }
  if (chunk.completion_tokens >= 0) {
    r->usage_completion_tokens = chunk.completion_tokens;
  }
  if (capture_text && chunk.has_text) r->text += chunk.text;
  if (!chunk.finish_reason.empty()) r->finish_reason = chunk.finish_reason;
  return ChunkEffect::kContinue;
}

}  // namespace infx::client
