// JsonFields: typed reads of one JSON object (a config.json or a part of it)
// with a sticky first error that names the source and the field, so a
// parser can read many fields and check once.
//
// Thread-safety: not thread-safe; one parser owns one JsonFields.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace infx::model {

class JsonFields {
 public:
  // `object` must outlive this reader. `source` names it in errors
  // ("Llama-3.1-8B.json" or "Llama-4.json: text_config").
  JsonFields(const nlohmann::json& object, std::string source);

  // Present and not null.
  bool Has(const std::string& key) const;
  // Required positive integer; records "missing field" / "not a positive
  // integer" errors and returns 0.
  int64_t Int(const std::string& key);
  // Optional non-negative integer; `fallback` when absent or null.
  int64_t IntOr(const std::string& key, int64_t fallback);
  // Optional size where real configs spell "none" as null, 0 or -1
  // ("shared_expert_intermediate_size": 0, GPTQ "group_size": -1):
  // `fallback` when absent or null, 0 for 0 or -1, else the positive value.
  int64_t SizeOr(const std::string& key, int64_t fallback);
  bool BoolOr(const std::string& key, bool fallback);
  std::string StringOr(const std::string& key, const std::string& fallback);
  // Optional array of strings; empty when absent.
  std::vector<std::string> Strings(const std::string& key);
  // Optional array of integers; empty when absent.
  std::vector<int64_t> Ints(const std::string& key);

  const std::string& source() const { return source_; }
  // Ok, or the first error recorded.
  const Status& status() const { return status_; }
  void Fail(const std::string& message);

 private:
  const nlohmann::json* Get(const std::string& key) const;
  bool ReadInt(const nlohmann::json& value, int64_t& out) const;

  const nlohmann::json& object_;
  std::string source_;
  Status status_;
};

}  // namespace infx::model
