// Tokenizer::Load and the tokenizer.json / vocab.json + merges.txt readers.
#include <filesystem>

#include "common/files.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_impl.h"

namespace infx::tokenizer {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string KeysOf(const json& j) {
  if (!j.is_object()) return std::string("a JSON ") + j.type_name();
  std::string keys;
  int n = 0;
  for (auto it = j.begin(); it != j.end() && n < 8; ++it, ++n) {
    keys += (keys.empty() ? "" : ", ") + it.key();
  }
  return "JSON keys " + keys;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseMerges(
    const json& merges, const std::string& source) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!merges.is_array()) {
    return Status::InvalidArgument(source + ": model.merges is not an array");
  }
  out.reserve(merges.size());
  for (const json& m : merges) {
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const size_t sp = s.find(' ', 1);
      if (sp == std::string::npos) {
        return Status::InvalidArgument(source + ": bad merge '" + s + "'");
      }
      out.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() &&
               m[1].is_string()) {
      out.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      return Status::InvalidArgument(source + ": bad merge " + m.dump());
    }
  }
  return out;
}

Result<BpeModel> ParseModel(const json& model, const std::string& source) {
  const std::string type = model.value("type", "");
  if (type != "BPE" && !(type.empty() && model.contains("merges"))) {
    return Status::InvalidArgument(
        source + ": unsupported tokenizer model type '" +
        (type.empty() ? model.dump().substr(0, 40) : type) +
        "' (supported: BPE)");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(key) && model[key].is_string() &&
        !model[key].get<std::string>().empty()) {
      return Status::InvalidArgument(source + ": unsupported BPE " + key);
    }
  }
  if (!model.contains("vocab") || !model["vocab"].is_object()) {
    return Status::InvalidArgument(source + ": model.vocab is not an object");
  }
  std::unordered_map<std::string, int32_t> vocab;
  vocab.reserve(model["vocab"].size());
  for (auto it = model["vocab"].begin(); it != model["vocab"].end(); ++it) {
    vocab.emplace(it.key(), it.value().get<int32_t>());
  }
  INFX_ASSIGN_OR_RETURN(
      auto merges, ParseMerges(model.value("merges", json::array()), source));
  BpeModel::Options opt;
  if (model.contains("unk_token") && model["unk_token"].is_string()) {
    opt.unk_token = model["unk_token"].get<std::string>();
  }
  opt.fuse_unk = model.value("fuse_unk", false);
  opt.byte_fallback = model.value("byte_fallback", false);
  opt.ignore_merges = model.value("ignore_merges", false);
  auto created = BpeModel::Create(std::move(vocab), merges, std::move(opt));
  if (!created.ok()) {
    return Status::InvalidArgument(source + ": " + created.status().message());
  }
  return std::move(created).value();
}

}  // namespace

Result<Tokenizer> Tokenizer::FromTokenizerJson(const json& j,
                                               const std::string& source) {
  if (!j.is_object() || !j.contains("model") || !j["model"].is_object()) {
    return Status::InvalidArgument(
        source + ": unknown tokenizer format (found " + KeysOf(j) +
        "; expected tokenizer.json with \"model\", or vocab.json + "
        "merges.txt)");
  }
  auto impl = std::make_shared<Impl>();
  try {
    INFX_ASSIGN_OR_RETURN(impl->model, ParseModel(j["model"], source));
    auto section = [&](const char* key) {
      return j.contains(key) ? j[key] : json();
    };
    auto named = [&](Status s) {
      return Status::InvalidArgument(source + ": " + s.message());
    };
    auto n = Normalizer::FromJson(section("normalizer"));
    if (!n.ok()) return named(n.status());
    impl->normalizer = *n;
    auto p = PreTokenizer::FromJson(section("pre_tokenizer"));
    if (!p.ok()) return named(p.status());
    impl->pre_tokenizer = *p;
    auto d = Decoder::FromJson(section("decoder"));
    if (!d.ok()) return named(d.status());
    impl->decoder = *d;
    auto pp = PostProcessor::FromJson(section("post_processor"));
    if (!pp.ok()) return named(pp.status());
    impl->post_processor = *pp;
    for (const json& a : section("added_tokens")) {
      AddedToken t;
      t.content = a.at("content").get<std::string>();
      t.id = a.at("id").get<int32_t>();
      t.special = a.value("special", false);
      t.lstrip = a.value("lstrip", false);
      t.rstrip = a.value("rstrip", false);
      t.normalized = a.value("normalized", !t.special);
      impl->added.push_back(std::move(t));
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(source +
                                   ": malformed tokenizer.json: " + e.what());
  }
  impl->BuildSplitters();
  const std::string marker = "\u2581";
  if (impl->pre_tokenizer.empty() &&
      !impl->model.MarkerFollowsCharInAnyToken(marker)) {
    impl->word_marker = marker;
  }
  Tokenizer tok;
  const std::string dump = j.value("pre_tokenizer", json()).dump() +
                           j.value("decoder", json()).dump();
  tok.kind_ = dump.find("\"ByteLevel\"") != std::string::npos ? "byte-level BPE"
                                                              : "BPE";
  tok.impl_ = std::move(impl);
  return tok;
}

Result<Tokenizer> Tokenizer::FromVocabAndMerges(const json& vocab,
                                                std::string_view merges_text,
                                                const std::string& source) {
  if (!vocab.is_object()) {
    return Status::InvalidArgument(source + ": vocab.json is not an object");
  }
  json merges = json::array();
  size_t pos = 0;
  while (pos < merges_text.size()) {
    size_t end = merges_text.find('\n', pos);
    if (end == std::string_view::npos) end = merges_text.size();
    std::string line(merges_text.substr(pos, end - pos));
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    merges.push_back(line);
  }
  // The tokenizer.json that transformers' GPT2Converter writes.
  json j = {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}},
            {"pre_tokenizer",
             {{"type", "ByteLevel"},
              {"add_prefix_space", false},
              {"use_regex", true}}},
            {"decoder", {{"type", "ByteLevel"}}},
            {"added_tokens", json::array()}};
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const std::string& k = it.key();
    if (k.size() > 4 && k.rfind("<|", 0) == 0 &&
        k.compare(k.size() - 2, 2, "|>") == 0) {
      j["added_tokens"].push_back({{"id", it.value()},
                                   {"content", k},
                                   {"special", true},
                                   {"normalized", false}});
    }
  }
  return FromTokenizerJson(j, source);
}

Result<Tokenizer> Tokenizer::Load(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) {
    if (fs::exists(p / "tokenizer.json", ec)) {
      p /= "tokenizer.json";
    } else if (fs::exists(p / "vocab.json", ec) &&
               fs::exists(p / "merges.txt", ec)) {
      p /= "vocab.json";
    } else {
      return Status::NotFound(
          "no tokenizer.json or vocab.json + merges.txt "
          "in directory '" +
          path + "'");
    }
  } else if (!fs::exists(p, ec)) {
    return Status::NotFound("tokenizer file '" + path + "' does not exist");
  }
  Result<json> j = ReadJsonFile(p);
  if (!j.ok()) {
    return Status::InvalidArgument(
        "unknown tokenizer format: '" + p.string() +
        "' is not JSON (expected tokenizer.json, or vocab.json + merges.txt)");
  }
  const bool looks_like_vocab =
      j->is_object() && !(j->contains("model") && (*j)["model"].is_object()) &&
      !j->empty() && j->begin()->is_number_integer();
  if (!looks_like_vocab) return FromTokenizerJson(*j, p.string());
  const fs::path merges_path = p.parent_path() / "merges.txt";
  Result<std::string> merges = ReadFile(merges_path);
  if (!merges.ok()) {
    return Status::NotFound("'" + p.string() + "' is a vocab.json but '" +
                            merges_path.string() + "' is missing");
  }
  return FromVocabAndMerges(*j, *merges, p.string());
}

}  // namespace infx::tokenizer
