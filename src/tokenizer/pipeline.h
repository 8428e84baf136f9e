// The stages of a Hugging Face tokenizer around its model, read from the
// "normalizer", "pre_tokenizer", "decoder" and "post_processor" sections of
// tokenizer.json, with the semantics of Rust's tokenizers:
//  - normalizers: Prepend, Replace (string pattern), NFC (Unicode canonical
//    composition, by ICU, as Qwen2's), Sequence;
//  - pre-tokenizers: Split (regex or string; Isolated, Removed,
//    MergedWithPrevious, MergedWithNext), ByteLevel (GPT-2 regex, byte to
//    unicode mapping), Metaspace, Digits, Sequence;
//  - decoders: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace,
//    Sequence;
//  - post-processors: TemplateProcessing (single sequences), ByteLevel,
//    RobertaProcessing, BertProcessing, Sequence.
// Any other type is an InvalidArgument naming the section and the type found.
//
// Thread-safety: immutable after parsing; every method is const.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "tokenizer/unicode_regex.h"

namespace infx::tokenizer {

class Normalizer {
 public:
  // `j` null: identity.
  static Result<Normalizer> FromJson(const nlohmann::json& j);
  void Apply(std::string& text) const;
  bool empty() const { return steps_.empty(); }

 private:
  struct Step {
    enum Kind { kPrepend, kReplace, kNfc } kind;
    std::string a, b;  // prepend: a; replace: a -> b
  };
  std::vector<Step> steps_;
};

class PreTokenizer {
 public:
  static Result<PreTokenizer> FromJson(const nlohmann::json& j);
  // Splits `text` (one section between added tokens; `first_section` is true
  // for the section at the start of the input) into BPE words.
  std::vector<std::string> Split(const std::string& text,
                                 bool first_section) const;
  bool empty() const { return steps_.empty(); }

 private:
  struct Step {
    enum Kind { kSplit, kByteLevel, kMetaspace } kind;
    std::shared_ptr<UnicodeRegex> regex;  // split / byte-level regex
    // Isolated, Removed, MergedWithPrevious, MergedWithNext
    enum Behavior { kIsolated, kRemoved, kMergedPrev, kMergedNext };
    int behavior = kIsolated;
    bool add_prefix_space = false;  // byte-level
    std::string replacement;        // metaspace
    enum Prepend { kAlways, kFirst, kNever } prepend = kAlways;
    bool split = true;  // metaspace
  };
  static Result<Step> ParseStep(const nlohmann::json& j);
  void ApplyStep(const Step& s, std::vector<std::string>& pieces,
                 bool first_section) const;
  std::vector<Step> steps_;
};

class Decoder {
 public:
  static Result<Decoder> FromJson(const nlohmann::json& j);
  // Tokens -> text (bytes; valid UTF-8 where the decoder makes it so).
  std::string Decode(std::vector<std::string> tokens) const;

 private:
  struct Step {
    enum Kind {
      kByteLevel,
      kReplace,
      kByteFallback,
      kFuse,
      kStrip,
      kMetaspace
    } kind;
    std::string a, b;  // replace a -> b; strip content a; metaspace a
    int start = 0, stop = 0;
    bool prepend = true;  // metaspace: strip the first token's space
  };
  static Status ParseInto(const nlohmann::json& j, std::vector<Step>& steps);
  std::vector<Step> steps_;
  bool present_ = false;
};

class PostProcessor {
 public:
  // `token_ids` resolves special token names where the JSON gives none.
  static Result<PostProcessor> FromJson(const nlohmann::json& j);
  // Wraps `ids` of one sequence with the special tokens of the template.
  std::vector<int32_t> Process(std::vector<int32_t> ids) const;

 private:
  static Status ParseInto(const nlohmann::json& j, PostProcessor& p);
  std::vector<int32_t> before_, after_;
  bool has_template_ = false;
};

// Shared by the stage parsers (pipeline.cc, decoder.cc):
// a component's "type", or the start of its JSON when it has none;
std::string ComponentType(const nlohmann::json& j);
// InvalidArgument "unsupported <section> '<type>' in tokenizer.json";
Status UnsupportedComponent(const std::string& section,
                            const nlohmann::json& j);
// every `from` in `s` replaced by `to` (nothing for an empty `from`).
void ReplaceAll(std::string& s, const std::string& from, const std::string& to);

}  // namespace infx::tokenizer
