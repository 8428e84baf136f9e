#include "eval/gsm8k_data.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/files.h"
#include "common/jsonl.h"

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
  INFX_RETURN_IF_ERROR(ForEachJsonObjectLine(
      text, what, [&](const nlohmann::json& obj, const std::string& where) {
        Gsm8kItem item;
        INFX_ASSIGN_OR_RETURN(item.question,
                              StringField(obj, "question", where));
        INFX_ASSIGN_OR_RETURN(item.answer, StringField(obj, "answer", where));
        items.push_back(std::move(item));
        return Status::Ok();
      }));
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
