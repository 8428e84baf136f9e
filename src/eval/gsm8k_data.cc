#include "eval/gsm8k_data.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/files.h"

namespace infx::eval {
namespace {

Result<std::string> StringField(const nlohmann::json& obj,
                                const std::string& key,
                                const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return Status::ParseError(where + ": missing string field '" + key + "'");
  }
  return it->get<std::string>();
}

}  // namespace

Result<std::vector<Gsm8kItem>> ParseGsm8kJsonl(const std::string& text,
                                               const std::string& what) {
  std::vector<Gsm8kItem> items;
  size_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = what + ":" + std::to_string(line_no);
    nlohmann::json obj;
    try {
      obj = nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      return Status::ParseError(where + ": " + e.what());
    }
    if (!obj.is_object()) {
      return Status::ParseError(where + ": expected a JSON object");
    }
    Gsm8kItem item;
    INFX_ASSIGN_OR_RETURN(item.question, StringField(obj, "question", where));
    INFX_ASSIGN_OR_RETURN(item.answer, StringField(obj, "answer", where));
    items.push_back(std::move(item));
  }
  return items;
}

Result<std::vector<Gsm8kItem>> LoadGsm8kSplit(const std::filesystem::path& path,
                                              const std::string& split) {
  std::error_code ec;
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(path, ec)) file = path / (split + ".jsonl");
  if (!std::filesystem::exists(file, ec)) {
    return Status::NotFound("GSM8K " + split +
                            " split not found: " + file.string() +
                            " (run `infx data fetch gsm8k --dir DIR`)");
  }
  INFX_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  INFX_ASSIGN_OR_RETURN(auto items, ParseGsm8kJsonl(text, file.string()));
  if (items.empty()) {
    return Status::InvalidArgument(file.string() + ": no GSM8K questions");
  }
  return items;
}

}  // namespace infx::eval
