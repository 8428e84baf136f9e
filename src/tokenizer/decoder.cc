// Decoders and post-processors (pipeline.h).
#include <string_view>

#include "tokenizer/byte_level.h"
#include "tokenizer/pipeline.h"
#include "tokenizer/utf8.h"

namespace infx::tokenizer {
namespace {

using nlohmann::json;

// tokenizers' ByteLevel decoder: all tokens' characters back to bytes (a
// token with a character outside the alphabet is taken as its own bytes),
// then lossy UTF-8.
std::vector<std::string> ByteLevelDecode(const std::vector<std::string>& in) {
  std::string bytes;
  for (const std::string& t : in) {
    std::string mapped;
    bool ok = true;
    for (size_t i = 0; i < t.size() && ok;) {
      const int b = UnicodeToByte(DecodeUtf8At(t, i));
      if (b < 0) ok = false;
      mapped.push_back(static_cast<char>(b));
      i += Utf8CharLen(t, i);
    }
    bytes += ok ? mapped : t;
  }
  return {LossyUtf8(bytes)};
}

// Parses "<0xAB>" into 0xAB, or -1.
int ByteToken(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  int v = 0;
  for (int i = 3; i < 5; ++i) {
    const char c = t[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// tokenizers' ByteFallback: runs of <0xXX> become their UTF-8 string, or one
// U+FFFD per byte when the run is not valid UTF-8.
std::vector<std::string> ByteFallbackDecode(
    const std::vector<std::string>& in) {
  std::vector<std::string> out;
  std::string run;
  auto flush = [&] {
    if (run.empty()) return;
    if (IsValidUtf8(run)) {
      out.push_back(run);
    } else {
      for (size_t i = 0; i < run.size(); ++i) out.push_back("\xEF\xBF\xBD");
    }
    run.clear();
  };
  for (const std::string& t : in) {
    const int b = ByteToken(t);
    if (b >= 0) {
      run.push_back(static_cast<char>(b));
    } else {
      flush();
      out.push_back(t);
    }
  }
  flush();
  return out;
}

// Strips up to `start` leading and `stop` trailing characters equal to `c`.
std::string StripChars(const std::string& t, const std::string& c, int start,
                       int stop) {
  size_t b = 0, e = t.size();
  for (int i = 0; i < start && t.compare(b, c.size(), c) == 0 && !c.empty();
       ++i) {
    b += c.size();
  }
  for (int i = 0; i < stop && e >= b + c.size() && !c.empty() &&
                  t.compare(e - c.size(), c.size(), c) == 0;
       ++i) {
    e -= c.size();
  }
  return t.substr(b, e - b);
}

}  // namespace

Status Decoder::ParseInto(const json& j, std::vector<Step>& steps) {
  const std::string type = ComponentType(j);
  if (type == "Sequence" && j.contains("decoders") &&
      j["decoders"].is_array()) {
    for (const json& sub : j["decoders"]) {
      INFX_RETURN_IF_ERROR(ParseInto(sub, steps));
    }
  } else if (type == "ByteLevel") {
    steps.push_back({Step::kByteLevel, "", "", 0, 0, true});
  } else if (type == "ByteFallback") {
    steps.push_back({Step::kByteFallback, "", "", 0, 0, true});
  } else if (type == "Fuse") {
    steps.push_back({Step::kFuse, "", "", 0, 0, true});
  } else if (type == "Replace" && j.contains("pattern") &&
             j["pattern"].is_object() && j["pattern"].contains("String")) {
    steps.push_back({Step::kReplace, j["pattern"]["String"].get<std::string>(),
                     j.value("content", ""), 0, 0, true});
  } else if (type == "Strip") {
    steps.push_back({Step::kStrip, j.value("content", " "), "",
                     j.value("start", 0), j.value("stop", 0), true});
  } else if (type == "Metaspace") {
    const std::string scheme =
        j.value("prepend_scheme",
                j.value("add_prefix_space", true) ? "always" : "never");
    steps.push_back({Step::kMetaspace, j.value("replacement", "\u2581"), "", 0,
                     0, scheme != "never"});
  } else {
    return UnsupportedComponent("decoder", j);
  }
  return Status::Ok();
}

Result<Decoder> Decoder::FromJson(const json& j) {
  Decoder d;
  if (j.is_null()) return d;
  INFX_RETURN_IF_ERROR(ParseInto(j, d.steps_));
  d.present_ = true;
  return d;
}

std::string Decoder::Decode(std::vector<std::string> tokens) const {
  if (!present_) {  // tokenizers joins with spaces without a decoder
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) out.push_back(' ');
      out += tokens[i];
    }
    return out;
  }
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::kByteLevel:
        tokens = ByteLevelDecode(tokens);
        break;
      case Step::kByteFallback:
        tokens = ByteFallbackDecode(tokens);
        break;
      case Step::kFuse: {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens = {all};
        break;
      }
      case Step::kReplace:
        for (std::string& t : tokens) ReplaceAll(t, s.a, s.b);
        break;
      case Step::kStrip:
        for (std::string& t : tokens) t = StripChars(t, s.a, s.start, s.stop);
        break;
      case Step::kMetaspace:
        for (size_t i = 0; i < tokens.size(); ++i) {
          ReplaceAll(tokens[i], s.a, " ");
          if (i == 0 && s.prepend && tokens[i].rfind(' ', 0) == 0) {
            tokens[i].erase(0, 1);
          }
        }
        break;
    }
  }
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

Status PostProcessor::ParseInto(const json& j, PostProcessor& p) {
  const std::string type = ComponentType(j);
  auto pair_id = [&](const char* key) -> Result<int32_t> {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != 2 ||
        !j[key][1].is_number_integer()) {
      return Status::InvalidArgument(type + " needs \"" + key +
                                     "\": [token, id]");
    }
    return j[key][1].get<int32_t>();
  };
  if (type == "Sequence" && j.contains("processors") &&
      j["processors"].is_array()) {
    for (const json& sub : j["processors"]) {
      INFX_RETURN_IF_ERROR(ParseInto(sub, p));
    }
  } else if (type == "ByteLevel") {
    // Offsets only: ids are unchanged.
  } else if (type == "RobertaProcessing" || type == "BertProcessing") {
    INFX_ASSIGN_OR_RETURN(int32_t cls, pair_id("cls"));
    INFX_ASSIGN_OR_RETURN(int32_t sep, pair_id("sep"));
    p.before_ = {cls};
    p.after_ = {sep};
    p.has_template_ = true;
  } else if (type == "TemplateProcessing" && j.contains("single") &&
             j["single"].is_array()) {
    p.before_.clear();
    p.after_.clear();
    bool seen_sequence = false;
    for (const json& item : j["single"]) {
      if (item.contains("Sequence")) {
        seen_sequence = true;
        continue;
      }
      const std::string name =
          item.value("SpecialToken", json::object()).value("id", "");
      const json& specials = j.value("special_tokens", json::object());
      if (!specials.contains(name) || !specials[name].contains("ids")) {
        return Status::InvalidArgument(
            "TemplateProcessing names special token '" + name +
            "' missing from its special_tokens");
      }
      for (const json& id : specials[name]["ids"]) {
        (seen_sequence ? p.after_ : p.before_).push_back(id.get<int32_t>());
      }
    }
    p.has_template_ = true;
  } else {
    return UnsupportedComponent("post_processor", j);
  }
  return Status::Ok();
}

Result<PostProcessor> PostProcessor::FromJson(const json& j) {
  PostProcessor p;
  if (j.is_null()) return p;
  try {
    INFX_RETURN_IF_ERROR(ParseInto(j, p));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("bad post_processor: ") +
                                   e.what());
  }
  return p;
}

std::vector<int32_t> PostProcessor::Process(std::vector<int32_t> ids) const {
  if (!has_template_) return ids;
  std::vector<int32_t> out = before_;
  out.insert(out.end(), ids.begin(), ids.end());
  out.insert(out.end(), after_.begin(), after_.end());
  return out;
}

}  // namespace infx::tokenizer
