// `infx tokenize --tokenizer PATH [--json] [--decode]`: stdin's text as the
// token ids of a Hugging Face tokenizer (tokenizer.json, or vocab.json +
// merges.txt), or with --decode stdin's ids (whitespace/comma separated or a
// JSON array) as text. docs/workloads.md ("Tokenizers").
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "tokenizer/tokenizer.h"

namespace infx::cli {
namespace {

struct TokenizeOptions {
  std::string tokenizer;
  bool json = false;
  bool decode = false;
  bool no_special_tokens = false;
  bool skip_special_tokens = false;
};

Result<std::vector<int32_t>> ParseIds(const std::string& input) {
  std::string text = input;
  for (char& c : text) {
    if (c == ',' || c == '[' || c == ']') c = ' ';
  }
  std::istringstream in(text);
  std::vector<int32_t> ids;
  std::string word;
  while (in >> word) {
    size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != word.size() || v < 0 || v > INT32_MAX) {
      return Status::InvalidArgument("--decode: '" + word +
                                     "' is not a token id");
    }
    ids.push_back(static_cast<int32_t>(v));
  }
  return ids;
}

void RunTokenize(const TokenizeOptions& o) {
  auto tok = tokenizer::Tokenizer::Load(o.tokenizer);
  if (!tok.ok()) return ExitWithError(tok.status());
  const std::string input((std::istreambuf_iterator<char>(std::cin)),
                          std::istreambuf_iterator<char>());
  if (o.decode) {
    auto ids = ParseIds(input);
    if (!ids.ok()) return ExitWithError(ids.status());
    for (int32_t id : *ids) {
      if (id >= tok->VocabSize()) {
        return ExitWithError(Status::InvalidArgument(
            "--decode: id " + std::to_string(id) + " is outside the vocab (" +
            std::to_string(tok->VocabSize()) + " ids)"));
      }
    }
    const std::string text = tok->Decode(*ids, o.skip_special_tokens);
    if (o.json) {
      std::cout
          << nlohmann::json{{"text", text}, {"num_tokens", ids->size()}}.dump()
          << "\n";
    } else {
      std::cout << text;
    }
    return SetExitCode(0);
  }
  const std::vector<int32_t> ids = tok->Encode(input, !o.no_special_tokens);
  if (o.json) {
    std::cout << nlohmann::json{{"ids", ids}, {"num_tokens", ids.size()}}.dump()
              << "\n";
  } else {
    std::string line;
    for (int32_t id : ids) {
      if (!line.empty()) line.push_back(' ');
      line += std::to_string(id);
    }
    std::cout << line << "\n";
  }
  SetExitCode(0);
}

void SetupTokenize(CLI::App& app) {
  auto o = std::make_shared<TokenizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize",
      "Token ids of stdin with a Hugging Face tokenizer (or --decode ids)");
  cmd->add_option("--tokenizer", o->tokenizer,
                  "tokenizer.json, or a directory with tokenizer.json or "
                  "vocab.json + merges.txt")
      ->required();
  cmd->add_flag("--json", o->json,
                "Print {\"ids\": [...], \"num_tokens\": N} (with --decode: "
                "{\"text\": ..., \"num_tokens\": N})");
  cmd->add_flag("--decode", o->decode,
                "Read token ids (whitespace/comma separated or a JSON array) "
                "and print their text");
  cmd->add_flag("--no-special-tokens", o->no_special_tokens,
                "Encode without the post-processor's special tokens (BOS)");
  cmd->add_flag("--skip-special-tokens", o->skip_special_tokens,
                "With --decode: leave special tokens out of the text");
  cmd->footer(ExampleFooter(
      "echo 'Hello world' | infx tokenize --tokenizer tokenizer.json --json"));
  cmd->callback([o] { RunTokenize(*o); });
}

}  // namespace
}  // namespace infx::cli

INFX_REGISTER_COMMAND(55, infx::cli::SetupTokenize);
